package dev.saemonitor.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sums, over the intervals between {@link #resume()} and {@link #pause()}, the service's inference
 * stage seconds (from its scrape), its CPU seconds (from /proc) and this process's CPU seconds.
 */
public final class Accounting {
    private static final List<String> STAGES = List.of("tokenize", "reader", "sae", "scoring");
    private static final String STAGE_SUM = "sae_monitor_stage_seconds_sum";
    private final ServiceProcess svc;
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final Map<String, Double> stageSeconds = new LinkedHashMap<>();
    private final Map<String, Double> stageStart = new LinkedHashMap<>();
    private double wall, svcCpu, ownCpu;
    private double wall0, svcCpu0, ownCpu0;

    public Accounting(ServiceProcess svc) {
        this.svc = svc;
        STAGES.forEach(s -> stageSeconds.put(s, 0.0));
    }

    public void resume() throws IOException, InterruptedException {
        for (String s : STAGES) {
            stageStart.put(s, svc.scrapeSum(STAGE_SUM + "{stage=\"" + s + "\""));
        }
        wall0 = System.nanoTime() / 1e9;
        svcCpu0 = svc.cpuSeconds();
        ownCpu0 = os.getProcessCpuTime() / 1e9;
    }

    public void pause() throws IOException, InterruptedException {
        wall += System.nanoTime() / 1e9 - wall0;
        svcCpu += svc.cpuSeconds() - svcCpu0;
        ownCpu += os.getProcessCpuTime() / 1e9 - ownCpu0;
        for (String s : STAGES) {
            stageSeconds.merge(s, svc.scrapeSum(STAGE_SUM + "{stage=\"" + s + "\"") - stageStart.get(s), Double::sum);
        }
    }

    /** Fraction of the measured wall time the service's inference thread was busy. */
    public double busyFraction() {
        return stageSeconds.values().stream().mapToDouble(Double::doubleValue).sum() / wall;
    }

    public double serviceCores() {
        return svcCpu / wall;
    }

    public double ownCores() {
        return ownCpu / wall;
    }

    /** Inference seconds per event by stage, as a line and into {@code json}. */
    public String stagesLine(int events, ObjectNode json) {
        StringBuilder sb = new StringBuilder("  inference time per event:");
        stageSeconds.forEach((stage, secs) -> {
            json.put(stage, secs / events);
            sb.append(String.format(" %s %.2f ms", stage, 1000 * secs / events));
        });
        return sb.toString();
    }
}
