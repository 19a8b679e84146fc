package dev.saemonitor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A realistic length mix for benchmarks: mostly single prompts and completions (tens of tokens), some
 * multi-paragraph completions (hundreds), a few long documents (over one reader window).
 */
public final class BenchTraffic {
    private BenchTraffic() {
    }

    public static List<String> texts(Path labelledJsonl, int n, long seed) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> pool = new ArrayList<>();
        for (String line : Files.readAllLines(labelledJsonl)) {
            if (!line.isBlank()) {
                JsonNode node = json.readTree(line);
                pool.add(node.path("text").asText());
            }
        }
        if (pool.isEmpty()) {
            throw new IllegalArgumentException(labelledJsonl + " holds no texts");
        }
        Random r = new Random(seed);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            int parts = u < 0.75 ? 1 : u < 0.95 ? 3 + r.nextInt(5) : 15 + r.nextInt(15);
            StringBuilder sb = new StringBuilder();
            for (int p = 0; p < parts; p++) {
                if (p > 0) {
                    sb.append("\n\n");
                }
                sb.append(pool.get(r.nextInt(pool.size())));
            }
            out.add(sb.toString());
        }
        return out;
    }
}
