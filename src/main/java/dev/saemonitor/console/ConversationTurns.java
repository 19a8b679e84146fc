package dev.saemonitor.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.saemonitor.config.MonitorConfig;
import dev.saemonitor.ingest.LlmEvent;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A conversation verdict's turns for a reviewer: the conversation's events read back from the partition of its latest
 * turn, plus flagged evidence turns the scan missed (fetched by their own verdicts' coordinates), each with its evidence
 * spans marked and its text view audit-logged.
 */
@ApplicationScoped
public class ConversationTurns {
    private final EventFetcher fetcher;
    private final ConsoleIndex index;
    private final SecurityIdentity identity;
    private final int maxTurns;

    public ConversationTurns(EventFetcher fetcher, ConsoleIndex index, SecurityIdentity identity, MonitorConfig config) {
        this.fetcher = fetcher;
        this.index = index;
        this.identity = identity;
        this.maxTurns = config.conversations().maxTurns();
    }

    /** The turns to show and, when some or all are missing, why. */
    public record Shown(List<Views.Turn> turns, String missing) {
    }

    Shown of(IndexEntry e, List<EvidenceRow> rows) {
        JsonNode v = e.body();
        int total = v.path("turns").asInt();
        int held = Math.min(total, maxTurns);
        List<LlmEvent> events = withFlaggedTurns(fetcher.turns(FlagResource.source(v), v.path("conversationId").asText(), held), rows);
        boolean complete = events.size() == held;
        List<Views.Turn> turns = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            LlmEvent ev = events.get(i);
            TextAudit.viewed(identity, ev.id(), "shown");
            List<TextMarks.Mark> marks = new ArrayList<>();
            rows.stream().filter(r -> ev.id().equals(r.eventId()))
                    .forEach(r -> marks.add(new TextMarks.Mark(r.start(), r.end(), r.index())));
            turns.add(new Views.Turn(complete ? String.valueOf(total - events.size() + i + 1) : "?", ev.id(),
                    ev.role() == null ? "" : ev.role(), ev.id().equals(e.eventId()), Views.Shown.of(ev.text(), marks, rows)));
        }
        if (events.isEmpty()) {
            return new Shown(turns, "no turns found in the events topic (no longer retained, or past the scan of "
                    + "monitor.console.conversation-scan records)");
        }
        return new Shown(turns, complete ? null : events.size() + " of the last " + held + " turns found (the others are "
                + "on another partition or no longer retained); shown by event time");
    }

    private List<LlmEvent> withFlaggedTurns(List<LlmEvent> scanned, List<EvidenceRow> rows) {
        List<LlmEvent> all = new ArrayList<>(scanned);
        Set<String> have = new HashSet<>();
        scanned.forEach(ev -> have.add(ev.id()));
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
            all.sort(Comparator.comparing(ev -> ev.time() == null ? Instant.EPOCH : ev.time()));
        }
        return all;
    }
}
