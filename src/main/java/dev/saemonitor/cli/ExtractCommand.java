package dev.saemonitor.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.saemonitor.activations.NpyWriter;
import dev.saemonitor.activations.TextActivations;
import dev.saemonitor.activations.TokenizedText;
import dev.saemonitor.scoring.SafetyScorer;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code extract}: texts → the reader's activations at the pack's layer as {@code <out>.npy}
 * (float32 [tokens, d]) plus {@code <out>.index.jsonl}: text id, token id and character span per row.
 */
@Command(name = "extract", mixinStandardHelpOptions = true,
        description = "Texts -> activations .npy [tokens, d] and a JSONL index of text id, token and span per row.")
public class ExtractCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    PackOptions packOptions;
    @Mixin
    TextInput input;
    @Option(names = {"-o", "--out"}, required = true, description = "output prefix: writes <out>.npy and <out>.index.jsonl")
    Path out;
    @Option(names = "--max-tokens", description = "stop after this many tokens (default: all)")
    long maxTokens = Long.MAX_VALUE;
    @Option(names = "--batch", description = "texts per reader batch (default: ${DEFAULT-VALUE})", defaultValue = "64")
    int batch;

    @Override
    public Integer call() throws Exception {
        Path npy = Path.of(out + ".npy");
        Path index = Path.of(out + ".index.jsonl");
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        dev.saemonitor.modelpack.ModelPack pack = packOptions.load();
        if (pack.externalReader()) {
            throw new BadInputException("pack " + packOptions.pack + " has an external reader: export its activations "
                    + "with the served model in this format (docs/byo-model.md, \"Exporting from a Hugging Face causal LM\")");
        }
        try (SafetyScorer scorer = SafetyScorer.open(pack, packOptions.settings());
             NpyWriter w = new NpyWriter(npy, scorer.reader().hiddenSize());
             BufferedWriter idx = Files.newBufferedWriter(index)) {
            Progress progress = new Progress(System.err, "tokens", maxTokens == Long.MAX_VALUE ? 0 : maxTokens);
            List<TextInput.Item> pending = new ArrayList<>();
            Exception[] failure = new Exception[1];
            input.forEach(System.in, item -> {
                if (failure[0] != null || w.rows() >= maxTokens) {
                    return;
                }
                pending.add(item);
                if (pending.size() >= batch) {
                    flush(scorer, pending, w, idx, progress, failure);
                }
            });
            flush(scorer, pending, w, idx, progress, failure);
            if (failure[0] != null) {
                throw failure[0];
            }
            progress.finish("-> " + npy + " [" + w.rows() + ", " + scorer.reader().hiddenSize() + "]");
        }
        return MonitorCli.OK;
    }

    private void flush(SafetyScorer scorer, List<TextInput.Item> items, NpyWriter w, BufferedWriter idx, Progress progress,
                       Exception[] failure) {
        if (items.isEmpty() || failure[0] != null) {
            items.clear();
            return;
        }
        try {
            List<String> texts = items.stream().map(TextInput.Item::text).toList();
            List<TokenizedText> toks = texts.stream().map(scorer.reader()::tokenize).toList();
            List<TextActivations> acts = scorer.reader().run(toks, packOptions.batchTokens);
            for (int i = 0; i < acts.size() && w.rows() < maxTokens; i++) {
                TextActivations a = acts.get(i);
                int n = (int) Math.min(a.tokens(), maxTokens - w.rows());
                String text = texts.get(i);
                int u16 = 0, cp = 0; // code-point offsets, advanced once along the text rather than recounted per token
                for (int t = 0; t < n; t++) {
                    ObjectNode row = JSON.createObjectNode();
                    row.put("row", w.rows() + t);
                    row.put("text", items.get(i).id());
                    row.put("token", toks.get(i).ids()[t]);
                    cp += text.codePointCount(u16, a.charStart()[t]);
                    u16 = a.charStart()[t];
                    row.put("start", cp);
                    row.put("end", cp + text.codePointCount(u16, a.charEnd()[t]));
                    idx.write(JSON.writeValueAsString(row));
                    idx.newLine();
                }
                w.append(a.rows(), 0, n);
                progress.add(n, null);
            }
        } catch (Exception e) {
            failure[0] = e;
        }
        items.clear();
    }
}
