package dev.saemonitor.console;

import dev.saemonitor.config.MonitorConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Says at start-up where the console is, and on the embedded default (its demo users unchanged) how to log in, so a
 * newcomer running {@code ./monitor} finds it. A changed password is never printed.
 */
@ApplicationScoped
public class ConsoleBanner {
    private static final Logger LOG = Logger.getLogger(ConsoleBanner.class);
    static final String DEMO_REVIEWER = "reviewer-demo", DEMO_VIEWER = "viewer-demo";

    @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080")
    int port;
    @ConfigProperty(name = "quarkus.security.users.embedded.users.reviewer")
    Optional<String> reviewerPassword;
    @ConfigProperty(name = "quarkus.security.users.embedded.users.viewer")
    Optional<String> viewerPassword;

    void onStart(@Observes StartupEvent e, MonitorConfig config) {
        if (!config.console().enabled()) {
            return;
        }
        LOG.info(line(port, reviewerPassword.orElse(null), viewerPassword.orElse(null)));
    }

    static String line(int port, String reviewerPassword, String viewerPassword) {
        String url = "console: http://localhost:" + port + "/console";
        if (DEMO_REVIEWER.equals(reviewerPassword) && DEMO_VIEWER.equals(viewerPassword)) {
            return url + " (demo users: reviewer / " + DEMO_REVIEWER + " sees text and reviews flags, viewer / "
                    + DEMO_VIEWER + " sees verdicts and features only; change them before real traffic, README)";
        }
        return url + " (log in with the users configured for it)";
    }
}
