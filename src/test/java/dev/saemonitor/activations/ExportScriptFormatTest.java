package dev.saemonitor.activations;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/export_hf_activations.py (docs/byo-model.md's export for Hugging Face causal LMs) writes files the monitor
 * reads: run with {@code --standin} (its NumPy-only fake model and tokenizer, through the same reading and writing
 * code), in f32 and f16, its {@code np.save} output and index join to the texts by id and their spans land on the
 * words. Skipped, with a message, where python3 or NumPy is missing (scripts/install-ops-tools.sh installs them).
 */
class ExportScriptFormatTest {
    @TempDir
    Path tmp;

    private Path export(Path texts, String name, boolean f16) throws Exception {
        Path out = tmp.resolve(name);
        List<String> cmd = new ArrayList<>(List.of("python3", "scripts/export_hf_activations.py", "--standin", "--d", "16",
                "--texts", texts.toString(), "--out", out.toString()));
        if (f16) {
            cmd.add("--f16");
        }
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            Assumptions.abort("python3 not available: " + e.getMessage());
            return null;
        }
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Assumptions.assumeTrue(!log.contains("No module named 'numpy'"), "NumPy not installed: export format check skipped");
        assertThat(p.exitValue()).as(log).isZero();
        return out;
    }

    @Test
    void theExportScriptsFilesJoinToTheTextsInF32AndF16() throws Exception {
        List<String> texts = List.of("The audit found nothing at all.", "Fake note \uD83D\uDE00 for the doctor, please.",
                "Second line has no id.");
        Path jsonl = tmp.resolve("texts.jsonl");
        Files.write(jsonl, List.of("{\"id\": \"first\", \"text\": \"" + texts.get(0) + "\"}",
                "{\"id\": 7, \"text\": \"" + texts.get(1) + "\"}", "", "{\"text\": \"" + texts.get(2) + "\"}"));
        Map<String, String> ids = ActivationTexts.idsOf(jsonl);
        assertThat(ids).containsOnlyKeys("first", "7", "4");

        Path f32 = export(jsonl, "f32", false);
        Path f16 = export(jsonl, "f16", true);
        assertThat(new String(Files.readAllBytes(Path.of(f16 + ".npy")), 0, 64, java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains("'descr': '<f2'");
        List<TextActivations> full = ActivationFiles.load(List.of(new ActivationFiles.Source(f32, ids)), texts, 16)
                .read(texts, ActivationSource.Stages.NONE);
        List<TextActivations> half = ActivationFiles.load(List.of(new ActivationFiles.Source(f16, ids)), texts, 16)
                .read(texts, ActivationSource.Stages.NONE);
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            List<int[]> words = ActivationFixtures.wordSpans(text);
            TextActivations a = full.get(i);
            assertThat(a.tokens()).isEqualTo(words.size());
            for (int t = 0; t < a.tokens(); t++) {
                int[] w = words.get(t);
                String word = new String(text.codePoints().skip(w[0]).limit(w[1] - w[0]).toArray(), 0, w[1] - w[0]);
                assertThat(text.substring(a.charStart()[t], a.charEnd()[t])).isEqualTo(word);
            }
            for (int j = 0; j < a.rows().length; j++) {
                assertThat(half.get(i).rows()[j]).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(a.rows()[j])));
            }
        }
    }
}
