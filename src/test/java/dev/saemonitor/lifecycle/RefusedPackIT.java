package dev.saemonitor.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.saemonitor.broker.EmbeddedKafka;
import dev.saemonitor.config.Topics;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.testing.TestPacks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica whose pack is refused never joins the consumer group and fails start-up at once, naming the
 * file. Before, it joined, held its partitions for the 60 s grace and only then exited.
 */
class RefusedPackIT {
    private static final String GROUP = "refused-pack-it";
    @TempDir
    static Path tmp;
    static EmbeddedKafka kafka;

    @BeforeAll
    static void broker() throws Exception {
        kafka = EmbeddedKafka.start(Topics.DEFAULT_PARTITIONS, Topics.ALL_DEFAULTS);
    }

    @AfterAll
    static void stop() throws Exception {
        kafka.close();
    }

    @Test
    void aRefusedPackFailsStartUpFastWithoutJoiningTheGroup() throws Exception {
        Path pack = TestPacks.write(tmp.resolve("pack"), SaeArchitecture.TOPK, 256, 7);
        Files.writeString(pack.resolve("catalog.yaml"), "\n# edited after sealing\n", StandardOpenOption.APPEND);
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        AtomicInteger mostMembers = new AtomicInteger();
        long t0 = System.nanoTime();
        try (Admin admin = Admin.create(p);
             JarProcess service = JarProcess.start(kafka.bootstrapServers(), pack, tmp.resolve("service.log"),
                     List.of("monitor.consumer-group=" + GROUP))) {
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).until(() -> {
                mostMembers.accumulateAndGet(members(admin), Math::max);
                return !service.alive();
            });
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("refused pack: exited %d after %.1f s%n", service.exitValue(), seconds);
            assertThat(service.exitValue()).isNotZero();
            assertThat(mostMembers.get()).as("members of the group while the refused replica ran").isZero();
            assertThat(service.log()).contains("catalog.yaml");
        }
    }

    private static int members(Admin admin) {
        try {
            Map<String, ConsumerGroupDescription> d = admin.describeConsumerGroups(List.of(GROUP)).all().get();
            return d.get(GROUP).members().size();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return 0;
            }
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
