package dev.saemonitor.console;

import dev.saemonitor.publish.ConsoleLinks;
import com.fasterxml.jackson.databind.JsonNode;
import dev.saemonitor.config.MonitorConfig;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

/** The console's lists (flags, conversation verdicts, review queue) and its login and logout pages. */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({Roles.VIEWER, Roles.REVIEWER})
public class ConsoleResource {
    private final Template list;
    private final Template login;
    private final ConsoleIndex index;
    private final SecurityIdentity identity;
    private final MonitorConfig config;

    public ConsoleResource(@Location("console/list.html") Template list, @Location("console/login.html") Template login,
                           ConsoleIndex index, SecurityIdentity identity, MonitorConfig config) {
        this.list = list;
        this.login = login;
        this.index = index;
        this.identity = identity;
        this.config = config;
    }

    @GET
    public TemplateInstance list(@QueryParam("kind") String kind, @QueryParam("category") String category,
                                 @QueryParam("severity") String severity, @QueryParam("tenant") String tenant,
                                 @QueryParam("pack") String pack, @QueryParam("since") String since,
                                 @QueryParam("until") String until, @QueryParam("page") int page) {
        enabled();
        IndexEntry.Kind k = "conversation".equals(kind) ? IndexEntry.Kind.conversation
                : "review".equals(kind) ? IndexEntry.Kind.review : IndexEntry.Kind.flag;
        ListQuery q = new ListQuery(k.name(), category, severity, tenant, pack, since, until);
        ConsoleIndex.Page p = index.page(k, q.filter(), page, config.console().pageSize());
        List<Views.ListRow> rows = new ArrayList<>();
        for (IndexEntry e : p.entries()) {
            rows.add(row(e));
        }
        return list.data("user", identity.getPrincipal().getName()).data("q", q).data("rows", rows).data("total", p.total())
                .data("page", p.page() + 1).data("error", q.error()).data("severities", List.of("info", "warning", "critical"))
                .data("prev", p.hasPrevious() ? q.url(p.page() - 1) : null).data("next", p.hasNext() ? q.url(p.page() + 1) : null);
    }

    private static Views.ListRow row(IndexEntry e) {
        JsonNode b = e.body();
        String link = e.kind() == IndexEntry.Kind.conversation
                ? ConsoleLinks.conversation(b.path("conversationId").asText(), b.path("turns").asInt())
                : ConsoleLinks.flag(e.key());
        String id = e.kind() == IndexEntry.Kind.conversation
                ? b.path("conversationId").asText() + " (turn " + b.path("turns").asInt() + ")" : e.key();
        String cats = String.join(", ", StreamSupport.stream(b.path("categories").spliterator(), false)
                .filter(c -> e.categories().contains(c.path("name").asText()))
                .map(c -> c.path("name").asText() + " " + Views.fmt(c.path("score").asDouble()) + " / "
                        + Views.fmt(c.path("threshold").asDouble())).toList());
        return new Views.ListRow(link, e.time().toString(), id, e.severity(), cats, e.tenant() == null ? "" : e.tenant(),
                e.packVersion() == null ? "" : e.packVersion(), Views.source(b));
    }

    @GET
    @Path("login")
    @PermitAll
    public TemplateInstance login(@QueryParam("error") boolean error) {
        enabled();
        return login.data("error", error);
    }

    /** Drops the form-login session cookie. */
    @GET
    @Path("logout")
    @PermitAll
    public Response logout() {
        return Response.seeOther(URI.create("/console/login"))
                .cookie(new NewCookie.Builder("quarkus-credential").value("").path("/").maxAge(0).build()).build();
    }

    private void enabled() {
        if (!config.console().enabled()) {
            throw new NotFoundException("console disabled (monitor.console.enabled=false)");
        }
    }
}
