package dev.saemonitor.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.testing.TestPacks;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar refuses to start, and says why in its last line, when a key is misspelled (system
 * property or environment variable), an enum key has a value it does not know, or a port is taken.
 */
class StartupErrorsIT {
    private static final Path JAR = Path.of(System.getProperty("service.jar", "target/quarkus-app/quarkus-run.jar"));
    @TempDir
    static Path tmp;
    static Path pack;

    @BeforeAll
    static void writePack() throws Exception {
        pack = TestPacks.write(tmp.resolve("pack"), SaeArchitecture.TOPK, 128, 3);
    }

    record Exit(int code, String output) {
        /** The line the service printed last about the failure. */
        String errorLine() {
            return output.lines().filter(l -> l.startsWith("error:")).reduce((a, b) -> b).orElse("");
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Runs {@code serve} with these -D properties and environment variables until it exits (at most 2 minutes). */
    static Exit serve(List<String> props, Map<String, String> env) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx512m"));
        List<String> all = new ArrayList<>(List.of("quarkus.http.port=" + freePort(), "quarkus.management.port=" + freePort()));
        all.addAll(props);
        all.forEach(p -> cmd.add("-D" + p));
        // a closed port: start-up must fail on configuration before Kafka matters
        cmd.addAll(List.of("-jar", JAR.toString(), "serve", "--bootstrap-servers", "127.0.0.1:" + freePort(),
                "--pack", pack.toString()));
        Path log = Files.createTempFile(tmp, "serve", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the service exits by itself; log: " + Files.readString(log)).isTrue();
            return new Exit(p.exitValue(), Files.readString(log));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void anUnknownSystemPropertyIsNamedWithTheNearestKeys() throws Exception {
        Exit e = serve(List.of("monitor.verdicts.enabled=true"), Map.of());
        assertThat(e.code()).as(e.output()).isNotZero();
        assertThat(e.errorLine()).as(e.output()).contains("monitor.verdicts.enabled").contains("did you mean")
                .contains("monitor.publish-all-verdicts");
    }

    @Test
    void aMisspelledEnvironmentVariableIsNamedWithTheKeyItWasMeantFor() throws Exception {
        Exit e = serve(List.of(), Map.of("MONITOR_ONNX_PROVDER", "cpu"));
        assertThat(e.code()).as(e.output()).isNotZero();
        assertThat(e.errorLine()).as(e.output()).contains("MONITOR_ONNX_PROVDER")
                .contains("MONITOR_ONNX_PROVIDER (monitor.onnx.provider)");
    }

    @Test
    void aBadEnumValueIsNamedWithTheAllowedValues() throws Exception {
        Exit e = serve(List.of("monitor.onnx.provider=cuad"), Map.of());
        assertThat(e.code()).as(e.output()).isNotZero();
        assertThat(e.errorLine()).as(e.output()).contains("monitor.onnx.provider").contains("cuad").contains("cpu")
                .contains("cuda");
    }

    @Test
    void aTakenHttpPortIsNamedWithItsKey() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Exit e = serve(List.of("quarkus.http.port=" + taken.getLocalPort()), Map.of());
            assertThat(e.code()).as(e.output()).isNotZero();
            assertThat(e.errorLine()).as(e.output())
                    .contains("port " + taken.getLocalPort() + " (quarkus.http.port) is already in use");
        }
    }

    @Test
    void aTakenManagementPortIsNamedWithItsKey() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Exit e = serve(List.of("quarkus.management.port=" + taken.getLocalPort()), Map.of());
            assertThat(e.code()).as(e.output()).isNotZero();
            assertThat(e.errorLine()).as(e.output())
                    .contains("port " + taken.getLocalPort() + " (quarkus.management.port) is already in use");
        }
    }
}
