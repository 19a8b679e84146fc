package dev.saemonitor.feedback;

import dev.saemonitor.console.Feedback;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.saemonitor.broker.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Reviews read back from a real (in-process KRaft) broker's feedback topic, as the console writes them. */
class FeedbackReaderTest {

    @Test
    void readsTheWholeTopicAndTheLastReviewOfAnEventAndCategoryCounts() throws Exception {
        try (EmbeddedKafka broker = EmbeddedKafka.start(3, List.of("safety.feedback", "empty"))) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < 40; i++) {
                    producer.send(record("ev-" + i, "deception", i % 2 == 0 ? "true_positive" : "false_positive"));
                }
                producer.send(record("ev-0", "deception", "false_positive")); // ev-0 changes its mind
                producer.send(record("ev-0", "bias", "unsure"));
                producer.flush();
            }
            List<Review> reviews = FeedbackReader.fromTopic(broker.bootstrapServers(), "safety.feedback", Duration.ofSeconds(30));
            assertThat(reviews).hasSize(41);
            assertThat(reviews).filteredOn(r -> r.eventId().equals("ev-0") && r.category().equals("deception"))
                    .singleElement().extracting(Review::label).isEqualTo(Feedback.Label.false_positive);
            assertThat(reviews).filteredOn(r -> r.label() == Feedback.Label.true_positive).hasSize(19);
            assertThat(FeedbackReader.fromTopic(broker.bootstrapServers(), "empty", Duration.ofSeconds(30))).isEmpty();
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>("empty", "x", "not json".getBytes(StandardCharsets.UTF_8))).get();
            }
            assertThatThrownBy(() -> FeedbackReader.fromTopic(broker.bootstrapServers(), "empty", Duration.ofSeconds(30)))
                    .hasMessageContaining("empty-").hasMessageContaining("not JSON");
        }
    }

    static ProducerRecord<String, byte[]> record(String eventId, String category, String label) {
        String json = "{\"eventId\":\"" + eventId + "\",\"category\":\"" + category + "\",\"label\":\"" + label
                + "\",\"reviewer\":\"bob\",\"time\":\"2026-12-02T03:00:00Z\",\"packVersion\":\"0.4.0\"}";
        return new ProducerRecord<>("safety.feedback", eventId, json.getBytes(StandardCharsets.UTF_8));
    }
}
