package dev.saemonitor.activations;

import ai.onnx.proto.OnnxMl;
import dev.saemonitor.modelpack.PackException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites a reader graph so that its only output is the residual stream after {@code layer} blocks, cast to
 * float32. Dropping the final output lets ONNX Runtime prune every later block, so a shallow layer also runs
 * faster. Encoders (BERT-style) and decoder LMs as the usual exporters write them ({@link ReaderFamily}); a
 * decoder's {@code position_ids} are fed, its past-key-value inputs fed empty (past length 0) and a merged
 * decoder's {@code use_cache_branch} false, so the graph computes the whole window from scratch.
 *
 * <p>Dynamically quantised graphs ({@code DynamicQuantizeLinear}) choose one quantisation scale per
 * tensor, so a window's activations change with whatever else is in its batch (measured: 12% relative
 * L2 error on all-MiniLM-L6-v2-q). Such readers are flagged {@code batchDependent} and run one window
 * per call, so a text's verdict never depends on its neighbours.
 */
final class ReaderGraph {
    static final List<String> REQUIRED_INPUTS = List.of("input_ids", "attention_mask");
    static final String OUTPUT = "sae_monitor_residual";

    private ReaderGraph() {
    }

    /**
     * An input fed a fixed tensor: past keys/values with their declared shape, batch taken from the run and the
     * past length 0 ({@code shape[i] == -1}: the batch), or a boolean scalar.
     */
    record FixedInput(String name, int elemType, long[] shape) {
    }

    /** The model bytes with the layer's tensor as the single graph output, and what the graph's inputs need. */
    record Exposed(byte[] model, String outputName, boolean hasTokenTypeIds, int layerCount, boolean batchDependent,
                   ReaderFamily family, boolean hasPositionIds, List<FixedInput> fixed) {
        boolean causal() {
            return family.causal();
        }
    }

    static Exposed expose(Path onnx, int layer) {
        return expose(onnx, layer, null, null);
    }

