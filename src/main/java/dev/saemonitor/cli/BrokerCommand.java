package dev.saemonitor.cli;

import dev.saemonitor.broker.EmbeddedKafka;
import dev.saemonitor.config.Topics;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code broker}: a standalone single-node KRaft broker for local work, so the service and an
 * independent client (kcat) can share a broker that neither of them owns.
 */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run a local single-node Kafka broker (KRaft) with the monitor's topics, until interrupted.")
public class BrokerCommand implements Callable<Integer> {
    @Option(names = "--partitions", defaultValue = "4", description = "partitions per topic (default: ${DEFAULT-VALUE})")
    int partitions;

    @Override
    public Integer call() throws Exception {
        try (EmbeddedKafka k = EmbeddedKafka.start(partitions, Topics.ALL_DEFAULTS)) {
            System.out.println("bootstrap.servers=" + k.bootstrapServers());
            System.out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return MonitorCli.OK;
    }
}
