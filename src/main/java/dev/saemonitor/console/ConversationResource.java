package dev.saemonitor.console;

import dev.saemonitor.publish.ConsoleLinks;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.config.MonitorConfig;
import dev.saemonitor.ingest.LlmEvent;
import dev.saemonitor.modelpack.ModelPack;
import dev.saemonitor.scoring.ScoringService;
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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One conversation verdict: its categories against the conversation thresholds, the evidence (each in its event), and
 * for reviewers its turns in order, read back from the conversation's partition, with the turn that produced this
 * verdict marked. Reviews of it are keyed by the event of that turn.
 */
@Path("/console/conversation/{conversationId}")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({Roles.VIEWER, Roles.REVIEWER})
@Blocking
public class ConversationResource {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Template conversation;
    private final ConsoleIndex index;
    private final EventFetcher fetcher;
    private final ScoringService scoring;
    private final FeedbackPublisher feedback;
    private final SecurityIdentity identity;
    private final int maxTurns;

    public ConversationResource(@Location("console/conversation.html") Template conversation, ConsoleIndex index,
                                EventFetcher fetcher, ScoringService scoring, FeedbackPublisher feedback,
                                SecurityIdentity identity, MonitorConfig config) {
        this.conversation = conversation;
        this.index = index;
        this.fetcher = fetcher;
        this.scoring = scoring;
        this.feedback = feedback;
        this.identity = identity;
        this.maxTurns = config.conversations().maxTurns();
    }

    @GET
    public TemplateInstance show(@PathParam("conversationId") String id, @QueryParam("turns") int turns) {
        return page(entry(id, turns), null);
    }

    @POST
    @Path("review")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(Roles.REVIEWER)
    public Response review(@PathParam("conversationId") String id, @QueryParam("turns") int turns,
                           @FormParam("category") String category, @FormParam("label") String label,
                           @FormParam("note") String note) {
        IndexEntry e = entry(id, turns);
        ReviewForm.Result r = ReviewForm.parse(e.body(), "conversation", e.eventId(), category, label, note, identity);
        if (r.error() != null) {
            return Response.status(400).entity(page(e, r.error())).build();
        }
        feedback.publish(r.feedback());
        TextAudit.reviewed(identity, r.feedback());
        index.add(IndexEntry.of(IndexEntry.Kind.feedback, JSON.valueToTree(r.feedback()), Instant.now()));
        return Response.seeOther(URI.create(ConsoleLinks.conversation(id, e.body().path("turns").asInt()))).build();
    }

    /** Adds the evidence events the scan missed whose flag verdicts (and so coordinates) the index holds; by event time. */
    private List<LlmEvent> withFlaggedTurns(List<LlmEvent> scanned, List<EvidenceRow> rows) {
        List<LlmEvent> all = new ArrayList<>(scanned);
        java.util.Set<String> have = new java.util.HashSet<>();
        scanned.forEach(e -> have.add(e.id()));
        for (EvidenceRow r : rows) {
            IndexEntry flag = r.eventId() == null || have.contains(r.eventId()) ? null : index.get(IndexEntry.Kind.flag, r.eventId());
            if (flag != null) {
                EventFetcher.Fetched f = fetcher.event(FlagResource.source(flag.body()), r.eventId());
                if (f.event() != null) {
                    all.add(f.event());
                }
                have.add(r.eventId());
            }
        }
        if (all.size() > scanned.size()) {
            all.sort(java.util.Comparator.comparing(e -> e.time() == null ? Instant.EPOCH : e.time()));
        }
        return all;
    }

    private IndexEntry entry(String id, int turns) {
        IndexEntry e = index.get(IndexEntry.Kind.conversation, IndexEntry.conversationKey(id, turns));
        if (e == null) {
            throw new NotFoundException("conversation " + id + " after " + turns + " turns is not among the flagged "
                    + "conversation verdicts the console holds");
        }
        return e;
    }

    private TemplateInstance page(IndexEntry e, String error) {
        JsonNode v = e.body();
        ModelPack pack = scoring.scorer() == null ? null : scoring.scorer().pack();
        List<EvidenceRow> rows = EvidenceRow.of(v.path("evidence"), pack);
        boolean reviewer = identity.hasRole(Roles.REVIEWER);
        List<Views.Turn> turns = new ArrayList<>();
        String missing = reviewer ? null : "text hidden: the reviewer role sees it";
        if (reviewer) {
            int total = v.path("turns").asInt();
            int held = Math.min(total, maxTurns);
            List<LlmEvent> events = withFlaggedTurns(fetcher.turns(FlagResource.source(v), v.path("conversationId").asText(),
                    held), rows);
            boolean complete = events.size() == held;
            if (!events.isEmpty() && !complete) {
                missing = events.size() + " of the last " + held + " turns found (the others are on another partition or "
                        + "no longer retained); shown by event time";
            }
            for (int i = 0; i < events.size(); i++) {
                LlmEvent ev = events.get(i);
                TextAudit.viewed(identity, ev.id(), "shown");
                List<TextMarks.Mark> marks = new ArrayList<>();
                rows.stream().filter(r -> ev.id().equals(r.eventId()))
                        .forEach(r -> marks.add(new TextMarks.Mark(r.start(), r.end(), r.index())));
                turns.add(new Views.Turn(complete ? String.valueOf(total - events.size() + i + 1) : "?", ev.id(), ev.role() == null ? "" : ev.role(),
                        ev.id().equals(e.eventId()), Views.Shown.of(ev.text(), marks, rows)));
            }
            if (events.isEmpty()) {
                missing = "no turns found in the events topic (no longer retained, or past the scan of "
                        + "monitor.console.conversation-scan records)";
            }
        }
        return conversation.data("user", identity.getPrincipal().getName()).data("reviewer", reviewer)
                .data("conversationId", v.path("conversationId").asText()).data("turnCount", v.path("turns").asInt())
                .data("lastEventId", e.eventId()).data("severity", e.severity())
                .data("packVersion", v.path("pack").path("version").asText("")).data("source", Views.source(v))
                .data("categories", Views.CategoryRow.of(v.path("categories"), List.of())).data("evidence", rows)
                .data("turns", turns).data("missing", missing).data("error", error)
                .data("reviews", index.reviewsOf(e.eventId()).stream().map(Views.ReviewRow::of).toList())
                .data("reviewAction", ConsoleLinks.conversation(v.path("conversationId").asText(), v.path("turns").asInt())
                        .replace("?turns=", "/review?turns="))
                .data("reviewCategories", FlagResource.reviewCategories(v, List.of()));
    }
}
