package dev.saemonitor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The benchmark's service gets ports nobody holds, not fixed ones. */
class ServiceProcessPortsTest {

    @Test
    void freePortsAreDistinctAndBindable() throws Exception {
        int[] ports = ServiceProcess.freePorts(2);
        assertThat(ports[0]).isNotEqualTo(ports[1]).isPositive();
        for (int p : ports) {
            try (ServerSocket s = new ServerSocket(p)) {
                assertThat(s.getLocalPort()).isEqualTo(p);
            }
        }
    }

    @Test
    void benchNamesNoFixedPort() throws Exception {
        String bench = Files.readString(Path.of("src/main/java/dev/saemonitor/cli/BenchCommand.java"));
        assertThat(bench).doesNotContainPattern("ServiceProcess\\.start\\([^)]*\\b\\d{4,5}\\b");
    }
}
