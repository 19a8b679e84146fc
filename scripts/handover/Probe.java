import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Load and accounting for scripts/handover/measure.sh (plain Kafka clients, no service code):
 * {@code produce BOOTSTRAP RATE COUNT PREFIX} sends COUNT plain-JSON events at RATE per second;
 * {@code count BOOTSTRAP TOPIC PREFIX COUNT} reads TOPIC to its end and prints verdicts per event id.
 */
public class Probe {
    public static void main(String[] a) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", a[1]);
        if (a[0].equals("produce")) {
            double rate = Double.parseDouble(a[2]);
            int n = Integer.parseInt(a[3]);
            p.put("acks", "all");
            try (KafkaProducer<String, String> prod = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    long due = t0 + (long) (i * 1e9 / rate);
                    while (System.nanoTime() < due) {
                        Thread.sleep(1);
                    }
                    String id = a[4] + "-" + i;
                    prod.send(new ProducerRecord<>("llm.events", "conv-" + (i % 31), "{\"id\":\"" + id
                            + "\",\"text\":\"Event " + i + ": a short note about the weather, the office and the quarterly plan.\"}"));
                }
                prod.flush();
            }
            System.out.println("produced " + n);
            return;
        }
        String topic = a[2];
        String prefix = a[3] + "-";
        int expected = Integer.parseInt(a[4]);
        Map<String, Integer> counts = new HashMap<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (!parts.stream().allMatch(tp -> c.position(tp) >= end.get(tp))) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    String v = r.value();
                    int i = v.indexOf("\"eventId\":\"");
                    if (i < 0) {
                        continue;
                    }
                    String id = v.substring(i + 11, v.indexOf('"', i + 11));
                    if (id.startsWith(prefix)) {
                        counts.merge(id, 1, Integer::sum);
                    }
                }
            }
        }
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        int max = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        System.out.printf("unique=%d missing=%d total=%d duplicates=%d maxCopies=%d%n", counts.size(),
                expected - counts.size(), total, total - counts.size(), max);
    }
}
