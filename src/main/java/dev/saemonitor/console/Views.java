package dev.saemonitor.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.qute.TemplateData;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What the console's templates render: plain values, no JSON and no logic. */
@TemplateData(target = dev.saemonitor.modelpack.FeatureCard.Context.class)
public final class Views {
    private Views() {
    }

    /** One category of a verdict against its threshold. */
    @TemplateData
    public record CategoryRow(String name, String score, String threshold, boolean flagged, boolean inBand, String segment,
                              String point, String explanation) {
        static List<CategoryRow> of(JsonNode categories, List<String> band) {
            List<CategoryRow> out = new ArrayList<>();
            for (JsonNode c : categories) {
                JsonNode seg = c.path("segment");
                JsonNode page = c.path("thresholds").path("page");
                String threshold = fmt(c.path("threshold").asDouble()) + (page.isNumber() ? " / page " + fmt(page.asDouble()) : "");
                out.add(new CategoryRow(c.path("name").asText(), fmt(c.path("score").asDouble()), threshold,
                        c.path("flagged").asBoolean(), band.contains(c.path("name").asText()),
                        seg.isMissingNode() ? "" : seg.path("start").asInt() + "\u2013" + seg.path("end").asInt(),
                        c.path("point").asText(""), explanation(c)));
            }
            return out;
        }

        /** The logit's parts a reviewer weighs: listed features (in the evidence below), the rest, bias, SAE error. */
        private static String explanation(JsonNode c) {
            JsonNode e = c.path("explanation");
            if (e.isMissingNode() || e.isNull()) {
                return "";
            }
            return String.format(java.util.Locale.ROOT, "logit %.2f = listed features + other %.2f + bias %.2f + SAE error %.2f",
                    c.path("logit").asDouble(), e.path("other").asDouble(), e.path("bias").asDouble(), e.path("error").asDouble());
        }
    }

    /** One run of event text with the evidence that covers it. */
    @TemplateData
    public record Shown(String text, String classes, String title, int first, boolean marked, boolean segment) {
        static List<Shown> of(String text, List<TextMarks.Mark> marks, List<EvidenceRow> rows) {
            List<Shown> out = new ArrayList<>();
            for (TextMarks.Piece p : TextMarks.pieces(text, marks)) {
                StringBuilder title = new StringBuilder();
                for (int i : p.evidence()) {
                    title.append(title.isEmpty() ? "" : "\n").append(rows.get(i).title());
                }
                out.add(new Shown(p.text(), p.classes(), title.toString(), p.marked() ? p.evidence().get(0) : -1,
                        p.marked(), p.segment()));
            }
            return out;
        }
    }

    /** One row of a list page. */
    @TemplateData
    public record ListRow(String link, String time, String id, String severity, String categories, String tenant,
                          String pack, String source) {
    }

    /** One review of a verdict. */
    @TemplateData
    public record ReviewRow(String time, String category, String label, String reviewer, String note) {
        static ReviewRow of(IndexEntry e) {
            JsonNode b = e.body();
            return new ReviewRow(b.path("time").asText(), b.path("category").asText(), b.path("label").asText(),
                    b.path("reviewer").asText(), b.path("note").asText(""));
        }
    }

    /** A conversation turn as fetched from the events topic (text only for reviewers). */
    @TemplateData
    public record Turn(String number, String eventId, String role, boolean raised, List<Shown> text) {
    }

    static String fmt(double d) {
        return String.format(Locale.ROOT, "%.4f", d);
    }

    /** The verdict's source as {@code topic/partition@offset}, or a dash. */
    static String source(JsonNode v) {
        JsonNode s = v.path("source");
        return s.isObject() ? s.path("topic").asText() + "/" + s.path("partition").asInt() + "@" + s.path("offset").asLong() : "\u2014";
    }
}
