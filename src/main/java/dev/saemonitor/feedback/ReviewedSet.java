package dev.saemonitor.feedback;

import dev.saemonitor.console.Feedback;
import dev.saemonitor.calibration.LabelledText;
import dev.saemonitor.ingest.EventParser;
import dev.saemonitor.ingest.ParseResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reviews joined to the reviewed events' texts. The texts come from the events as they were produced to
 * {@code llm.events} (one record a line, e.g. a {@code kcat} export of the topic while it is retained), parsed by
 * the service's own {@link EventParser}, so a text is exactly what was scored. Reviews of events without a text, and
 * of categories the pack does not score, are counted and left out.
 *
 * @param texts      reviewed texts, each once, in first-review order
 * @param reviews    per text, its reviews
 * @param noText     reviews whose event is not in the texts file
 * @param unknownCat reviews of a category the pack does not score
 * @param ofConversations reviews of conversation verdicts, which say nothing of an event threshold
 */
public record ReviewedSet(List<String> texts, List<List<Review>> reviews, int noText, int unknownCat, int ofConversations) {

    public static ReviewedSet join(List<Review> all, Path eventsFile, EventParser parser, Set<String> categories)
            throws IOException {
        Map<String, String> textOf = new LinkedHashMap<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(eventsFile, StandardCharsets.UTF_8)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            ParseResult r = parser.parse(line.getBytes(StandardCharsets.UTF_8), Map.of(), null,
                    eventsFile.getFileName() + ":" + lineNo, Instant.EPOCH);
            if (!r.valid()) {
                // the detail names the field, never the content
                throw new IllegalArgumentException(eventsFile + " line " + lineNo + ": not an event the service would score ("
                        + r.reason().label() + ": " + r.detail() + ")");
            }
            textOf.putIfAbsent(r.event().id(), r.event().text());
        }
        Map<String, List<Review>> byEvent = new LinkedHashMap<>();
        int noText = 0, unknown = 0, conversations = 0;
        for (Review rv : all) {
            if (rv.ofConversation()) {
                conversations++;
            } else if (!categories.contains(rv.category())) {
                unknown++;
            } else if (!textOf.containsKey(rv.eventId())) {
                noText++;
            } else {
                byEvent.computeIfAbsent(rv.eventId(), k -> new ArrayList<>()).add(rv);
            }
        }
        List<String> texts = new ArrayList<>();
        List<List<Review>> reviews = new ArrayList<>();
        byEvent.forEach((id, rs) -> {
            texts.add(textOf.get(id));
            reviews.add(rs);
        });
        return new ReviewedSet(texts, reviews, noText, unknown, conversations);
    }

    /**
     * The reviewed texts as calibration data: labelled with the categories reviewers called true positives; an event
     * with false positives only is benign. Events with only unsure reviews are left out.
     */
    public List<LabelledText> labelled() {
        List<LabelledText> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            Set<String> labels = new LinkedHashSet<>();
            boolean judged = false;
            for (Review r : reviews.get(i)) {
                judged |= r.label() != Feedback.Label.unsure;
                if (r.label() == Feedback.Label.true_positive) {
                    labels.add(r.category());
                }
            }
            if (judged) {
                out.add(new LabelledText(texts.get(i), Set.copyOf(labels)));
            }
        }
        return out;
    }

    /** Reviews of {@code category} with label {@code label}: indices into {@link #texts}. */
    public int[] indices(String category, Feedback.Label label) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            for (Review r : reviews.get(i)) {
                if (r.category().equals(category) && r.label() == label) {
                    out.add(i);
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
