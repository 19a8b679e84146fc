package dev.saemonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code encode} against SAELens's formulas computed independently in NumPy
 * ({@code scripts/saelens_reference.py}), to 1e-4, on a SAELens directory written by Python.
 */
class EncodeCrossCheckTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"relu,1", "jumprelu,0", "jumprelu,1", "topk,1", "topk,0"})
    void encodeMatchesNumpy(String arch, int applyBDec) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("python3", "scripts/saelens_reference.py", "--out", tmp.toString(), "--arch", arch,
                    "--apply-b-dec", String.valueOf(applyBDec)).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            Assumptions.abort("python3 not available: " + e.getMessage());
            return;
        }
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Assumptions.assumeTrue(!log.contains("No module named 'numpy'"), "NumPy not installed: cross-check skipped");
        assertThat(p.exitValue()).as(log).isZero();
        Path out = tmp.resolve("codes.jsonl");
        CliRun r = CliRun.of("encode", "--sae", tmp.resolve("sae").toString(), "-a", tmp.resolve("x.npy").toString(),
                "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> expected = Files.readAllLines(tmp.resolve("expected.jsonl"));
        List<String> actual = Files.readAllLines(out);
        assertThat(actual).hasSameSizeAs(expected);
        int compared = 0;
        for (int i = 0; i < expected.size(); i++) {
            Map<Integer, Double> want = codes(JSON.readTree(expected.get(i)));
            Map<Integer, Double> got = codes(JSON.readTree(actual.get(i)));
            assertThat(got.keySet()).as("row %d features", i).isEqualTo(want.keySet());
            for (var e : want.entrySet()) {
                assertThat(got.get(e.getKey())).isCloseTo(e.getValue(), within(1e-4));
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(64);
    }

    private static Map<Integer, Double> codes(JsonNode row) {
        Map<Integer, Double> m = new HashMap<>();
        for (JsonNode f : row.path("features")) {
            m.put(f.get(0).asInt(), f.get(1).asDouble());
        }
        return m;
    }
}
