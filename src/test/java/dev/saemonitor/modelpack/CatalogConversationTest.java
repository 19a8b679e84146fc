package dev.saemonitor.modelpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** catalog.yaml with and without the conversation section: written, read back equal, checked at load. */
class CatalogConversationTest {
    @TempDir
    Path tmp;

    static final Catalog.Category DECEPTION = new Catalog.Category("deception", Catalog.Severity.warning, -2.5, 0.9,
            List.of(new Catalog.Feature(5, Catalog.Pool.max, 1.25, "fake note", 0.1)),
            new Catalog.ThresholdChoice("test", 0.05, "t.jsonl", "2026-12-02", 10, 3));

    static Catalog.Conversation conversation(String name, int feature) {
        return new Catalog.Conversation(6, 2, List.of(new Catalog.ConversationHead(name, -3.5, 0.75, 0.93,
                List.of(new Catalog.ConversationFeature(feature, 0.5, "split part", 0.02)),
                new Catalog.ThresholdChoice("conv", 0.05, "c.jsonl", "2026-12-02", 400, 120))));
    }

    @Test
    void roundTripWithTheSection() throws Exception {
        Catalog c = new Catalog(new Catalog.Segmentation(32, 8), List.of(DECEPTION), conversation("deception", 9));
        Path f = tmp.resolve("catalog.yaml");
        PackWriter.writeCatalog(f, c);
        assertThat(Files.readString(f)).contains("conversation:").contains("eventWeight");
        Catalog back = PackLoader.readCatalog(f, 16);
        assertThat(back).isEqualTo(c);
        assertThat(back.conversation().head("deception").features()).hasSize(1);
        assertThat(back.conversation().head("bias")).isNull();
    }

    @Test
    void roundTripWithoutTheSectionKeepsItAbsent() throws Exception {
        Catalog c = new Catalog(new Catalog.Segmentation(32, 8), List.of(DECEPTION));
        Path f = tmp.resolve("catalog.yaml");
        PackWriter.writeCatalog(f, c);
        assertThat(Files.readString(f)).doesNotContain("conversation");
        Catalog back = PackLoader.readCatalog(f, 16);
        assertThat(back).isEqualTo(c);
        assertThat(back.conversation()).isNull();
        // threshold overrides and other rewrites keep (or drop) the section explicitly
        assertThat(back.withConversation(conversation("deception", 9)).withCategories(List.of(DECEPTION)).conversation())
                .isNotNull();
    }

    @Test
    void aSectionWithoutMaxPartsReadsTheDefault() throws Exception {
        Path f = tmp.resolve("catalog.yaml");
        PackWriter.writeCatalog(f, new Catalog(null, List.of(DECEPTION),
                new Catalog.Conversation(4, null, conversation("deception", 9).categories())));
        assertThat(PackLoader.readCatalog(f, 16).conversation().parts()).isEqualTo(Catalog.Conversation.DEFAULT_MAX_PARTS);
    }

    @Test
    void aHeadForAnUnknownCategoryOrFeatureIsRefusedNamingTheFile() throws Exception {
        Path f = tmp.resolve("catalog.yaml");
        PackWriter.writeCatalog(f, new Catalog(null, List.of(DECEPTION), conversation("bias", 9)));
        assertThatThrownBy(() -> PackLoader.readCatalog(f, 16)).isInstanceOf(PackException.class)
                .hasMessageContaining("catalog.yaml").hasMessageContaining("conversation head 'bias'");
        PackWriter.writeCatalog(f, new Catalog(null, List.of(DECEPTION), conversation("deception", 99)));
        assertThatThrownBy(() -> PackLoader.readCatalog(f, 16)).isInstanceOf(PackException.class)
                .hasMessageContaining("feature 99");
    }
}
