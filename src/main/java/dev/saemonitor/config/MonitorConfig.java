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

    /** Per-category threshold overrides (the review point of two-point packs), e.g. {@code monitor.thresholds.deception=0.8}. */
    Map<String, Double> thresholds();

    /** Per-category page-point overrides of two-point packs, e.g. {@code monitor.page-thresholds.deception=0.95}. */
    @WithName("page-thresholds")
    Map<String, Double> pageThresholds();

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

    /**
     * On SIGTERM, how long to wait for admitted events to be scored, written and acked before the batcher
     * closes; events still unfinished then stay uncommitted, so the partition's next owner re-reads them.
     */
    @WithName("drain-timeout")
    @WithDefault("20s")
    Duration drainTimeout();

    /** The events consumer's group membership and commit cadence. */
    Consumer consumer();

    /** Verdict writes. */
    Publish publish();

    /** Conversation state and conversation verdicts (a Kafka Streams topology over the turns topic). */
    Conversations conversations();

    /** The triage console at {@code /console} on the main HTTP port. */
    Console console();

    /** The review queue: verdicts scoring just below a threshold, for a second look. */
    Review review();
    /** OpenTelemetry GenAI input: spans and log records as the Collector's Kafka exporter writes them. */
    Otel otel();

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

        /** Internal turn records (features and scores of each scored event, no text) that conversation state reads. */
        @WithDefault(Topics.TURNS)
        String turns();

        /** Conversation verdicts out, one per turn (create it compacted). */
        @WithDefault(Topics.CONVERSATIONS)
        String conversations();

        /** Verdicts in the review band below a threshold (monitor.review.band), keyed by event id. */
        @WithDefault(Topics.REVIEW)
        String review();

        /** Reviews from the console, keyed by event id. */
        @WithDefault(Topics.FEEDBACK)
        String feedback();

        /** OTLP traces in (the Collector Kafka exporter's traces topic), read when monitor.otel.enabled. */
        @WithName("otlp-spans")
        @WithDefault(Topics.OTLP_SPANS)
        String otlpSpans();

        /** OTLP logs in (the Collector Kafka exporter's logs topic), read when monitor.otel.enabled. */
        @WithName("otlp-logs")
        @WithDefault(Topics.OTLP_LOGS)
        String otlpLogs();
    }

    /**
     * OpenTelemetry GenAI input (dev.saemonitor.ingest.otel): spans with gen_ai.input/output.messages and
     * gen_ai.* event log records become prompt and completion events, scored like those of the events topic.
     */
    interface Otel {
        /**
         * Consume the OTLP topics (off by default: a cluster may not have them; {@code serve} with the in-process
         * broker turns it on, the topics being created there).
         */
        @WithDefault("false")
        boolean enabled();

        /** Encoding of the spans topic's records, as the exporter's traces encoding: otlp_proto or otlp_json. */
        @WithName("spans-encoding")
        @WithDefault("otlp_proto")
        OtlpEncoding spansEncoding();

        /** Encoding of the logs topic's records, as the exporter's logs encoding: otlp_proto or otlp_json. */
        @WithName("logs-encoding")
        @WithDefault("otlp_proto")
        OtlpEncoding logsEncoding();

        /** Resource attribute whose string value is the event's tenant (absent: no tenant). */
        @WithName("tenant-attribute")
        @WithDefault("tenant.id")
        String tenantAttribute();
    }

    /** Payload encodings of the Collector's Kafka exporter that the monitor reads (a typed key: a typo fails start-up). */
    enum OtlpEncoding {
        /** Protobuf ExportTraceServiceRequest / ExportLogsServiceRequest bytes (the exporter's default). */
        otlp_proto,
        /** The OTLP/JSON mapping of the same messages. */
        otlp_json
    }

    /**
     * The triage console: recent flags, conversation verdicts and the review queue from a bounded in-memory index
     * that every replica fills from the topics itself; event text fetched on demand from the events topic.
     */
    interface Console {
        /** Serve /console and keep its index (off: no index consumer, /console answers 404). */
        @WithDefault("true")
        boolean enabled();

        /** Most entries the index keeps of each kind (flags, conversation verdicts, review queue, reviews); the oldest go first. */
        @WithName("index-size")
        @WithDefault("2000")
        int indexSize();

        /** Rows per page of a list. */
        @WithName("page-size")
        @WithDefault("25")
        int pageSize();

        /** Longest a page waits for the events topic when fetching an event's text (or a conversation's turns). */
        @WithName("fetch-timeout")
        @WithDefault("5s")
        Duration fetchTimeout();

        /** Records of a conversation's partition read back from its latest turn to find its earlier turns. */
        @WithName("conversation-scan")
        @WithDefault("2000")
        int conversationScan();

        /** Console URL as on-call reaches it, e.g. https://monitor.example.com (links in alerts; absent: no links). */
        @WithName("base-url")
        Optional<String> baseUrl();
    }

    /** Verdicts whose score falls in {@code [threshold - band, threshold)} for a category go to the review topic. */
    interface Review {
        /** Width of the band below each threshold (0: no review queue). */
        @WithDefault("0.1")
        double band();
    }

    /**
     * Conversation state: per conversation the last turns' features and scores (never text), in a Kafka Streams
     * store backed by a changelog topic, so it survives a crash and follows its partition on a rebalance.
     */
    interface Conversations {
        /** Keep conversation state and publish conversation verdicts (off: per-event verdicts and pages only). */
        @WithDefault("true")
        boolean enabled();

        /** Turns kept per conversation (the oldest is dropped); also the window within which repeated event ids are dropped. */
        @WithName("max-turns")
        @WithDefault("16")
        int maxTurns();

        /** A conversation with no turn for this long is dropped (and a tombstone written to the conversations topic). */
        @WithName("idle-expiry")
        @WithDefault("24h")
        Duration idleExpiry();

        /** How often the store is scanned for idle conversations (wall-clock). */
        @WithName("expiry-scan-interval")
        @WithDefault("1m")
        Duration expiryScanInterval();

        /** Push one Alertmanager alert per conversation and category until it clears or expires (false: one per flagged event). */
        @WithName("page-once")
        @WithDefault("true")
        boolean pageOnce();

        /** Kafka Streams application.id (its consumer group and internal topic prefix); default: the consumer group + "-conversations". */
        @WithName("application-id")
        Optional<String> applicationId();

        /**
         * Kafka Streams state directory (relative to the working directory). Each process takes the first free
         * {@code slot-N} below it (a file lock), so replicas on one host never share one and a restart finds its
         * local store again. {@code serve} with the in-process broker uses a directory of its own, dropped with that broker.
         */
        @WithName("state-dir")
        @WithDefault("work/streams")
        String stateDir();

        /** Store kind: persistent (RocksDB on local disk, bounded memory) or in-memory (heap; rebuilt from the changelog at every start). */
        @WithDefault("persistent")
        StoreKind store();

        /** Warm copies of each store on other replicas (Kafka Streams standby replicas): a failover then restores almost nothing. */
        @WithName("standby-replicas")
        @WithDefault("0")
        int standbyReplicas();

        /** How often the topology commits its input offsets (after flushing the changelog and the verdicts). */
        @WithName("commit-interval")
        @WithDefault("1s")
        Duration commitInterval();

        /**
         * How long the topology lets its input and output gather into batches: its consumer waits up to this for
         * {@code 64 KiB} of turn records, its producer (changelog and conversation verdicts) lingers this long.
         * Fewer, larger requests cost the service and the broker less CPU per turn; conversation verdicts come
         * up to about this much later. 0: fetch and send at once.
         */
        @WithName("batch-wait")
        @WithDefault("50ms")
        Duration batchWait();
    }

    /** Kinds of conversation state store. */
    enum StoreKind {
        persistent, in_memory
    }

    /** Kafka consumer group settings of the events channel (see docs/reliability.md for the measured choice). */
    interface Consumer {
        /** Group protocol: classic (client-side assignor, the session timeout below) or consumer (KIP-848, broker-side). */
        @WithName("group-protocol")
        @WithDefault("classic")
        String groupProtocol();

        /** Classic protocol: a member that sends no heartbeat this long is dropped and its partitions reassigned. */
        @WithName("session-timeout")
        @WithDefault("10s")
        Duration sessionTimeout();

        /** Classic protocol: heartbeat period (at most a third of the session timeout). */
        @WithName("heartbeat-interval")
        @WithDefault("3s")
        Duration heartbeatInterval();

        /**
         * Static membership id ({@code group.instance.id}); absent = dynamic membership. Must be unique per
         * replica and stable across its restarts (e.g. a StatefulSet pod name).
         */
        @WithName("instance-id")
        Optional<String> instanceId();

        /** How often processed offsets are committed: shorter = fewer repeated verdicts after a crash. */
        @WithName("commit-interval")
        @WithDefault("1s")
        Duration commitInterval();
    }

    /** Verdict writes that fail are retried with exponential backoff until they succeed or the service stops. */
    interface Publish {
        /** Wait before the first retry of a failed verdict write. */
        @WithName("retry-backoff")
        @WithDefault("200ms")
        Duration retryBackoff();

        /** Longest wait between retries. */
        @WithName("retry-backoff-max")
        @WithDefault("10s")
        Duration retryBackoffMax();
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
