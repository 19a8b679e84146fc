package dev.saemonitor.calibration;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Cross-validation folds for conversations that share no text across folds: conversations that contain the same
 * turn text (short chat messages such as "ok" aside) are one component, and components are dealt to the
 * {@link HeadFitter#FOLDS} folds largest first, each to the emptiest fold. Folds by conversation alone would let a
 * benign text reused in several conversations be trained on and scored, which makes out-of-fold false-positive
 * rates (and the thresholds chosen on them) optimistic. When one component holds over half of the conversations
 * the folds fall back to one conversation per group, and say so.
 */
final class ConversationFolds {
    private ConversationFolds() {
    }

    /** Per conversation, a group id whose {@link HeadFitter#fold} is the conversation's fold. */
    static int[] groups(List<LabelledConversation> convs, Consumer<String> log) {
        int n = convs.size();
        int[] parent = IntStream.range(0, n).toArray();
        Map<String, Integer> firstSeen = new HashMap<>();
        for (int k = 0; k < n; k++) {
            for (LabelledConversation.Turn t : convs.get(k).turns()) {
                if (Calibrator.shortText(t.text())) {
                    continue;
                }
                Integer other = firstSeen.putIfAbsent(t.text(), k);
                if (other != null) {
                    parent[find(parent, k)] = find(parent, other);
                }
            }
        }
        Map<Integer, List<Integer>> components = new HashMap<>();
        for (int k = 0; k < n; k++) {
            components.computeIfAbsent(find(parent, k), r -> new ArrayList<>()).add(k);
        }
        List<List<Integer>> comps = new ArrayList<>(components.values());
        comps.sort(Comparator.comparingInt((List<Integer> c) -> -c.size()).thenComparingInt(c -> c.get(0)));
        int[] groupOfFold = groupPerFold();
        int[] out = new int[n];
        if (!comps.isEmpty() && comps.get(0).size() * 2 > n) {
            log.accept("conversation folds: " + comps.get(0).size() + " of " + n + " conversations share texts; "
                    + "folds by conversation (out-of-fold figures may be optimistic)");
            for (int k = 0; k < n; k++) {
                out[k] = k;
            }
            return out;
        }
        int[] size = new int[HeadFitter.FOLDS];
        for (List<Integer> comp : comps) {
            int f = 0;
            for (int g = 1; g < size.length; g++) {
                if (size[g] < size[f]) {
                    f = g;
                }
            }
            size[f] += comp.size();
            for (int k : comp) {
                out[k] = groupOfFold[f];
            }
        }
        return out;
    }

    /** For each fold, the smallest group id {@link HeadFitter#fold} sends there. */
    private static int[] groupPerFold() {
        int[] g = new int[HeadFitter.FOLDS];
        java.util.Arrays.fill(g, -1);
        for (int id = 0, found = 0; found < g.length; id++) {
            int f = HeadFitter.fold(id);
            if (g[f] < 0) {
                g[f] = id;
                found++;
            }
        }
        return g;
    }

    private static int find(int[] parent, int k) {
        while (parent[k] != k) {
            parent[k] = parent[parent[k]];
            k = parent[k];
        }
        return k;
    }
}
