package dev.saemonitor.console;

import dev.saemonitor.publish.ConsoleLinks;
import io.quarkus.qute.TemplateData;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * A list page's filter as the form sends it; times are ISO-8601 instants or {@code yyyy-MM-ddTHH:mm} in UTC (what a
 * datetime-local input sends). A time that parses as neither is reported and ignored.
 */
@TemplateData
public record ListQuery(String kind, String category, String severity, String tenant, String pack, String since,
                        String until) {

    IndexFilter filter() {
        return new IndexFilter(category, severity, tenant, pack, time(since), time(until));
    }

    /** Which time field did not parse, or null. */
    public String error() {
        if (since != null && !since.isBlank() && time(since) == null) {
            return "since: not a time (" + since.length() + " characters; expected 2026-12-02T10:00)";
        }
        if (until != null && !until.isBlank() && time(until) == null) {
            return "until: not a time (" + until.length() + " characters; expected 2026-12-02T10:00)";
        }
        return null;
    }

    /** This query's URL at another page (0-based). */
    String url(int page) {
        StringBuilder b = new StringBuilder("/console?kind=").append(ConsoleLinks.enc(kind));
        add(b, "category", category);
        add(b, "severity", severity);
        add(b, "tenant", tenant);
        add(b, "pack", pack);
        add(b, "since", since);
        add(b, "until", until);
        return b.append("&page=").append(page).toString();
    }

    private static void add(StringBuilder b, String name, String value) {
        if (value != null && !value.isBlank()) {
            b.append('&').append(name).append('=').append(ConsoleLinks.enc(value));
        }
    }

    static Instant time(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(s.trim());
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(s.trim()).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    public String v(String s) {
        return s == null ? "" : s;
    }
}
