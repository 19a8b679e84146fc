package dev.saemonitor.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.publish.ReviewBand;
import dev.saemonitor.scoring.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The review band's edges, and the index's bound, replacement, filters and newest-first pages. */
class ReviewBandAndIndexTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void bandIsHalfOpenBelowTheThreshold() {
        Verdict v = new Verdict("e", null, null, null, false, "none", List.of(
                new Verdict.CategoryScore("at", 0.5, 0.5, true, null),
                new Verdict.CategoryScore("just-below", 0.4999, 0.5, false, null),
                new Verdict.CategoryScore("edge", 0.4, 0.5, false, null),
                new Verdict.CategoryScore("below", 0.3999, 0.5, false, null)), List.of(), null, 1, 1, 0, null, null);
        assertThat(ReviewBand.categoriesIn(v, 0.1)).containsExactly("just-below", "edge");
        assertThat(ReviewBand.categoriesIn(v, 0)).isEmpty();
    }

    private static IndexEntry flag(String id, String tenant, long second) {
        return IndexEntry.of(IndexEntry.Kind.flag, JSON.valueToTree(Map.of("eventId", id, "flagged", true, "severity", "critical",
                "tenant", tenant, "pack", Map.of("version", "1"),
                "categories", List.of(Map.of("name", "bias", "flagged", true)))), Instant.ofEpochSecond(second));
    }

    @Test
    void indexKeepsTheNewestReplacesRepeatsAndFilters() {
        ConsoleIndex index = new ConsoleIndex(3);
        for (int i = 0; i < 5; i++) {
            index.add(flag("e" + i, i % 2 == 0 ? "acme" : "globex", i));
        }
        index.add(flag("e2", "acme", 10));
        ConsoleIndex.Page all = index.page(IndexEntry.Kind.flag, IndexFilter.ALL, 0, 2);
        assertThat(all.total()).isEqualTo(3);
        assertThat(all.entries()).extracting(IndexEntry::key).containsExactly("e2", "e4");
        assertThat(all.hasNext()).isTrue();
        assertThat(index.page(IndexEntry.Kind.flag, IndexFilter.ALL, 1, 2).entries()).extracting(IndexEntry::key).containsExactly("e3");
        IndexFilter acme = new IndexFilter("bias", "critical", "acme", "1", Instant.ofEpochSecond(4), null);
        assertThat(index.page(IndexEntry.Kind.flag, acme, 0, 10).entries()).extracting(IndexEntry::key).containsExactly("e2", "e4");
        assertThat(index.page(IndexEntry.Kind.flag, new IndexFilter("deception", null, null, null, null, null), 0, 10).total()).isZero();
        assertThat(IndexEntry.of(IndexEntry.Kind.flag, JSON.valueToTree(Map.of("eventId", "x", "flagged", false)), Instant.EPOCH)).isNull();
    }

    @Test
    void aConversationVerdictIsReadWholeOnlyWhenFlagged() throws Exception {
        String clear = "{\"conversationId\":\"c\",\"turns\":3,\"lastEventId\":\"e\",\"flagged\":false,"
                + "\"categories\":[{\"name\":\"bias\",\"flagged\":true}],\"evidence\":[]}";
        assertThat(IndexFeed.flagged(clear.getBytes())).as("a category's own flag is not the verdict's").isFalse();
        assertThat(IndexFeed.flagged(clear.replace("\"flagged\":false", "\"flagged\":true").getBytes())).isTrue();
        assertThat(IndexFeed.flagged("{\"evidence\":[{\"flagged\":true}],\"flagged\":true}".getBytes())).isTrue();
        assertThat(IndexFeed.flagged("{\"turns\":1}".getBytes())).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IndexFeed.flagged("[1]".getBytes()))
                .isInstanceOf(java.io.IOException.class);
    }
}
