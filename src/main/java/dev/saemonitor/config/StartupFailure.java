package dev.saemonitor.config;

import io.quarkus.runtime.QuarkusBindException;
import java.net.BindException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One line that says why start-up failed: every distinct message of the cause chain, outermost first
 * (Quarkus' own "Failed to start quarkus" says nothing), and for a port that is already taken, the port
 * and the key that set it.
 */
public final class StartupFailure {
    /** Keys whose value is a port the service listens on. */
    static final List<String> PORT_KEYS = List.of("quarkus.http.port", "quarkus.management.port", "quarkus.http.ssl-port",
            "quarkus.management.ssl-port");

    private StartupFailure() {
    }

    /**
     * @param t     what ended start-up
     * @param value a key's current value, where it can be read
     */
    public static String describe(Throwable t, Function<String, Optional<String>> value) {
        List<String> parts = new ArrayList<>();
        Integer port = null;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof BindException && port == null) {
                port = portOf(c);
            }
            String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage().strip();
            String previous = parts.isEmpty() ? "" : parts.get(parts.size() - 1);
            if (!m.isEmpty() && !previous.contains(m)) {
                parts.add(c instanceof BindException || m.contains(" ") ? m : c.getClass().getSimpleName() + ": " + m);
            }
        }
        String chain = String.join(": ", parts).replaceAll("\\s+", " ");
        if (port != null || chain.contains("Address already in use")) {
            return portInUse(port, chain, value) + " (" + chain + ")";
        }
        return chain;
    }

    /**
     * Names the port and its key: Quarkus' HTTP bind exception carries the port; the management
     * interface's error only says {@code host:port} in its message, so the configured ports are looked for there.
     */
    private static String portInUse(Integer port, String chain, Function<String, Optional<String>> value) {
        Map<String, String> set = new LinkedHashMap<>();
        for (String key : PORT_KEYS) {
            value.apply(key).ifPresent(v -> set.put(key, v.strip()));
        }
        for (Map.Entry<String, String> e : set.entrySet()) {
            boolean named = port != null ? e.getValue().equals(String.valueOf(port))
                    : Pattern.compile(":" + Pattern.quote(e.getValue()) + "(?![0-9])").matcher(chain).find();
            if (named) {
                return "port " + e.getValue() + " (" + e.getKey() + ") is already in use: stop what listens there or set "
                        + e.getKey() + " to a free port";
            }
        }
        if (port != null) {
            return "port " + port + " is already in use";
        }
        return "a port is already in use (" + String.join(", ", set.entrySet().stream().limit(2)
                .map(e -> e.getKey() + "=" + e.getValue()).toList()) + ")";
    }

    /** Quarkus' bind exception carries the port; others only a message. */
    private static Integer portOf(Throwable bind) {
        return bind instanceof QuarkusBindException q && q.getPort() > 0 ? q.getPort() : null;
    }
}
