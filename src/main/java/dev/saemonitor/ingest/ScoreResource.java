package dev.saemonitor.ingest;

import dev.saemonitor.batch.InferenceQueue;
import dev.saemonitor.metrics.MonitorMetrics;
import dev.saemonitor.scoring.ScoreRequest;
import dev.saemonitor.scoring.ScoringService;
import dev.saemonitor.scoring.Verdict;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /api/v1/score}: synchronous scoring for callers such as an LLM gateway that wants a
 * verdict before it answers. Same event JSON, parser, pack and batching as the stream; bad input is a
 * 400 with the dead-letter reason and a detail that never echoes the input; 503 while the pack is not loaded.
 */
@Path("/api/v1/score")
public class ScoreResource {
    private final ScoringService scoring;
    private final InferenceQueue queue;
    private final MonitorMetrics metrics;

    public ScoreResource(ScoringService scoring, InferenceQueue queue, MonitorMetrics metrics) {
        this.scoring = scoring;
        this.queue = queue;
        this.metrics = metrics;
    }

    /** Error body: the dead-letter reason and a detail without content. */
    public record ErrorBody(String error, String detail) {
    }

    @POST
    @Consumes({MediaType.APPLICATION_JSON, "application/cloudevents+json", MediaType.WILDCARD})
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> score(byte[] body, @jakarta.ws.rs.HeaderParam("Content-Type") String contentType) {
        metrics.received("http");
        if (!scoring.isReady()) {
            return Uni.createFrom().item(Response.status(503).entity(new ErrorBody("pack_not_loaded",
                    String.valueOf(scoring.loadError()))).build());
        }
        Map<String, String> headers = contentType == null ? Map.of() : Map.of("content-type", contentType);
        ParseResult r = scoring.parser().parse(body, headers, null, "http-" + UUID.randomUUID(), Instant.now());
        if (!r.valid()) {
            // counted apart from the DLQ: nothing is written there for an HTTP caller
            metrics.httpRejected(r.reason().label());
            return Uni.createFrom().item(Response.status(400).entity(new ErrorBody(r.reason().label(), r.detail())).build());
        }
        LlmEvent e = r.event();
        ScoreRequest req = new ScoreRequest(e.id(), e.conversationId(), e.tenant(), e.role(), e.text(), e.activations());
        return Uni.createFrom().completionStage(() -> queue.admit().thenCompose(x -> queue.score(req))
                .whenComplete((v, err) -> {
                    queue.release();
                    if (err == null) {
                        scoring.recordVerdict(v);
                    } else {
                        metrics.outcome("failed");
                    }
                }))
                .map(v -> Response.ok(v).build());
    }
}
