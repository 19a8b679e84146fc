package dev.saemonitor.calibration;

import dev.saemonitor.conversation.ConversationScorer;
import dev.saemonitor.conversation.TurnFeatures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The rows a conversation head is fitted on, each what {@link ConversationScorer#pool} reads from a conversation
 * after some turn: a labelled conversation after its last turn, and a benign one after every turn (the service
 * scores every prefix, so every prefix of a benign conversation is a chance to page falsely). A positive's
 * earlier prefixes are left out: labels do not say when its harm is complete.
 *
 * @param value      per row, per slot of the scorer's turn features: the window's max turn value
 * @param joinedLogit per row, per category: the event head applied across the window's turns ({@code J})
 * @param group      per row, its conversation's group ({@link ConversationFolds}: folds share no text)
 */
record ConversationRows(float[][] value, double[][] joinedLogit, int[] group, List<Set<String>> labels) {

    static ConversationRows of(ConversationScorer scorer, List<LabelledConversation> convs, List<List<TurnFeatures>> turns,
                               int[] convGroup) {
        List<float[]> value = new ArrayList<>();
        List<double[]> event = new ArrayList<>();
        List<Integer> group = new ArrayList<>();
        List<Set<String>> labels = new ArrayList<>();
        for (int k = 0; k < convs.size(); k++) {
            List<TurnFeatures> ts = turns.get(k);
            int first = convs.get(k).benign() ? 1 : ts.size();
            for (int t = first; t <= ts.size(); t++) {
                ConversationScorer.Pooled p = scorer.pool(ts.subList(0, t));
                value.add(p.value());
                event.add(p.joinedLogit());
                group.add(convGroup[k]);
                labels.add(convs.get(k).labels());
            }
        }
        return new ConversationRows(value.toArray(float[][]::new), event.toArray(double[][]::new),
                group.stream().mapToInt(Integer::intValue).toArray(), List.copyOf(labels));
    }

    int size() {
        return group.length;
    }

    boolean[] labelled(String category) {
        boolean[] y = new boolean[size()];
        for (int r = 0; r < y.length; r++) {
            y[r] = labels.get(r).contains(category);
        }
        return y;
    }

    boolean benign(int r) {
        return labels.get(r).isEmpty();
    }

    /** Columns: the given slots' pooled values, then category {@code c}'s joined logit (last column). */
    double[][] design(int[] slots, int c) {
        double[][] x = new double[size()][slots.length + 1];
        for (int r = 0; r < x.length; r++) {
            for (int j = 0; j < slots.length; j++) {
                x[r][j] = value[r][slots[j]];
            }
            x[r][slots.length] = joinedLogit[r][c];
        }
        return x;
    }

    /** Per slot of the scorer's turn features: the share of benign conversations' turns it fires in. */
    double[] benignTurnShare(List<List<TurnFeatures>> turns, List<LabelledConversation> convs, int[] turnFeatures) {
        double[] fired = new double[turnFeatures.length];
        int n = 0;
        for (int k = 0; k < convs.size(); k++) {
            if (!convs.get(k).benign()) {
                continue;
            }
            for (TurnFeatures t : turns.get(k)) {
                n++;
                for (int i = 0; i < t.features().length; i++) {
                    int s = Arrays.binarySearch(turnFeatures, t.features()[i]);
                    if (s >= 0 && t.values()[i] > 0) {
                        fired[s]++;
                    }
                }
            }
        }
        for (int s = 0; s < fired.length; s++) {
            fired[s] = n == 0 ? 0 : fired[s] / n;
        }
        return fired;
    }
}
