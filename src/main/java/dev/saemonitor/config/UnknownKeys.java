package dev.saemonitor.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds {@code monitor.*} keys, and {@code MONITOR_*} environment variables, that no key of the mapping
 * matches. SmallRye's own check ({@code smallrye.config.mapping.validate-unknown}, off in Quarkus) names
 * neither the nearest key nor environment variables, which it skips because their spelling is ambiguous;
 * here an environment variable is compared with the environment spelling of every known key.
 */
public final class UnknownKeys {
    /**
     * Nearest keys offered per unknown key: six, since several sections now share words such as "enabled"
     * (monitor.otel.enabled was the fifth, monitor.console.enabled the sixth).
     */
    private static final int SUGGESTIONS = 6;
    private static final String ROOT = "monitor.";
    private static final String ENV_ROOT = "MONITOR_";
    /** Variables Kubernetes injects for a Service named "monitor" (service links), not configuration. */
    private static final Pattern SERVICE_LINK = Pattern.compile("MONITOR_(SERVICE_HOST|SERVICE_PORT(_\\w+)?|PORT(_\\d+_(TCP|UDP|SCTP)\\w*)?)");
    private static final Pattern PROFILE = Pattern.compile("^%[^.]+\\.");

    private UnknownKeys() {
    }

    /** One key that is set but means nothing to the service. */
    public record UnknownKey(String name, String source, List<String> suggestions, boolean environment) {
        /** One line: the key, where it was set and what was probably meant. */
        public String describe() {
            StringBuilder b = new StringBuilder("unknown configuration key ").append(name).append(" (set in ")
                    .append(source).append(')');
            if (!suggestions.isEmpty()) {
                b.append("; did you mean ");
                for (int i = 0; i < suggestions.size(); i++) {
                    String s = suggestions.get(i);
                    b.append(i == 0 ? "" : i == suggestions.size() - 1 ? " or " : ", ")
                            .append(environment ? KnownKeys.envName(s) + " (" + s + ")" : s);
                }
                b.append('?');
            }
            return b.toString();
        }
    }

    /**
     * A dotted name that its source also holds in environment spelling is that variable seen twice (Quarkus'
     * environment source offers both) and is reported once, as the variable.
     *
     * @param namesBySource the property names of each configuration source, by the source's name
     * @return the unknown keys, in source order
     */
    public static List<UnknownKey> find(Map<String, ? extends Set<String>> namesBySource, KnownKeys known) {
        List<UnknownKey> unknown = new ArrayList<>();
        namesBySource.forEach((source, names) -> names.stream().sorted().forEach(raw -> {
            String name = PROFILE.matcher(raw).replaceFirst("");
            if (name.startsWith(ROOT) && !known.knows(name) && !names.contains(KnownKeys.envName(name))) {
                unknown.add(new UnknownKey(raw, source, known.nearest(name, SUGGESTIONS), false));
            } else if (name.startsWith(ENV_ROOT) && known.keyOfEnv(name).isEmpty() && !SERVICE_LINK.matcher(name).matches()) {
                unknown.add(new UnknownKey(raw, source, known.nearest(name, SUGGESTIONS), true));
            }
        }));
        return unknown;
    }
}
