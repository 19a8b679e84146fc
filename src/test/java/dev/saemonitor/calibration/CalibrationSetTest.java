package dev.saemonitor.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CalibrationSetTest {
    private static List<LabelledText> labelled() {
        List<LabelledText> out = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            out.add(new LabelledText(i % 4 == 0 ? "harmful " + i : "benign text " + i,
                    i % 4 == 0 ? Set.of("danger") : Set.of()));
        }
        return out;
    }

    @Test
    void joinedTextsComeAfterTheBaseSetAndStayInTheirMembersFold() {
        List<LabelledText> l = labelled();
        List<String> corpus = List.of("a corpus document.", "another one.", "a third.", "a fourth.");
        List<CalibrationText> base = CalibrationSet.build(l, corpus, 2, 7);
        List<CalibrationText> all = CalibrationSet.build(l, corpus, 2, List.of(3), 7);
        // appended: a cache of the base set still serves its prefix
        assertThat(all.subList(0, base.size())).isEqualTo(base);
        List<CalibrationText> extra = all.subList(base.size(), all.size());
        assertThat(extra).anyMatch(t -> t.kind() == CalibrationText.Kind.BENIGN_CONCAT)
                .anyMatch(t -> t.kind() == CalibrationText.Kind.EMBEDDED_ON_TOPIC);
        for (CalibrationText t : extra) {
            int fold = HeadFitter.fold(t.group());
            for (int i = 0; i < l.size(); i++) {
                // every labelled benign text inside a joined text is from the joined text's fold
                if (l.get(i).benign() && t.text().contains(l.get(i).text() + "") && isWhole(t.text(), l.get(i).text())) {
                    assertThat(HeadFitter.fold(i)).isEqualTo(fold);
                }
            }
            if (t.kind() == CalibrationText.Kind.BENIGN_CONCAT) {
                assertThat(t.benign()).isTrue();
            } else {
                assertThat(t.labels()).containsExactly("danger");
                assertThat(t.text().substring(t.insertFrom(), t.insertTo())).isEqualTo(l.get(t.group()).text());
            }
        }
    }

    /** "benign text 1" is inside "benign text 13": count only whole members. */
    private static boolean isWhole(String joined, String member) {
        return java.util.regex.Pattern.compile("(^|\\s)" + java.util.regex.Pattern.quote(member) + "($|\\s)").matcher(joined).find();
    }

    @Test
    void sizeBelowTwoMeansNone() {
        List<LabelledText> l = labelled();
        assertThat(CalibrationSet.build(l, List.of(), 0, List.of(0), 7)).isEqualTo(CalibrationSet.build(l, List.of(), 0, 7));
    }
}
