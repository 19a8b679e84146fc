package dev.saemonitor.activations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.saemonitor.activations.ActivationFixtures.IndexRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Activation files as a served model's export writes them (generated here, f32 and f16): joined to texts by a
 * labelled JSONL's ids or by content ids, spans mapped from code points to the text, and every mismatch refused
 * with the file, line or id named.
 */
class ActivationFilesTest {
    private static final int D = 8;

    @TempDir
    Path tmp;

    private record Written(Path prefix, float[] data, List<IndexRow> rows) {
    }

    /** Rows of each text's word tokens, values random; ids as given. */
    private Written write(String name, Map<String, String> textsById, boolean f16, long seed) throws Exception {
        Random r = new Random(seed);
        List<IndexRow> rows = new ArrayList<>();
        textsById.forEach((id, text) -> ActivationFixtures.wordSpans(text)
                .forEach(sp -> rows.add(new IndexRow(id, 100 + rows.size(), sp[0], sp[1]))));
        float[] data = new float[rows.size() * D];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (r.nextGaussian() * 3);
        }
        Path prefix = tmp.resolve(name);
        ActivationFixtures.writeNpy(Path.of(prefix + ".npy"), data, rows.size(), D, f16);
        ActivationFixtures.writeIndex(Path.of(prefix + ".index.jsonl"), rows);
        return new Written(prefix, data, rows);
    }

    private static ActivationFiles load(Path prefix, Map<String, String> named, List<String> texts, int d) throws Exception {
        return ActivationFiles.load(List.of(new ActivationFiles.Source(prefix, named)), texts, d);
    }

    @Test
    void f32RowsAndSpansJoinByTheLabelledIds() throws Exception {
        // a text with a surrogate pair: index spans count code points, the scorer's spans UTF-16 units
        Map<String, String> texts = new java.util.LinkedHashMap<>();
        texts.put("1", "The audit found nothing at all.");
        texts.put("2", "Fake note \uD83D\uDE00 for the doctor please");
        Written w = write("a", texts, false, 1);
        ActivationFiles files = load(w.prefix(), texts, List.copyOf(texts.values()), D);
        List<TextActivations> got = files.read(List.of(texts.get("2"), texts.get("1")), ActivationSource.Stages.NONE);

        TextActivations second = got.get(0);
        assertThat(second.tokens()).isEqualTo(7);
        int firstRowOfText2 = 6; // text 1 has 6 words
        assertThat(second.rows()).containsExactly(java.util.Arrays.copyOfRange(w.data(), firstRowOfText2 * D, 13 * D));
        String t2 = texts.get("2");
        // "for" is the 4th token: after the emoji, so its UTF-16 start is one past its code-point start
        assertThat(t2.substring(second.charStart()[3], second.charEnd()[3])).isEqualTo("for");
        assertThat(t2.substring(second.charStart()[2], second.charEnd()[2])).isEqualTo("\uD83D\uDE00");
        assertThat(got.get(1).tokens()).isEqualTo(6);
        assertThat(got.get(1).rows()).containsExactly(java.util.Arrays.copyOfRange(w.data(), 0, 6 * D));
    }

    @Test
    void f16IsReadAsTheHalfPrecisionValuesItHolds() throws Exception {
        Map<String, String> texts = Map.of("x", "one two three four five");
        Written w = write("h", texts, true, 2);
        TextActivations a = load(w.prefix(), texts, List.of(texts.get("x")), D)
                .read(List.of(texts.get("x")), ActivationSource.Stages.NONE).get(0);
        for (int i = 0; i < w.data().length; i++) {
            float half = Float.float16ToFloat(Float.floatToFloat16(w.data()[i]));
            assertThat(a.rows()[i]).as("value " + i).isEqualTo(half);
            assertThat(Math.abs(a.rows()[i] - w.data()[i])).isLessThanOrEqualTo(Math.abs(w.data()[i]) / 1024 + 1e-7f);
        }
    }

    @Test
    void contentIdsFromTextsOutJoinTextsNoFileLists() throws Exception {
        String built = "A positive sentence placed inside benign context. More context here.";
        Path textsOut = tmp.resolve("texts.jsonl");
        assertThat(ActivationTexts.writeTexts(textsOut, List.of(built, built, ""))).isEqualTo(1);
        Map<String, String> ids = ActivationTexts.idsOf(textsOut);
        assertThat(ids).containsOnlyKeys(ActivationTexts.contentId(built));
        Written w = write("c", ids, false, 3);
        // the verb knows the text only by content: no named ids
        TextActivations a = load(w.prefix(), Map.of(), List.of(built), D).read(List.of(built), ActivationSource.Stages.NONE)
                .get(0);
        assertThat(a.tokens()).isEqualTo(ActivationFixtures.wordSpans(built).size());
    }

    @Test
    void aWidthOtherThanThePacksIsRefusedNamingTheFile() throws Exception {
        Map<String, String> texts = Map.of("1", "some words here");
        Written w = write("w", texts, false, 4);
        assertThatThrownBy(() -> load(w.prefix(), texts, List.copyOf(texts.values()), 384))
                .isInstanceOf(ActivationFileException.class)
                .hasMessageContaining("w.npy").hasMessageContaining("rows are 8 wide, expected the pack's d_in 384");
    }

    @Test
    void aTextWithoutActivationsIsRefusedNamingItsId() throws Exception {
        Map<String, String> texts = new java.util.LinkedHashMap<>(Map.of("1", "first text here"));
        Written w = write("m", texts, false, 5);
        texts.put("2", "second text, not exported");
        ActivationFiles files = load(w.prefix(), texts, List.copyOf(texts.values()), D);
        assertThatThrownBy(() -> files.read(List.of("first text here", "second text, not exported"),
                ActivationSource.Stages.NONE))
                .isInstanceOf(ActivationFileException.class)
                .hasMessageContaining("1 of 2 texts have no activations").hasMessageContaining("text id '2'")
                .hasMessageContaining("--texts-out");
    }

    @Test
    void filesForOtherTextsAreRefused() throws Exception {
        Written w = write("o", Map.of("17", "some other text entirely"), false, 6);
        assertThatThrownBy(() -> load(w.prefix(), Map.of("1", "mine"), List.of("mine"), D))
                .hasMessageContaining("o.index.jsonl").hasMessageContaining("none of its text ids");
    }

    @Test
    void brokenIndexesAreRefusedNamingTheLine() throws Exception {
        Map<String, String> texts = Map.of("1", "a b c", "2", "d e");
        Written w = write("b", new java.util.LinkedHashMap<>(Map.of("1", "a b c")), false, 7);
        Path index = Path.of(w.prefix() + ".index.jsonl");

        // a span past the end of the text it names: activations of another text
        ActivationFixtures.writeIndex(index, List.of(new IndexRow("1", 1, 0, 1), new IndexRow("1", 2, 2, 3),
                new IndexRow("1", 3, 4, 40)));
        assertThatThrownBy(() -> load(w.prefix(), texts, List.copyOf(texts.values()), D))
                .hasMessageContaining("line 3").hasMessageContaining("does not lie in text id '1'");

        // one text's rows split by another's
        ActivationFixtures.writeIndex(index, List.of(new IndexRow("1", 1, 0, 1), new IndexRow("2", 2, 0, 1),
                new IndexRow("1", 3, 4, 5)));
        assertThatThrownBy(() -> load(w.prefix(), texts, List.copyOf(texts.values()), D))
                .hasMessageContaining("line 3").hasMessageContaining("not contiguous");

        // fewer lines than rows
        ActivationFixtures.writeIndex(index, List.of(new IndexRow("1", 1, 0, 1)));
        assertThatThrownBy(() -> load(w.prefix(), texts, List.copyOf(texts.values()), D))
                .hasMessageContaining("1 lines, expected one per row").hasMessageContaining("(3)");

        // not the index format
        Files.writeString(index, "{\"text\": \"1\", \"start\": \"zero\"}\n");
        assertThatThrownBy(() -> load(w.prefix(), texts, List.copyOf(texts.values()), D))
                .hasMessageContaining("line 1").hasMessageContaining("integer start and end");

        Files.delete(index);
        assertThatThrownBy(() -> load(w.prefix(), texts, List.copyOf(texts.values()), D))
                .hasMessageContaining("b.index.jsonl: no such file");
    }
}