    /**
     * @param family  the reader's family (null: detected from the node names)
     * @param pattern the residual-stream tensor names, one group for the 0-based block (null: the family's)
     */
    static Exposed expose(Path onnx, int layer, ReaderFamily family, String pattern) {
        OnnxMl.ModelProto model;
        try {
            model = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(onnx));
        } catch (IOException e) {
            throw PackException.of(onnx, "not a readable ONNX model (" + e.getMessage() + ")");
        }
        OnnxMl.GraphProto g = model.getGraph();
        Set<String> inputs = new TreeSet<>();
        g.getInputList().forEach(i -> inputs.add(i.getName()));
        for (String req : REQUIRED_INPUTS) {
            if (!inputs.contains(req)) {
                throw PackException.of(onnx, "graph inputs are " + inputs + ", expected " + REQUIRED_INPUTS
                        + " (and optionally token_type_ids, position_ids, past_key_values.*)");
            }
        }
        if (pattern != null && family == null) {
            throw PackException.of(onnx, "reader.residualPattern is set: name reader.family too (bert, llama or gpt2), "
                    + "it says whether attention is causal");
        }
        if (family == null) {
            family = detect(g, onnx);
        }
        Pattern residual = pattern != null ? Pattern.compile(pattern) : family.residual();
        Set<Integer> layers = new TreeSet<>();
        String name = null;
        boolean dynamicQuant = false;
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            dynamicQuant |= n.getOpType().equals("DynamicQuantizeLinear");
            for (String out : n.getOutputList()) {
                Matcher m = residual.matcher(out);
                if (m.matches()) {
                    int l = Integer.parseInt(m.group(1)) + 1;
                    layers.add(l);
                    name = l == layer ? out : name;
                }
            }
        }
        if (name == null) {
            throw PackException.of(onnx, "no residual-stream output for layer " + layer + "; the graph exposes layers "
                    + layers + " (" + family + " tensors named like " + residual.pattern() + ", layer = block + 1)");
        }
        OnnxMl.NodeProto cast = OnnxMl.NodeProto.newBuilder().setName("sae_monitor_cast").setOpType("Cast")
                .addInput(name).addOutput(OUTPUT).addAttribute(OnnxMl.AttributeProto.newBuilder().setName("to")
                        .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(OnnxMl.TensorProto.DataType.FLOAT.getNumber()))
                .build();
        OnnxMl.ValueInfoProto out = OnnxMl.ValueInfoProto.newBuilder().setName(OUTPUT)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())))
                .build();
        OnnxMl.GraphProto.Builder gb = g.toBuilder().clearOutput().addNode(cast).addOutput(out);
        byte[] bytes = model.toBuilder().setGraph(gb).build().toByteArray();
        return new Exposed(bytes, OUTPUT, inputs.contains("token_type_ids"), layers.size(), dynamicQuant, family,
                inputs.contains("position_ids"), fixedInputs(g, onnx));
    }

    /** The family whose residual names the graph has; refused when none (or more than one) matches. */
    static ReaderFamily detect(OnnxMl.GraphProto g, Path onnx) {
        List<ReaderFamily> found = new ArrayList<>();
        for (ReaderFamily f : ReaderFamily.values()) {
            boolean any = g.getNodeList().stream().flatMap(n -> n.getOutputList().stream())
                    .anyMatch(o -> f.residual().matcher(o).matches());
            if (any) {
                found.add(f);
            }
        }
        if (found.size() != 1) {
            throw PackException.of(onnx, (found.isEmpty() ? "no node names of a known reader family"
                    : "node names of several reader families " + found) + " (bert /encoder/layer.N/, llama "
                    + "/model/layers.N/, gpt2 /transformer/h.N/); set reader.family and reader.residualPattern in pack.yaml");
        }
        return found.get(0);
    }

    /** Past keys/values (fed empty) and {@code use_cache_branch} (fed false); other unknown inputs are refused. */
    static List<FixedInput> fixedInputs(OnnxMl.GraphProto g, Path onnx) {
        Set<String> initializers = new TreeSet<>();
        g.getInitializerList().forEach(t -> initializers.add(t.getName()));
        List<FixedInput> out = new ArrayList<>();
        for (OnnxMl.ValueInfoProto in : g.getInputList()) {
            String n = in.getName();
            if (initializers.contains(n) || REQUIRED_INPUTS.contains(n) || n.equals("token_type_ids") || n.equals("position_ids")) {
                continue;
            }
            OnnxMl.TypeProto.Tensor t = in.getType().getTensorType();
            if (n.equals("use_cache_branch")) {
                out.add(new FixedInput(n, t.getElemType(), new long[] {1}));
            } else if (n.startsWith("past_key_values") || n.startsWith("past.") || n.startsWith("past_")) {
                List<OnnxMl.TensorShapeProto.Dimension> dims = t.getShape().getDimList();
                long[] shape = new long[dims.size()];
                int symbolic = 0;
                for (int i = 0; i < dims.size(); i++) {
                    if (i == 0) {
                        shape[i] = -1;
                    } else if (dims.get(i).hasDimValue()) {
                        shape[i] = dims.get(i).getDimValue();
                    } else {
                        shape[i] = 0;
                        symbolic++;
                    }
                }
                if (symbolic != 1) {
                    throw PackException.of(onnx, "input " + n + " has " + symbolic + " symbolic dimensions besides the "
                            + "batch, expected exactly one (the past length, fed 0); export with static head dimensions");
                }
                out.add(new FixedInput(n, t.getElemType(), shape));
            } else {
                throw PackException.of(onnx, "graph input " + n + " is not one a reader is fed (input_ids, attention_mask, "
                        + "token_type_ids, position_ids, past_key_values.*, use_cache_branch)");
            }
        }
        return out;
    }
}
