package dev.saemonitor.cli;

import dev.saemonitor.Main;
import dev.saemonitor.broker.EmbeddedKafka;
import dev.saemonitor.config.StartupFailure;
import dev.saemonitor.config.Topics;
import io.quarkus.runtime.Quarkus;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import org.eclipse.microprofile.config.ConfigProvider;
import picocli.CommandLine.Option;

/**
 * {@code serve}: the streaming monitor. With no {@code kafka.bootstrap.servers} (system property or
 * {@code KAFKA_BOOTSTRAP_SERVERS}) it starts a real in-process KRaft broker first and feeds it the
 * bundled sample traffic, so a newcomer sees flags within a minute.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the streaming monitor (default verb). Starts an in-process Kafka broker when none is configured.")
public class ServeCommand implements Callable<Integer> {
    @Option(names = "--pack", description = "model pack directory (default: monitor.pack.path, model-packs/default)")
    Path pack;
    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS, else an in-process broker)")
    String bootstrap;
    @Option(names = "--no-demo-traffic", description = "with the in-process broker, do not feed the bundled sample traffic")
    boolean noDemo;

    private static Optional<String> configValue(String key) {
        try {
            return ConfigProvider.getConfig().getOptionalValue(key, String.class);
        } catch (RuntimeException e) {
            return Optional.ofNullable(System.getProperty(key));
        }
    }

    @Override
    public Integer call() throws Exception {
        if (pack != null) {
            System.setProperty("monitor.pack.path", pack.toString());
        }
        String servers = bootstrap != null ? bootstrap : System.getProperty("kafka.bootstrap.servers",
                System.getenv("KAFKA_BOOTSTRAP_SERVERS"));
        EmbeddedKafka embedded = null;
        if (servers == null || servers.isBlank()) {
            long t0 = System.nanoTime();
            embedded = EmbeddedKafka.start(Topics.DEFAULT_PARTITIONS, Topics.ALL_DEFAULTS);
            servers = embedded.bootstrapServers();
            System.err.printf("started in-process Kafka broker (KRaft) at %s in %d ms%n", servers,
                    (System.nanoTime() - t0) / 1_000_000);
            if (!noDemo) {
                System.setProperty("monitor.demo-traffic.enabled", "true");
            }
            // the in-process broker has the OTLP topics (Topics.ALL_DEFAULTS), so the OpenTelemetry input is on there
            if (configValue("monitor.otel.enabled").isEmpty()) {
                System.setProperty("monitor.otel.enabled", "true");
            }
            if (configValue("monitor.conversations.state-dir").isEmpty()) {
                System.setProperty("monitor.conversations.state-dir", EmbeddedStateDir.fresh().toString());
            }
        }
        System.setProperty("kafka.bootstrap.servers", servers);
        try {
            Quarkus.run(Main.class, (code, t) -> {
                if (t != null) {
                    System.err.println("error: start-up failed: " + StartupFailure.describe(t, ServeCommand::configValue));
                    System.err.flush();
                }
                System.exit(code);
            });
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
        return MonitorCli.OK;
    }
}
