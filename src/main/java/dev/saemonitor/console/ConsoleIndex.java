package dev.saemonitor.console;

import dev.saemonitor.config.MonitorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The console's bounded in-memory index: per kind the latest {@code monitor.console.index-size} entries by key (a
 * repeated verdict replaces the earlier copy). Filled by {@link IndexFeed}; nothing in it is text. Memory is bounded by
 * the size times a verdict's JSON (a few kB), so about 10-20 MB per kind at the default.
 */
@ApplicationScoped
public class ConsoleIndex {
    private final int size;
    private final Map<IndexEntry.Kind, LinkedHashMap<String, IndexEntry>> byKind = new EnumMap<>(IndexEntry.Kind.class);

    @jakarta.inject.Inject
    public ConsoleIndex(MonitorConfig config) {
        this(config.console().indexSize());
    }

    ConsoleIndex(int size) {
        this.size = size;
        for (IndexEntry.Kind k : IndexEntry.Kind.values()) {
            byKind.put(k, new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, IndexEntry> eldest) {
                    return size() > ConsoleIndex.this.size;
                }
            });
        }
    }

    public synchronized void add(IndexEntry e) {
        LinkedHashMap<String, IndexEntry> m = byKind.get(e.kind());
        m.remove(e.key());
        m.put(e.key(), e);
    }

    public synchronized IndexEntry get(IndexEntry.Kind kind, String key) {
        return byKind.get(kind).get(key);
    }

    /** One page (0-based) of the entries of {@code kind} that match, newest first. */
    public synchronized Page page(IndexEntry.Kind kind, IndexFilter filter, int page, int pageSize) {
        List<IndexEntry> all = new ArrayList<>();
        for (IndexEntry e : byKind.get(kind).values()) {
            if (filter.matches(e)) {
                all.add(e);
            }
        }
        all.sort(Comparator.comparing(IndexEntry::time).reversed());
        int from = Math.min(all.size(), Math.max(0, page) * pageSize);
        return new Page(List.copyOf(all.subList(from, Math.min(all.size(), from + pageSize))), Math.max(0, page),
                all.size(), pageSize);
    }

    /** The reviews of one event, newest first. */
    public synchronized List<IndexEntry> reviewsOf(String eventId) {
        List<IndexEntry> out = new ArrayList<>();
        for (IndexEntry e : byKind.get(IndexEntry.Kind.feedback).values()) {
            if (eventId != null && eventId.equals(e.eventId())) {
                out.add(e);
            }
        }
        out.sort(Comparator.comparing(IndexEntry::time).reversed());
        return out;
    }

    /** A page of entries; {@code total} counts every match. */
    public record Page(List<IndexEntry> entries, int page, int total, int pageSize) {
        public boolean hasNext() {
            return (long) (page + 1) * pageSize < total;
        }

        public boolean hasPrevious() {
            return page > 0;
        }
    }
}
