package dev.saemonitor.lifecycle;

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
import java.util.concurrent.TimeUnit;

/** The packaged jar ({@code serve}) as a child process on free ports, stoppable by SIGTERM or SIGKILL. */
final class JarProcess implements AutoCloseable {
    /** The jar under test; {@code -Dlifecycle.jar=PATH} runs these tests against another build (e.g. an older one). */
    static final Path JAR = Path.of(System.getProperty("lifecycle.jar", "target/quarkus-app/quarkus-run.jar"));
    private final Process process;
    private final int managementPort;
    private final Path log;

    private JarProcess(Process process, int managementPort, Path log) {
        this.process = process;
        this.managementPort = managementPort;
        this.log = log;
    }

    static JarProcess start(String bootstrap, Path pack, Path log, List<String> props) throws IOException {
        int http = freePort();
        int management = freePort();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx768m", "-Dquarkus.http.port=" + http,
                "-Dquarkus.management.port=" + management, "-Dmonitor.publish-all-verdicts=true"));
        props.forEach(p -> cmd.add("-D" + p));
        cmd.addAll(List.of("-jar", JAR.toString(), "serve", "--bootstrap-servers", bootstrap, "--pack", pack.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new JarProcess(p, management, log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    /** HTTP status of the readiness endpoint, or -1 while nothing listens. */
    int readiness() {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort
                    + "/q/health/ready")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The Prometheus scrape ({@code /q/metrics}), or an empty string while nothing listens. */
    String scrape() {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort
                    + "/q/metrics")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** SIGTERM, then waits for the exit; returns the exit status (SIGKILL and -1 after the timeout). */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return process.exitValue();
        }
        process.destroyForcibly().waitFor();
        return -1;
    }

    int exitValue() {
        return process.exitValue();
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
    }
}
