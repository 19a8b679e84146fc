package dev.saemonitor.scoring;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The verdict on one text, as published to {@code safety.flags} / {@code safety.verdicts} and printed
 * by {@code score}. Carries no text: evidence spans point into the original event, and {@code source} says where
 * that event is ({@code llm.events} topic, partition, offset), so a reviewer with the right role can fetch it.
 *
 * @param source        the input record's coordinates; null (serialised as {@code null}) for events scored over HTTP
 *                      or by the CLI
 * @param firedFeatures catalog features that fired in this text (for drift metrics; not serialised)
 * @param turn          what conversation state keeps of this event (not serialised; null when not computed)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Verdict(String eventId, String conversationId, String tenant, String role, boolean flagged,
                      String severity, List<CategoryScore> categories, List<Evidence> evidence, PackRef pack,
                      int windows, int tokens, long latencyMs,
                      @JsonInclude(JsonInclude.Include.ALWAYS) Source source, @JsonIgnore int[] firedFeatures,
                      @JsonIgnore dev.saemonitor.conversation.TurnFeatures turn) {

    public static final String NO_SEVERITY = "none";

    /** A verdict not (yet) tied to an input record. */
    public Verdict(String eventId, String conversationId, String tenant, String role, boolean flagged, String severity,
                   List<CategoryScore> categories, List<Evidence> evidence, PackRef pack, int windows, int tokens,
                   long latencyMs, int[] firedFeatures, dev.saemonitor.conversation.TurnFeatures turn) {
        this(eventId, conversationId, tenant, role, flagged, severity, categories, evidence, pack, windows, tokens,
                latencyMs, null, firedFeatures, turn);
    }

    /** The same verdict with the end-to-end latency filled in. */
    public Verdict withLatency(long ms) {
        return new Verdict(eventId, conversationId, tenant, role, flagged, severity, categories, evidence, pack,
                windows, tokens, ms, source, firedFeatures, turn);
    }

    /** The same verdict tied to the input record it judges. */
    public Verdict withSource(Source at) {
        return new Verdict(eventId, conversationId, tenant, role, flagged, severity, categories, evidence, pack,
                windows, tokens, latencyMs, at, firedFeatures, turn);
    }

    /** Where the judged event is: a Kafka record of the events topic. */
    public record Source(String topic, int partition, long offset) {
    }

    /**
     * One category's score (the maximum over the text's segments) against its threshold, and for a flagged
     * category the segment that drove it.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CategoryScore(String name, double score, double threshold, boolean flagged, Span segment,
                                Double logit, String point, Thresholds thresholds, Explanation explanation) {
        /** A category score of a sparse-head pack: one threshold, no explanation. */
        public CategoryScore(String name, double score, double threshold, boolean flagged, Span segment) {
            this(name, score, threshold, flagged, segment, null, null, null, null);
        }
    }

    /** A category's two operating points: review (flag, not paged) and page (critical); page null: none. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Thresholds(double review, Double page) {
    }

    /**
     * How the driving segment's logit splits (logit units): {@code bias} is the readout's bias plus its dot with
     * the SAE's decoder bias, {@code other} the features not listed as evidence, {@code error} the readout of the
     * SAE's reconstruction error; {@code bias + other + error + sum(evidence contributions) = logit}.
     */
    public record Explanation(double bias, double other, double error) {
    }

    /**
     * A feature that drove a category's score, and where in the text it fired most; {@code contribution} (readout
     * packs) is its share of the driving segment's logit: its mean activation over the segment times the readout's
     * dot with its decoder row.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Evidence(String category, int feature, String label, double activation, Span span,
                           Double contribution) {
        public Evidence(String category, int feature, String label, double activation, Span span) {
            this(category, feature, label, activation, span, null);
        }
    }

    /** Character span {@code [start, end)} in Unicode code points of the original text (Python str indexing). */
    public record Span(int start, int end) {
    }

    /** Which pack produced the verdict. */
    public record PackRef(String name, String version, String sha256) {
    }
}
