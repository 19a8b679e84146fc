package dev.saemonitor.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.saemonitor.bench.Accounting;
import dev.saemonitor.bench.BenchTraffic;
import dev.saemonitor.bench.Percentiles;
import dev.saemonitor.bench.SaeStageBench;
import dev.saemonitor.bench.PipelineDriver;
import dev.saemonitor.bench.ServiceProcess;
import dev.saemonitor.broker.EmbeddedKafka;
import dev.saemonitor.config.Topics;
import dev.saemonitor.scoring.SafetyScorer;
import dev.saemonitor.scoring.ScoreRequest;
import dev.saemonitor.scoring.StageListener;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bench}: the service (packaged jar, child process) behind a real broker, driven with a
 * realistic length mix: (1) maximum throughput, (2) latency percentiles at a fraction of it, and (3)
 * in the same run, the raw throughput of the same pack's ONNX graphs with large sorted batches, so the
 * ratio shows the pipeline's overhead. Also the service's time to ready and peak resident memory.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark the pipeline through a real broker against the raw ONNX throughput of the same pack.")
public class BenchCommand implements Callable<Integer> {
    @Mixin
    PackOptions packOptions;
    @Option(names = "--events", defaultValue = "1500", description = "events per phase (default: ${DEFAULT-VALUE})")
    int events;
    @Option(names = "--load-fraction", defaultValue = "0.5", description = "offered load of the latency phase, as a fraction of measured max throughput (default: ${DEFAULT-VALUE})")
    double loadFraction;
    @Option(names = "--data", defaultValue = "data/seed/dev.jsonl", description = "JSONL texts to draw the length mix from (default: ${DEFAULT-VALUE})")
    Path data;
    @Option(names = "--jar", defaultValue = "target/quarkus-app/quarkus-run.jar", description = "the packaged service (default: ${DEFAULT-VALUE})")
    Path jar;
    @Option(names = "--bootstrap-servers", description = "an existing cluster (default: an in-process broker)")
    String bootstrap;
    @Option(names = "--json-out", description = "also write the figures as JSON here")
    Path jsonOut;
    @Option(names = "--service-prop", description = "extra -D property for the service, e.g. monitor.batch.max-events=64")
    List<String> serviceProps = new ArrayList<>();
    @Option(names = "--sae-stage", description = "only time the SAE stage, full encoder against the monitored-features "
            + "slice, on synthetic jumprelu SAEs (no service, no broker)")
    boolean saeStage;
    @Option(names = "--sae-widths", split = ",", defaultValue = "16384,131072", description = "--sae-stage: d_sae values (default: ${DEFAULT-VALUE})")
    int[] saeWidths;
    @Option(names = "--sae-features", defaultValue = "128", description = "--sae-stage: monitored features (default: ${DEFAULT-VALUE})")
    int saeFeatures;
    @Option(names = "--sae-rows", defaultValue = "512", description = "--sae-stage: token vectors per run (default: ${DEFAULT-VALUE})")
    int saeRows;
    @Spec
    CommandSpec spec;

