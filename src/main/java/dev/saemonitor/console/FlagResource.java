package dev.saemonitor.console;

import dev.saemonitor.publish.ConsoleLinks;
import com.fasterxml.jackson.databind.JsonNode;
import dev.saemonitor.modelpack.ModelPack;
import dev.saemonitor.scoring.ScoringService;
import dev.saemonitor.scoring.Verdict;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * One event verdict (a flag or a review-queue entry): scores against thresholds, evidence features with their cards,
 * and for reviewers the event's text fetched by its coordinates with the segment and evidence spans marked; the
 * review form. Every text fetch is audit-logged.
 */
@Path("/console/flag/{eventId}")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({Roles.VIEWER, Roles.REVIEWER})
@Blocking
public class FlagResource {
    private final Template flag;
    private final ConsoleIndex index;
    private final EventFetcher fetcher;
    private final ScoringService scoring;
    private final FeedbackPublisher feedback;
    private final SecurityIdentity identity;

    public FlagResource(@Location("console/flag.html") Template flag, ConsoleIndex index, EventFetcher fetcher,
                        ScoringService scoring, FeedbackPublisher feedback, SecurityIdentity identity) {
        this.flag = flag;
        this.index = index;
        this.fetcher = fetcher;
        this.scoring = scoring;
        this.feedback = feedback;
        this.identity = identity;
    }

    @GET
    public TemplateInstance show(@PathParam("eventId") String eventId) {
        return page(entry(eventId), null);
    }

    @POST
    @Path("review")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(Roles.REVIEWER)
    public Response review(@PathParam("eventId") String eventId, @FormParam("category") String category,
                           @FormParam("label") String label, @FormParam("note") String note) {
        IndexEntry e = entry(eventId);
        ReviewForm.Result r = ReviewForm.parse(e.body(), "event", eventId, category, label, note, identity);
        if (r.error() != null) {
            return Response.status(400).entity(page(e, r.error())).build();
        }
        feedback.save(r.feedback(), identity);
        return Response.seeOther(URI.create(ConsoleLinks.flag(eventId) + "?reviewed=" + r.feedback().label())).build();
    }

    private IndexEntry entry(String eventId) {
        IndexEntry e = index.get(IndexEntry.Kind.flag, eventId);
        if (e == null) {
            e = index.get(IndexEntry.Kind.review, eventId);
        }
        if (e == null) {
            throw new NotFoundException("event " + eventId + " is not among the flags and review entries the console holds");
        }
        return e;
    }

    private TemplateInstance page(IndexEntry e, String error) {
        JsonNode v = e.body();
        ModelPack pack = scoring.scorer() == null ? null : scoring.scorer().pack();
        List<EvidenceRow> rows = EvidenceRow.of(v.path("evidence"), pack);
        boolean reviewer = identity.hasRole(Roles.REVIEWER);
        List<Views.Shown> text = List.of();
        String missing = reviewer ? null : "text hidden: the reviewer role sees it";
        if (reviewer) {
            EventFetcher.Fetched f = fetcher.event(source(v), e.key());
            TextAudit.viewed(identity, e.key(), f.event() == null ? "none" : "shown");
            if (f.event() == null) {
                missing = f.missing();
            } else {
                text = Views.Shown.of(f.event().text(), marks(v, rows), rows);
            }
        }
        IndexEntry queued = index.get(IndexEntry.Kind.review, e.key());
        List<String> band = queued == null ? List.of() : queued.categories();
        return flag.data("user", identity.getPrincipal().getName()).data("reviewer", reviewer).data("eventId", e.key())
                .data("kind", e.kind().name()).data("severity", e.severity()).data("tenant", v.path("tenant").asText(""))
                .data("conversationId", v.path("conversationId").asText("")).data("role", v.path("role").asText(""))
                .data("packVersion", v.path("pack").path("version").asText("")).data("source", Views.source(v))
                .data("packDiffers", pack != null && !pack.sha256().equals(v.path("pack").path("sha256").asText()))
                .data("categories", Views.CategoryRow.of(v.path("categories"), band)).data("evidence", rows)
                .data("text", text).data("missing", missing).data("error", error)
                .data("reviews", index.reviewsOf(e.key()).stream().map(Views.ReviewRow::of).toList())
                .data("reviewAction", ConsoleLinks.flag(e.key()) + "/review")
                .data("reviewCategories", reviewCategories(v, band));
    }

    static List<TextMarks.Mark> marks(JsonNode v, List<EvidenceRow> rows) {
        List<TextMarks.Mark> marks = new ArrayList<>();
        for (JsonNode c : v.path("categories")) {
            if (c.path("segment").isObject()) {
                marks.add(new TextMarks.Mark(c.path("segment").path("start").asInt(), c.path("segment").path("end").asInt(), -1));
            }
        }
        for (EvidenceRow r : rows) {
            marks.add(new TextMarks.Mark(r.start(), r.end(), r.index()));
        }
        return marks;
    }

    static List<String> reviewCategories(JsonNode v, List<String> band) {
        List<String> out = new ArrayList<>(band);
        for (JsonNode c : v.path("categories")) {
            if (c.path("flagged").asBoolean() && !out.contains(c.path("name").asText())) {
                out.add(c.path("name").asText());
            }
        }
        return out;
    }

    static Verdict.Source source(JsonNode v) {
        JsonNode s = v.path("source");
        return s.isObject() ? new Verdict.Source(s.path("topic").asText(), s.path("partition").asInt(), s.path("offset").asLong()) : null;
    }
}
