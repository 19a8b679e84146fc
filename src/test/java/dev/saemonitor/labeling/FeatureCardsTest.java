package dev.saemonitor.labeling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeatureCardsTest {
    @Test
    void windowMarksTheTokenAndCutsLongSides() {
        String text = "a".repeat(100) + "whale" + "b".repeat(100);
        String w = FeatureCardWriter.window(text, 100, 105);
        assertThat(w).isEqualTo("…" + "a".repeat(60) + "«whale»" + "b".repeat(60) + "…");
        assertThat(FeatureCardWriter.window("the whale\nsank", 4, 9)).isEqualTo("the «whale» sank");
    }

    @Test
    void autoLabelPrefersTokensFrequentInTopContextsAndRareInTheCorpus() {
        // harpoon 3 x ln(100001/11) = 27.3; lance 1 x ln(100001/6) = 9.7; the 3 x ln(100001/5001) = 9.0
        List<String> top = List.of("harpoon", "the", "harpoon", "the", "Harpoon", "lance", "the");
        Map<String, Integer> corpus = Map.of("the", 5000, "harpoon", 10, "lance", 5);
        assertThat(AutoLabeler.label(top, corpus, 100_000)).isEqualTo("harpoon / lance / the");
        assertThat(AutoLabeler.label(List.of(), corpus, 100_000)).isEmpty();
    }
}
