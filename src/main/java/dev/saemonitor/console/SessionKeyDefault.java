package dev.saemonitor.console;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * A random per-process key for the console's login sessions when none is configured, at the lowest ordinal so
 * {@code QUARKUS_HTTP_AUTH_SESSION_ENCRYPTION_KEY} (or application.properties) wins. Without it Quarkus makes its own
 * temporary key and prints it in a start-up warning, where anyone who reads the logs could forge a session.
 * Replicas behind one Service need one shared configured key, else a session only works on the replica that made it.
 */
public class SessionKeyDefault implements ConfigSource {
    static final String KEY = "quarkus.http.auth.session.encryption-key";
    private static final String VALUE = newKey();

    private static String newKey() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of(KEY, VALUE);
    }

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(KEY);
    }

    @Override
    public String getValue(String propertyName) {
        return KEY.equals(propertyName) ? VALUE : null;
    }

    @Override
    public String getName() {
        return "console-session-key-default";
    }

    @Override
    public int getOrdinal() {
        return 10;
    }
}
