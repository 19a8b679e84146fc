package dev.saemonitor.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric contract of docs/metrics.md, and the metric names a PromQL expression uses.
 * Not a full PromQL parser (promtool checks the syntax); it finds the identifiers that can only
 * be metric names once strings, label matchers, ranges, grouping clauses, function calls and
 * keywords are taken out.
 */
final class MetricNames {
    /** Prefixes of metrics bound by Micrometer binders rather than listed in the contract. */
    static final Set<String> ALLOWED_PREFIXES = Set.of("kafka_", "jvm_", "process_");

    private static final Pattern TABLE_ROW = Pattern.compile("^\\|\\s*`([a-zA-Z_:][a-zA-Z0-9_:]*)`\\s*\\|([^|]*)\\|");
    private static final Pattern STRINGS = Pattern.compile("\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'|`[^`]*`");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^\\]]*]");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENT = Pattern.compile("(?<![\\w:.$])([a-zA-Z_:][\\w:]*+)(?!\\s*\\()");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "offset", "bool", "inf", "nan", "atan2");

    private MetricNames() {
    }

    /**
     * The names in the first column of docs/metrics.md's table; histograms contribute their
     * {@code _bucket}, {@code _sum} and {@code _count} series.
     */
    static Set<String> documented(Path metricsMd) {
        Set<String> names = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(metricsMd)) {
                Matcher m = TABLE_ROW.matcher(line.trim());
                if (!m.find()) {
                    continue;
                }
                String name = m.group(1);
                names.add(name);
                if (m.group(2).toLowerCase().contains("histogram")) {
                    names.add(name + "_bucket");
                    names.add(name + "_sum");
                    names.add(name + "_count");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    /** The metric names (or recording rule names) that a PromQL expression selects. */
    static Set<String> usedIn(String promql) {
        String s = STRINGS.matcher(promql).replaceAll("\"\"");
        s = MATCHERS.matcher(s).replaceAll("{}");
        s = RANGES.matcher(s).replaceAll("");
        s = GROUPING.matcher(s).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = IDENT.matcher(s);
        while (m.find()) {
            String id = m.group(1);
            if (!KEYWORDS.contains(id.toLowerCase())) {
                names.add(id);
            }
        }
        return names;
    }

    static boolean allowed(String name, Set<String> documented, Set<String> recorded) {
        return documented.contains(name) || recorded.contains(name)
                || ALLOWED_PREFIXES.stream().anyMatch(name::startsWith);
    }
}
