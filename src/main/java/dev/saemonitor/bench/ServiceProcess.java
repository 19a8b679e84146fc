package dev.saemonitor.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The service as a child process of the benchmark (the packaged jar, {@code serve}), so what is measured
 * is the real pipeline with its own JVM, and its resident memory can be read from {@code /proc}.
 */
public final class ServiceProcess implements AutoCloseable {
    private final Process process;
    private final int managementPort;
    private final long startedNanos = System.nanoTime();

    private ServiceProcess(Process p, int managementPort) {
        this.process = p;
        this.managementPort = managementPort;
    }

    /**
     * Starts the service on two free ephemeral ports: fixed ports collide with whatever else runs on the
     * machine (another benchmark, a test, a service on 8080).
     */
    public static ServiceProcess start(Path jar, String bootstrap, Path pack, Path log, List<String> extraProps)
            throws IOException {
        int[] ports = freePorts(2);
        return start(jar, bootstrap, pack, ports[0], ports[1], log, extraProps);
    }

    /** {@code n} distinct ports that were free a moment ago (all held open together, then released). */
    static int[] freePorts(int n) throws IOException {
        ServerSocket[] held = new ServerSocket[n];
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                held[i] = new ServerSocket(0);
                ports[i] = held[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : held) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    /** The port of /q/health and /q/metrics. */
    public int managementPort() {
        return managementPort;
    }

    public static ServiceProcess start(Path jar, String bootstrap, Path pack, int httpPort, int managementPort, Path log,
                                       List<String> extraProps) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx768m",
                "-Dquarkus.http.port=" + httpPort, "-Dquarkus.management.port=" + managementPort,
                "-Dmonitor.publish-all-verdicts=true", "-Dquarkus.log.category.\"dev.saemonitor.publish\".level=WARN",
                // the bench's broker is new every run: conversation state kept for an earlier one must not be found
                "-Dmonitor.conversations.state-dir=" + java.nio.file.Files.createTempDirectory(
                        log.toAbsolutePath().getParent(), "streams-")));
        for (String p : extraProps) {
            cmd.add("-D" + p);
        }
        cmd.addAll(List.of("-jar", jar.toString(), "serve", "--bootstrap-servers", bootstrap, "--pack", pack.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ServiceProcess(p, managementPort);
    }

    /** Waits for readiness; returns the milliseconds from process start to ready. */
    public long awaitReady(Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("service exited with " + process.exitValue() + " before it was ready");
            }
            try {
                var resp = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding());
                if (resp.statusCode() == 200) {
                    return (System.nanoTime() - startedNanos) / 1_000_000;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("service not ready within " + timeout);
    }

    /** Sum of a metric's samples (all label sets) in the service's scrape, e.g. {@code sae_monitor_stage_seconds_sum}. */
    public double scrapeSum(String metric) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        String body = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + "/q/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        double sum = 0;
        for (String line : body.split("\n")) {
            if (line.startsWith(metric.endsWith("\"") ? metric : metric + "{") || line.startsWith(metric + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** CPU seconds (user + system) the service process has used, from /proc; -1 where unavailable. */
    public double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Peak resident set size (VmHWM) in MiB, or -1 where /proc is unavailable. */
    public long peakRssMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    public void kill() {
        process.destroyForcibly();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
