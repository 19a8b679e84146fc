package dev.saemonitor.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.runtime.QuarkusBindException;
import java.net.BindException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one line printed when start-up fails, from cause chains shaped like Quarkus' own. */
class StartupFailureTest {
    private static final Map<String, String> CONFIG = Map.of("quarkus.http.port", "8080", "quarkus.management.port", "9000");

    private static String describe(Throwable t) {
        return StartupFailure.describe(t, k -> Optional.ofNullable(CONFIG.get(k)));
    }

    @Test
    void theCauseChainIsPrintedNotJustTheOutermostMessage() {
        Throwable t = new RuntimeException("Failed to start quarkus",
                new IllegalStateException("model pack refused", new java.io.FileNotFoundException("pack.yaml")));
        assertThat(describe(t)).isEqualTo("Failed to start quarkus: model pack refused: FileNotFoundException: pack.yaml");
    }

    @Test
    void repeatedMessagesAppearOnce() {
        IllegalArgumentException root = new IllegalArgumentException("SRCFG00049: Cannot convert cuad");
        Throwable t = new RuntimeException("Failed to start quarkus", new RuntimeException(root.toString(), root));
        assertThat(describe(t)).isEqualTo("Failed to start quarkus: java.lang.IllegalArgumentException: SRCFG00049: Cannot convert cuad");
    }

    @Test
    void theHttpPortIsNamedWithItsKey() {
        Throwable t = new RuntimeException("Failed to start quarkus",
                new QuarkusBindException("0.0.0.0", 8080, new BindException("Address already in use")));
        assertThat(describe(t)).startsWith("port 8080 (quarkus.http.port) is already in use");
    }

    @Test
    void theManagementPortIsFoundInTheMessage() {
        Throwable t = new RuntimeException("Failed to start quarkus", new IllegalStateException(
                "Unable to start the management interface on 0.0.0.0:9000", new BindException("Address already in use")));
        assertThat(describe(t)).startsWith("port 9000 (quarkus.management.port) is already in use");
    }

    @Test
    void anUnnamedTakenPortListsThePortKeys() {
        Throwable t = new RuntimeException("Failed to start quarkus", new BindException("Address already in use"));
        assertThat(describe(t)).startsWith("a port is already in use (quarkus.http.port=8080, quarkus.management.port=9000)");
    }
}
