package dev.saemonitor.scoring;

import dev.saemonitor.modelpack.Catalog;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** {@code GET /api/v1/pack}: which pack is loaded, its reader and categories (thresholds as in force). */
@Path("/api/v1/pack")
public class PackResource {
    private final ScoringService scoring;

    public PackResource(ScoringService scoring) {
        this.scoring = scoring;
    }

    /** The loaded pack, as operators need it. */
    public record PackInfo(String name, String version, String sha256, String reader, int layer, String provider,
                           List<CategoryInfo> categories) {
    }

    /**
     * A category's severity and thresholds in force: {@code threshold} is the review point, {@code pageThreshold} the
     * page point (null for a one-threshold pack); {@code head} is {@code readout} (a dense readout explained by the
     * SAE; {@code features} then counts the listed aligned features) or {@code sparse}.
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record CategoryInfo(String name, String severity, double threshold, Double pageThreshold, String head,
                               int features) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response pack() {
        SafetyScorer s = scoring.scorer();
        if (s == null) {
            return Response.status(503).entity(new ScoreResource503(String.valueOf(scoring.loadError()))).build();
        }
        var p = s.pack();
        List<CategoryInfo> cats = p.catalog().categories().stream().map((Catalog.Category c) ->
                new CategoryInfo(c.name(), c.severity().name(), c.threshold(), c.pageThreshold(),
                        c.readout() != null ? "readout" : "sparse", c.features().size())).toList();
        return Response.ok(new PackInfo(p.name(), p.version(), p.sha256(), p.reader().id(), p.reader().layer(),
                s.provider(), cats)).build();
    }

    /** Body of a 503. */
    public record ScoreResource503(String error) {
    }
}