    private static final int REPEATS = 3;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (saeStage) {
            SaeStageBench.run(out, packOptions.settings().sessionOptions().options(), saeWidths, saeFeatures, saeRows, 15);
            return MonitorCli.OK;
        }
        if (!Files.isRegularFile(jar)) {
            throw new BadInputException(jar + " missing: build it first with ./mvnw package -DskipTests");
        }
        List<String> warm = BenchTraffic.texts(data, Math.max(50, events / 10), 7);
        List<String> max = BenchTraffic.texts(data, events, 1);
        List<String> paced = BenchTraffic.texts(data, events, 2);
        ObjectNode report = new ObjectMapper().createObjectNode();
        report.put("machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ", Java " + Runtime.version());
        report.put("pack", packOptions.pack.toString());
        EmbeddedKafka broker = bootstrap == null ? EmbeddedKafka.start(Topics.DEFAULT_PARTITIONS, Topics.ALL_DEFAULTS) : null;
        String servers = broker != null ? broker.bootstrapServers() : bootstrap;
        Path log = Files.createTempFile("sae-monitor-bench", ".log");
        try (ServiceProcess svc = ServiceProcess.start(jar, servers, packOptions.pack, log, serviceProps);
             PipelineDriver driver = new PipelineDriver(servers, Topics.EVENTS, Topics.VERDICTS);
             SafetyScorer rawScorer = SafetyScorer.open(packOptions.load(), packOptions.settings(), true)) {
            long readyMs = svc.awaitReady(Duration.ofMinutes(2));
            report.put("readyMs", readyMs);
            out.printf("service ready in %d ms (log: %s)%n", readyMs, log);
            driver.run("warm", warm, 0, Duration.ofMinutes(5));
            raw(rawScorer, warm);
            // pipeline and raw runs alternate, so drift in the machine's speed hits both alike
            Accounting acc = new Accounting(svc);
            List<PipelineDriver.Run> runs = new ArrayList<>();
            List<double[]> raws = new ArrayList<>();
            for (int rep = 0; rep < REPEATS; rep++) {
                acc.resume();
                runs.add(driver.run("max" + rep, max, 0, Duration.ofMinutes(10)));
                acc.pause();
                raws.add(raw(rawScorer, max));
            }
            runs.sort(java.util.Comparator.comparingDouble(PipelineDriver.Run::eventsPerSecond));
            raws.sort(java.util.Comparator.comparingDouble(x -> x[0]));
            PipelineDriver.Run thr = runs.get(REPEATS / 2);
            double[] r = raws.get(REPEATS / 2);
            int allEvents = runs.stream().mapToInt(PipelineDriver.Run::events).sum();
            out.printf("pipeline max throughput (median of %d): %.1f events/s [%.1f..%.1f], %.0f tokens/s (%d missing); "
                            + "inference thread busy %.0f%%%n", REPEATS, thr.eventsPerSecond(), runs.get(0).eventsPerSecond(),
                    runs.get(REPEATS - 1).eventsPerSecond(), thr.tokensPerSecond(),
                    runs.stream().mapToInt(PipelineDriver.Run::missing).sum(), 100 * acc.busyFraction());
            out.println(acc.stagesLine(allEvents, report.putObject("stageSecondsPerEvent")));
            out.printf("  cores used: service %.2f, broker + load generator (this process) %.2f, of %d%n",
                    acc.serviceCores(), acc.ownCores(), Runtime.getRuntime().availableProcessors());
            report.put("serviceCores", acc.serviceCores());
            report.put("brokerAndLoadGeneratorCores", acc.ownCores());
            out.printf("raw ONNX (same pack, in this process, batches of 64 texts; median of %d): %.1f events/s [%.1f..%.1f], %.0f tokens/s%n",
                    REPEATS, r[0], raws.get(0)[0], raws.get(REPEATS - 1)[0], r[1]);
            double ratio = thr.eventsPerSecond() / r[0];
            out.printf("pipeline / raw = %.2f%n", ratio);
            double rate = thr.eventsPerSecond() * loadFraction;
            PipelineDriver.Run lat = driver.run("paced", paced, rate, Duration.ofMinutes(10));
            out.printf("at %.1f events/s offered: p50 %.0f ms, p95 %.0f ms, p99 %.0f ms (%d missing)%n", rate,
                    Percentiles.of(lat.latenciesMs(), 50), Percentiles.of(lat.latenciesMs(), 95),
                    Percentiles.of(lat.latenciesMs(), 99), lat.missing());
            long rss = svc.peakRssMib();
            out.printf("service peak RSS: %d MiB%n", rss);
            ObjectNode p = report.putObject("pipeline");
            p.put("eventsPerSecond", thr.eventsPerSecond());
            p.put("tokensPerSecond", thr.tokensPerSecond());
            p.put("missing", thr.missing() + lat.missing());
            p.put("inferenceBusyFraction", acc.busyFraction());
            p.put("offeredEventsPerSecond", rate);
            p.put("p50Ms", Percentiles.of(lat.latenciesMs(), 50));
            p.put("p95Ms", Percentiles.of(lat.latenciesMs(), 95));
            p.put("p99Ms", Percentiles.of(lat.latenciesMs(), 99));
            p.put("peakRssMib", rss);
            ObjectNode rn = report.putObject("raw");
            rn.put("eventsPerSecond", r[0]);
            rn.put("tokensPerSecond", r[1]);
            report.put("pipelineOverRaw", ratio);
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
        if (jsonOut != null) {
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(jsonOut.toFile(), report);
        }
        return MonitorCli.OK;
    }

    private static double[] raw(SafetyScorer scorer, List<String> texts) throws Exception {
        long t0 = System.nanoTime();
        long tokens = 0;
        for (int i = 0; i < texts.size(); i += 64) {
            List<ScoreRequest> batch = new ArrayList<>();
            for (int j = i; j < Math.min(texts.size(), i + 64); j++) {
                batch.add(ScoreRequest.ofText("raw-" + j, texts.get(j)));
            }
            for (var v : scorer.score(batch, false, StageListener.NONE)) {
                tokens += v.tokens();
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        return new double[] {texts.size() / s, tokens / s};
    }
}
