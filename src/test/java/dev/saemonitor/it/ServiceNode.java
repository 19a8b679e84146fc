package dev.saemonitor.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One replica of the service: the packaged jar ({@code serve}) as a child process with its own ports and
 * a log file that holds everything it wrote to stdout and stderr. Stopped with SIGTERM or SIGKILL.
 */
final class ServiceNode implements AutoCloseable {
    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    final String name;
    private final Process process;
    private final int httpPort;
    private final int managementPort;
    private final Path log;
    private final long startedNanos = System.nanoTime();

    private ServiceNode(String name, Process process, int httpPort, int managementPort, Path log) {
        this.name = name;
        this.process = process;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        this.log = log;
    }

    /** Starts a replica; {@code props} are extra {@code key=value} system properties (scenario knobs). */
    static ServiceNode start(String name, Path dir, String bootstrap, Path pack, List<String> props) throws IOException {
        int http = Ports.free();
        int management = Ports.free();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx768m",
                "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve(name + "-tmp")),
                "-Dquarkus.http.port=" + http, "-Dquarkus.management.port=" + management,
                "-Dmonitor.publish-all-verdicts=true",
                // replicas of one scenario share a base; each takes a free slot, a restarted one its old slot back
                "-Dmonitor.conversations.state-dir=" + dir.resolve("streams")));
        props.forEach(p -> cmd.add("-D" + p));
        cmd.addAll(List.of("-jar", JAR.toString(), "serve", "--bootstrap-servers", bootstrap, "--pack", pack.toString()));
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new ServiceNode(name, p, http, management, log);
    }

    /** Waits until readiness answers 200; returns the seconds from process start. */
    double awaitReady(Duration timeout) {
        await(name + " ready").atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before it was ready; log: "
                        + tail(4000));
            }
            return readiness() == 200;
        });
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    /** The status of {@code /q/health/ready}, or -1 while nothing answers. */
    int readiness() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    String metrics() throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + "/q/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** POSTs a body to the synchronous scoring API. */
    HttpResponse<String> score(byte[] body, String contentType) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + "/api/v1/score"))
                .header("content-type", contentType).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** SIGKILL: no shutdown hook runs, in-flight work is simply gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, as Kubernetes stops a pod. */
    void terminate() {
        process.destroy();
    }

    /** Waits for the process to exit; returns its exit status. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " still running " + timeout + " after it was asked to stop");
        }
        return process.exitValue();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Everything the process wrote to stdout and stderr so far. */
    String log() throws IOException {
        return Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8) : "";
    }

    String tail(int chars) throws IOException {
        String l = log();
        return l.substring(Math.max(0, l.length() - chars));
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
