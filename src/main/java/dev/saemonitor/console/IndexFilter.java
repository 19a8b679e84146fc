package dev.saemonitor.console;

import java.time.Instant;

/** What a list shows: every field null or blank matches all. {@code since} inclusive, {@code until} exclusive. */
public record IndexFilter(String category, String severity, String tenant, String pack, Instant since, Instant until) {
    public static final IndexFilter ALL = new IndexFilter(null, null, null, null, null, null);

    public boolean matches(IndexEntry e) {
        return (blank(category) || e.categories().contains(category))
                && (blank(severity) || severity.equals(e.severity()))
                && (blank(tenant) || tenant.equals(e.tenant()))
                && (blank(pack) || pack.equals(e.packVersion()))
                && (since == null || !e.time().isBefore(since))
                && (until == null || e.time().isBefore(until));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
