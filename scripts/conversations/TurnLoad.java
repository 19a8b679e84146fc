import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes turn records straight to safety.turns (what the event pipeline writes per scored event), so conversation
 * state can be filled with many conversations without scoring their texts:
 * {@code java -cp kafka-clients.jar:slf4j-api.jar TurnLoad.java BOOTSTRAP CONVERSATIONS TURNS [HEAD_FEATURES]}.
 * Each turn carries 4 category scores, one evidence entry and HEAD_FEATURES pooled head features (default 16, the
 * order of what a conversation head keeps), like a real turn record of the default pack.
 */
public class TurnLoad {
    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        int conversations = Integer.parseInt(args[1]);
        int turns = Integer.parseInt(args[2]);
        int head = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        p.put("linger.ms", "20");
        p.put("batch.size", String.valueOf(256 * 1024));
        p.put("compression.type", "lz4");
        Random r = new Random(7);
        long t0 = System.nanoTime();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int t = 0; t < turns; t++) {
                for (int c = 0; c < conversations; c++) {
                    String conv = "load-" + c;
                    StringBuilder b = new StringBuilder(600);
                    b.append("{\"conversationId\":\"").append(conv).append("\",\"tenant\":\"load\",\"turn\":{\"eventId\":\"")
                            .append(conv).append("-").append(t).append("\",\"role\":\"").append(t % 2 == 0 ? "prompt" : "completion")
                            .append("\",\"timeMs\":").append(System.currentTimeMillis()).append(",\"tokens\":").append(20 + r.nextInt(200))
                            .append(",\"eventScores\":[");
                    for (int k = 0; k < 4; k++) {
                        b.append(k == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", r.nextDouble() * 0.5));
                    }
                    b.append("],\"features\":[");
                    int[] ids = r.ints(head, 0, 4096).sorted().distinct().toArray();
                    for (int k = 0; k < ids.length; k++) {
                        b.append(k == 0 ? "" : ",").append(ids[k]);
                    }
                    b.append("],\"values\":[");
                    for (int k = 0; k < ids.length; k++) {
                        b.append(k == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.3f", r.nextDouble() * 5));
                    }
                    b.append("],\"evidence\":[{\"category\":\"deception\",\"feature\":").append(ids.length > 0 ? ids[0] : 1)
                            .append(",\"label\":\"promise / guarantee\",\"activation\":2.5,\"span\":{\"start\":3,\"end\":40}}]}}");
                    producer.send(new ProducerRecord<>("safety.turns", conv, b.toString()));
                }
            }
            producer.flush();
        }
        System.out.printf("wrote %d turn records (%d conversations x %d turns) in %.1f s%n", (long) conversations * turns,
                conversations, turns, (System.nanoTime() - t0) / 1e9);
    }
}
