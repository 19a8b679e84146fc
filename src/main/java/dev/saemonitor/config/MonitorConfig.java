package dev.saemonitor.config;

import dev.saemonitor.modelpack.Catalog;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The one configuration root of the service ({@code monitor.*}; env {@code MONITOR_*}). */
@ConfigMapping(prefix = "monitor")
public interface MonitorConfig {

    /** The model pack. */
    Pack pack();

    /** Topic names (the SmallRye channels read them through application.properties). */
    TopicNames topics();

    /** Consumer group of the monitor on the events topic; replicas of one deployment share it. */
    @WithName("consumer-group")
    @WithDefault("sae-safety-monitor")
    String consumerGroup();

    /** Also publish every verdict, flagged or not, to the verdicts topic. */
    @WithName("publish-all-verdicts")
    @WithDefault("false")
    boolean publishAllVerdicts();

    /** Per-category threshold overrides, e.g. {@code monitor.thresholds.deception=0.8}. */
    Map<String, Double> thresholds();

    /** Micro-batching of inference. */
    Batch batch();

    /** Records larger than this many bytes are dead-lettered as {@code oversize}. */
    @WithName("max-event-bytes")
    @WithDefault("262144")
    int maxEventBytes();

    /** ONNX Runtime. */
    Onnx onnx();

    /** Direct per-event alerts to Alertmanager. */
    Alertmanager alertmanager();

    /** Metrics. */
    Metrics metrics();

    /** Liveness fails when events are in flight but no verdict was published for this long. */
    @WithName("stall-timeout")
    @WithDefault("60s")
    Duration stallTimeout();

    /** Sample traffic fed into the in-process broker by {@code serve} when no Kafka is configured. */
    @WithName("demo-traffic")
    DemoTraffic demoTraffic();

    /** Model pack location. */
    interface Pack {
        /** Directory holding pack.yaml. */
        @WithDefault("model-packs/default")
        String path();

        /** Directory of reader models the pack names (default: $SAE_MONITOR_READERS_DIR or target/readers). */
        @WithName("readers-dir")
        Optional<String> readersDir();

        /**
         * After a refused pack, stay up this long (readiness down, the failure scrapeable) and then exit
         * with status 3, so the group hands this replica's partitions to healthy ones.
         */
        @WithName("exit-after-refusal")
        @WithDefault("60s")
        Duration exitAfterRefusal();
    }

    /** Kafka topics. */
    interface TopicNames {
        /** Events in. */
        @WithDefault(Topics.EVENTS)
        String events();

        /** Flagged verdicts out. */
        @WithDefault(Topics.FLAGS)
        String flags();

        /** All verdicts out (when publish-all-verdicts). */
        @WithDefault(Topics.VERDICTS)
        String verdicts();

        /** Dead letters. */
        @WithDefault(Topics.DLQ)
        String dlq();
    }

    /** Micro-batch bounds: a batch closes at whichever comes first. */
    interface Batch {
        /** Most events in one inference batch. */
        @WithName("max-events")
        @WithDefault("32")
        int maxEvents();

        /** Most (estimated) tokens in one inference batch. */
        @WithName("max-tokens")
        @WithDefault("4096")
        int maxTokens();

        /** Longest a first event waits for others to join its batch. */
        @WithName("max-wait")
        @WithDefault("10ms")
        Duration maxWait();

        /** Events accepted but not yet published; at this bound consumption pauses (back-pressure). */
        @WithName("max-in-flight")
        @WithDefault("512")
        int maxInFlight();

        /** Padded tokens per reader ONNX run. */
        @WithName("reader-tokens")
        @WithDefault("512")
        int readerTokens();
    }

    /** ONNX Runtime execution. */
    interface Onnx {
        /** Execution provider: cpu or cuda. */
        @WithDefault("cpu")
        ExecutionProvider provider();

        /** When cuda is asked for but unavailable: cpu (fall back) or fail (readiness stays down). */
        @WithName("cuda-fallback")
        @WithDefault("cpu")
        CudaFallback cudaFallback();

        /** Intra-op threads (0 = all cores). */
        @WithDefault("0")
        int threads();

        /** Let ONNX Runtime's worker threads spin-wait between runs (they then compete with Kafka's threads). */
        @WithName("spin-wait")
        @WithDefault("false")
        boolean spinWait();
    }

    /** ONNX Runtime execution providers the service can ask for (a typed key: a typo fails start-up). */
    enum ExecutionProvider {
        cpu, cuda
    }

    /** What to do when the CUDA provider is asked for but cannot be created. */
    enum CudaFallback {
        cpu, fail
    }

    /** Alertmanager v2 push of per-event alerts. */
    interface Alertmanager {
        /** Base URL, e.g. http://alertmanager:9093; absent = off. */
        Optional<String> url();

        /** Push verdicts whose severity is at least this (info, warning, critical). */
        @WithName("min-severity")
        @WithDefault("critical")
        Catalog.Severity minSeverity();

        /** How long an alert stays active unless pushed again. */
        @WithName("resolve-after")
        @WithDefault("5m")
        Duration resolveAfter();
    }

    /** Metric cardinality bounds. */
    interface Metrics {
        /** Distinct tenant label values before the rest are counted as "other". */
        @WithName("max-tenants")
        @WithDefault("50")
        int maxTenants();
    }

    /** Bundled sample traffic. */
    interface DemoTraffic {
        /** Feed the bundled sample events into the events topic at start. */
        @WithDefault("false")
        boolean enabled();

        /** Events per second. */
        @WithDefault("4")
        double rate();
    }
}
