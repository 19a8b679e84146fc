package dev.saemonitor.config;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Fails start-up at once, naming the key, when the HTTP or management port is already taken. Quarkus
 * binds its ports last, after the Kafka access check has waited up to its timeout for a broker that may
 * be down, so a taken port used to surface only 20 s later; this check runs first. Quarkus' own bind
 * error (a port taken in between) is still described by {@link StartupFailure}.
 */
@ApplicationScoped
public class PortCheck {

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent e) {
        if (LaunchMode.current() != LaunchMode.NORMAL) {
            return; // tests use their own (random) test ports
        }
        Config config = ConfigProvider.getConfig();
        check(config, "quarkus.http.port", "quarkus.http.host");
        if (config.getOptionalValue("quarkus.management.enabled", Boolean.class).orElse(false)) {
            check(config, "quarkus.management.port", "quarkus.management.host");
        }
    }

    private static void check(Config config, String portKey, String hostKey) {
        Optional<Integer> port = config.getOptionalValue(portKey, Integer.class);
        if (port.isEmpty() || port.get() <= 0) {
            return;
        }
        String host = config.getOptionalValue(hostKey, String.class).orElse("0.0.0.0");
        if (!free(host, port.get())) {
            throw new ConfigurationException("port " + port.get() + " (" + portKey + ") is already in use: stop what listens"
                    + " there or set " + portKey + " to a free port");
        }
    }

    /** Whether a listener could bind there now; an unresolvable host is left to Quarkus to report. */
    static boolean free(String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(host, port));
            return true;
        } catch (java.net.BindException b) {
            // "Cannot assign requested address" (a host not on this machine) is Quarkus' to report
            return b.getMessage() == null || !b.getMessage().contains("in use");
        } catch (IOException | IllegalArgumentException | SecurityException other) {
            return true;
        }
    }
}
