package dev.saemonitor.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.scoring.SafetyScorer;
import dev.saemonitor.scoring.ScoreRequest;
import dev.saemonitor.scoring.StageListener;
import dev.saemonitor.scoring.Verdict;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code score}: texts → one verdict JSON per line on stdout. */
@Command(name = "score", mixinStandardHelpOptions = true, description = "Score texts; prints one verdict JSON per line.")
public class ScoreCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    PackOptions packOptions;
    @Mixin
    TextInput input;
    @Option(names = "--all-evidence", description = "evidence for every category, not only flagged ones")
    boolean allEvidence;
    @Option(names = "--batch", description = "texts per batch (default: ${DEFAULT-VALUE})", defaultValue = "32")
    int batch;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (SafetyScorer scorer = SafetyScorer.open(packOptions.load(), packOptions.settings(), true)) {
            List<ScoreRequest> pending = new ArrayList<>();
            Exception[] failure = new Exception[1];
            input.forEach(System.in, item -> {
                pending.add(new ScoreRequest(item.id(), null, null, item.source() == null ? null
                        : item.source().path("role").asText(null), item.text(), null));
                if (pending.size() >= batch) {
                    flush(scorer, pending, out, failure);
                }
            });
            flush(scorer, pending, out, failure);
            if (failure[0] != null) {
                throw failure[0];
            }
        }
        return MonitorCli.OK;
    }

    private void flush(SafetyScorer scorer, List<ScoreRequest> pending, PrintWriter out, Exception[] failure) {
        if (pending.isEmpty() || failure[0] != null) {
            pending.clear();
            return;
        }
        try {
            long t0 = System.nanoTime();
            List<Verdict> vs = scorer.score(pending, allEvidence, StageListener.NONE);
            long ms = (System.nanoTime() - t0) / 1_000_000 / Math.max(1, vs.size());
            for (Verdict v : vs) {
                out.println(JSON.writeValueAsString(v.withLatency(ms)));
            }
            out.flush();
        } catch (Exception e) {
            failure[0] = e;
        }
        pending.clear();
    }
}
