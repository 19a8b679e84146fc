package dev.saemonitor.config;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Fails start-up, before the Kafka channels start, when a {@code monitor.*} key or {@code MONITOR_*}
 * variable is set that the service does not know: a typo would otherwise leave a default in force silently.
 */
@ApplicationScoped
public class ConfigCheck {
    private final Config config;

    public ConfigCheck(Config config) {
        this.config = config;
    }

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent e) {
        Map<String, Set<String>> names = new LinkedHashMap<>();
        for (ConfigSource s : config.getConfigSources()) {
            names.computeIfAbsent(label(s.getName()), k -> new TreeSet<>()).addAll(s.getPropertyNames());
        }
        List<UnknownKeys.UnknownKey> unknown = UnknownKeys.find(names, KnownKeys.monitor());
        if (!unknown.isEmpty()) {
            throw new ConfigurationException(unknown.stream().map(UnknownKeys.UnknownKey::describe)
                    .collect(Collectors.joining("; ")), Set.copyOf(unknown.stream().map(UnknownKeys.UnknownKey::name).toList()));
        }
    }

    /** Where a key was set, in an operator's words. */
    static String label(String sourceName) {
        if (sourceName.startsWith("EnvConfigSource")) {
            return "the environment";
        }
        if (sourceName.startsWith("SysPropConfigSource")) {
            return "a system property (-D)";
        }
        int file = sourceName.lastIndexOf("application.properties");
        return file >= 0 ? "application.properties" : sourceName;
    }
}
