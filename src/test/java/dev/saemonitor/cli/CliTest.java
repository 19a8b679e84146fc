package dev.saemonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.activations.Npy;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.testing.TestPacks;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verbs by exit code, stdout and stderr, on the test pack. */
class CliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path tmp;
    static Path pack;

    @BeforeAll
    static void writePack() throws Exception {
        pack = TestPacks.write(tmp.resolve("pack"), SaeArchitecture.TOPK, 256, 9);
    }

    @Test
    void scorePrintsOneVerdictPerTextWithSpansIntoTheOriginalText() throws Exception {
        String text = "Ünïcode 😀 test: the naïve café owner — “quotes” — wrote a report.";
        CliRun r = CliRun.of("score", "--pack", pack.toString(), "--all-evidence", text, "");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        JsonNode v = JSON.readTree(lines.get(0));
        assertThat(v.path("evidence").size()).isPositive();
        int[] cps = text.codePoints().toArray();
        for (JsonNode e : v.path("evidence")) {
            int s = e.path("span").path("start").asInt(), end = e.path("span").path("end").asInt();
            String surface = new String(cps, s, end - s);
            assertThat(text).contains(surface);
            assertThat(surface.strip()).isEqualTo(surface).isNotEmpty();
        }
        JsonNode empty = JSON.readTree(lines.get(1));
        assertThat(empty.path("tokens").asInt()).isZero();
        assertThat(empty.path("flagged").asBoolean()).isFalse();
    }

    @Test
    void invalidUtf8InAFileIsExit2WithTheLine() throws Exception {
        Path f = tmp.resolve("bad.txt");
        Files.write(f, new byte[] {'o', 'k', '\n', 'b', 'a', (byte) 0xff, 'd', '\n'});
        CliRun r = CliRun.of("score", "--pack", pack.toString(), "--file", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).contains("invalid UTF-8").contains("line 2").doesNotContain("\n");
    }

    @Test
    void oneMegabyteTextIsRefusedWithWhatToDo() throws Exception {
        Path f = tmp.resolve("big.txt");
        Files.writeString(f, "word ".repeat(210_000) + "\n");
        CliRun r = CliRun.of("score", "--pack", pack.toString(), "--file", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("1050000 bytes").contains("--max-text-bytes").doesNotContain("word word");
    }

    @Test
    void aPackWithOneChangedByteIsRefusedNamingTheFile() throws Exception {
        Path bad = TestPacks.write(tmp.resolve("bad-pack"), SaeArchitecture.RELU, 128, 2);
        try (RandomAccessFile f = new RandomAccessFile(bad.resolve("sae/sae_weights.safetensors").toFile(), "rw")) {
            f.seek(200);
            int b = f.read();
            f.seek(200);
            f.write(b ^ 0x10);
        }
        CliRun r = CliRun.of("score", "--pack", bad.toString(), "hello");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("sae_weights.safetensors").contains("sha256");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void badArgumentsAreExit2() {
        assertThat(CliRun.of("score", "--no-such-flag").code()).isEqualTo(2);
        assertThat(CliRun.of("no-such-verb").code()).isEqualTo(2);
    }

    @Test
    void extractWritesNpyAndAnIndexRowPerToken() throws Exception {
        Path out = tmp.resolve("acts/x");
        CliRun r = CliRun.of("extract", "--pack", pack.toString(), "-o", out.toString(), "First text here.", "Second, longer text — with a dash.");
        assertThat(r.code()).as(r.err()).isZero();
        Npy.Matrix m = Npy.read(Path.of(out + ".npy"));
        assertThat(m.cols()).isEqualTo(384);
        List<String> index = Files.readAllLines(Path.of(out + ".index.jsonl"));
        assertThat(index).hasSize(m.rows());
        assertThat(JSON.readTree(index.get(0)).path("text").asText()).isEqualTo("0");
        assertThat(JSON.readTree(index.get(index.size() - 1)).path("text").asText()).isEqualTo("1");
    }

    @Test
    void encodeRefusesAnNpyOfTheWrongWidth() throws Exception {
        Path x = tmp.resolve("wrong.npy");
        Npy.write(x, new Npy.Matrix(3, 10, new float[30]));
        CliRun r = CliRun.of("encode", "--pack", pack.toString(), "-a", x.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("width 10").contains("384");
    }
}
