package dev.saemonitor.modelpack;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a pack.yaml {@code reader: {external: {modelId, layer, hook, dIn}}} and fills the reader's {@code id} and
 * {@code layer} from it, so every path that names the reader (the events' {@code readerId}, caches, verdicts) reads
 * the served model's. An external reader has no ONNX, tokenizer or windows: the served stack reads the text.
 */
final class ExternalReaderCheck {
    /** TransformerLens / SAELens residual hooks: {@code blocks.N.hook_resid_post} is after N+1 blocks, {@code _pre} after N. */
    private static final Pattern TL_RESID = Pattern.compile("blocks\\.(\\d+)\\.hook_resid_(pre|post)");

    private ExternalReaderCheck() {
    }

    static PackManifest normalised(Path file, PackManifest m) {
        PackManifest.Reader r = m.reader();
        PackManifest.External e = r.external();
        if (e.modelId() == null || e.modelId().isBlank()) {
            throw PackException.of(file, "reader.external.modelId missing: the model id events name as activations.readerId");
        }
        if (e.layer() < 1) {
            throw PackException.of(file, "reader.external.layer is " + e.layer()
                    + ", expected >= 1 (blocks applied: HF hidden_states[layer])");
        }
        if (e.dIn() < 1) {
            throw PackException.of(file, "reader.external.dIn is " + e.dIn() + ", expected the residual width (>= 1)");
        }
        if (e.hook() == null || e.hook().isBlank()) {
            throw PackException.of(file, "reader.external.hook missing: expected the hook name, e.g. blocks."
                    + (e.layer() - 1) + ".hook_resid_post for layer " + e.layer());
        }
        Matcher h = TL_RESID.matcher(e.hook());
        if (h.matches()) {
            int blocks = Integer.parseInt(h.group(1)) + (h.group(2).equals("post") ? 1 : 0);
            if (blocks != e.layer()) {
                throw PackException.of(file, "reader.external.hook " + e.hook() + " is after " + blocks
                        + " blocks, but reader.external.layer is " + e.layer() + " (expected layer " + blocks
                        + ": blocks.L.hook_resid_post is HF hidden_states[L+1])");
            }
        }
        for (String[] kv : new String[][] {{"onnx", r.onnx()}, {"tokenizer", r.tokenizer()}, {"family", r.family()},
                {"residualPattern", r.residualPattern()}, {"bos", r.bos()}}) {
            if (kv[1] != null) {
                throw PackException.of(file, "reader." + kv[0] + " is set beside reader.external; expected only "
                        + "reader.external (the served model reads the text, no ONNX reader runs)");
            }
        }
        if (r.id() != null && !r.id().equals(e.modelId())) {
            throw PackException.of(file, "reader.id must equal reader.external.modelId '" + e.modelId() + "'");
        }
        if (r.layer() != 0 && r.layer() != e.layer()) {
            throw PackException.of(file, "reader.layer is " + r.layer() + ", expected reader.external.layer " + e.layer());
        }
        return new PackManifest(m.name(), m.version(), r.withIdAndLayer(e.modelId(), e.layer()), m.sae(), m.catalog(),
                m.features(), m.eval(), m.files());
    }
}
