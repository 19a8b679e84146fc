import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.conversation.state.ConversationState;
import dev.saemonitor.conversation.state.StateCodec;
import dev.saemonitor.conversation.TurnFeatures;
import dev.saemonitor.publish.TurnRecord;
import dev.saemonitor.scoring.Verdict;
import java.nio.ByteBuffer;
import java.util.*;

/**
 * Times what conversation state does with bytes on every turn: decode and re-encode a conversation's stored state
 * (16 turns, the default max-turns, each with 4 category scores, 16 head features and 4 x 32 segment terms, like a
 * turn of the default pack) and write and read one turn record; the JSON layout earlier builds used against the
 * binary one. From the repository root, after a build:
 * {@code java -cp "target/classes:$(./mvnw -q -o dependency:build-classpath -Dmdep.outputFile=/dev/stdout)" scripts/conversations/CodecBench.java}
 */
public class CodecBench {
    public static void main(String[] a) throws Exception {
        Random r = new Random(1);
        ConversationState s = ConversationState.empty("t");
        for (int i = 0; i < 16; i++) s = s.plus(turn(r, "evt-" + i), "t", 1000 + i, 16);
        ObjectMapper json = new ObjectMapper().configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        TurnRecord rec = new TurnRecord("conv-123", "t", turn(r, "evt-x"), new Verdict.Source("llm.events", 1, 99));
        for (int round = 0; round < 3; round++) {
            int n = 20000;
            long t0 = System.nanoTime(); long sz = 0;
            for (int i = 0; i < n; i++) { byte[] j = json.writeValueAsBytes(s); byte[] v = ByteBuffer.allocate(8 + j.length).putLong(1).put(j).array(); ConversationState b = StateCodec.decode(v); sz = v.length; }
            long t1 = System.nanoTime();
            long bz = 0;
            for (int i = 0; i < n; i++) { byte[] v = StateCodec.encode(s); ConversationState b = StateCodec.decode(v); bz = v.length; }
            long t2 = System.nanoTime();
            for (int i = 0; i < n; i++) { byte[] j = json.writeValueAsBytes(rec); json.readValue(j, TurnRecord.class); }
            long t3 = System.nanoTime();
            for (int i = 0; i < n; i++) { TurnRecord.fromBytes(rec.toBytes()); }
            long t4 = System.nanoTime();
            System.out.printf("16-turn state encode+decode: JSON %.1f us (%d B), binary %.1f us (%d B); turn record: JSON %.1f us (%d B), binary %.1f us (%d B)%n",
                (t1-t0)/1e3/n, sz, (t2-t1)/1e3/n, bz, (t3-t2)/1e3/n, json.writeValueAsBytes(rec).length, (t4-t3)/1e3/n, rec.toBytes().length);
        }
    }
    static TurnFeatures turn(Random r, String id) {
        int f = 16;
        int[] feats = new int[f]; float[] vals = new float[f]; List<Verdict.Span> spans = new ArrayList<>();
        for (int i = 0; i < f; i++) { feats[i] = i * 97; vals[i] = r.nextFloat(); spans.add(new Verdict.Span(i, i + 5)); }
        float[][] terms = new float[4][32]; for (float[] t : terms) for (int i = 0; i < t.length; i++) t[i] = r.nextFloat();
        List<Verdict.Span> seg = new ArrayList<>(); for (int i = 0; i < 4; i++) seg.add(new Verdict.Span(0, 100));
        return new TurnFeatures(id, "prompt", System.currentTimeMillis(), 120, new double[] {r.nextDouble(), r.nextDouble(), r.nextDouble(), r.nextDouble()},
            feats, vals, List.of(new Verdict.Evidence("bias", 3, "some label", 1.25, new Verdict.Span(0, 4))), spans, terms, new int[] {32, 32, 32, 32}, seg);
    }
}
