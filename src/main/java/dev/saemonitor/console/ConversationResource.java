package dev.saemonitor.console;

import dev.saemonitor.publish.ConsoleLinks;
import com.fasterxml.jackson.databind.JsonNode;
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
    private final Template conversation;
    private final ConsoleIndex index;
    private final ConversationTurns turns;
    private final ScoringService scoring;
    private final FeedbackPublisher feedback;
    private final SecurityIdentity identity;

    public ConversationResource(@Location("console/conversation.html") Template conversation, ConsoleIndex index,
                                ConversationTurns turns, ScoringService scoring, FeedbackPublisher feedback,
                                SecurityIdentity identity) {
        this.conversation = conversation;
        this.index = index;
        this.turns = turns;
        this.scoring = scoring;
        this.feedback = feedback;
        this.identity = identity;
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
        feedback.save(r.feedback(), identity);
        return Response.seeOther(URI.create(ConsoleLinks.conversation(id, e.body().path("turns").asInt()))).build();
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
        ConversationTurns.Shown shown = reviewer ? turns.of(e, rows)
                : new ConversationTurns.Shown(List.of(), "text hidden: the reviewer role sees it");
        return conversation.data("user", identity.getPrincipal().getName()).data("reviewer", reviewer)
                .data("conversationId", v.path("conversationId").asText()).data("turnCount", v.path("turns").asInt())
                .data("lastEventId", e.eventId()).data("severity", e.severity())
                .data("packVersion", v.path("pack").path("version").asText("")).data("source", Views.source(v))
                .data("categories", Views.CategoryRow.of(v.path("categories"), List.of())).data("evidence", rows)
                .data("turns", shown.turns()).data("missing", shown.missing()).data("error", error)
                .data("reviews", index.reviewsOf(e.eventId()).stream().map(Views.ReviewRow::of).toList())
                .data("reviewAction", ConsoleLinks.conversation(v.path("conversationId").asText(), v.path("turns").asInt())
                        .replace("?turns=", "/review?turns="))
                .data("reviewCategories", FlagResource.reviewCategories(v, List.of()));
    }
}
