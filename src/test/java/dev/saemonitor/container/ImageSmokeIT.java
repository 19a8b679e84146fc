package dev.saemonitor.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The CPU image's smoke test ({@code scripts/docker/smoke.sh}): the container refuses the embedded broker, turns
 * ready against a containerised broker on loopback, and an event produced with kcat gets its verdict on the verdicts
 * topic. Runs after the images are built in pre-integration-test ({@code scripts/docker/images.sh}); skips, saying
 * why, where no engine, image or kcat is there.
 */
class ImageSmokeIT {
    private static final Path LOG = Path.of("target/docker/smoke.log");

    @Test
    void imageStartsTurnsReadyAndScoresAnEventFromKcat() throws Exception {
        Files.createDirectories(LOG.getParent());
        ProcessBuilder pb = new ProcessBuilder("bash", "scripts/docker/smoke.sh").redirectErrorStream(true)
                .redirectOutput(LOG.toFile());
        pb.environment().put("SMOKE_EVENTS", System.getProperty("smoke.events", "20"));
        Process p = pb.start();
        if (!p.waitFor(9, TimeUnit.MINUTES)) {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
            fail("scripts/docker/smoke.sh ran past 9 minutes; its output: " + tail());
        }
        String out = Files.readString(LOG);
        if (p.exitValue() == 2) {
            Assumptions.abort("image smoke test cannot run here: " + tail());
        }
        assertThat(p.exitValue()).as("scripts/docker/smoke.sh exit status; its output: %s", tail()).isZero();
        assertThat(out).contains("the image refuses the embedded broker", "service ready", "verdict for smoke-", "smoke: OK");
    }

    private static String tail() throws Exception {
        List<String> lines = Files.readAllLines(LOG);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
    }
}
