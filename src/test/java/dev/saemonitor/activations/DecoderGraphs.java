package dev.saemonitor.activations;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A decoder-LM reader graph with random weights, named as the TorchScript-based exporter names a Llama
 * ({@code /model/layers.N/...}) or a GPT-2 ({@code /transformer/h.N/...}), with the inputs such exports take
 * ({@code position_ids}, a past key fed empty, {@code use_cache_branch}). Its "attention" is a causal running sum:
 * each position mixes in everything before it and nothing after, so window starts and causality show in the
 * numbers. {@link #reference} computes the same blocks in Java.
 */
final class DecoderGraphs {
    static final int VOCAB = 30522, D = 8, MAX_POS = 512;
    static final float MIX = 0.1f;

    final int layers;
    final float[] embed, pos;
    final float[][] attn, mlp;

    DecoderGraphs(int layers, long seed) {
        this.layers = layers;
        Random r = new Random(seed);
        embed = random(r, VOCAB * D);
        pos = random(r, MAX_POS * D);
        attn = new float[layers][];
        mlp = new float[layers][];
        for (int l = 0; l < layers; l++) {
            attn[l] = random(r, D * D);
            mlp[l] = random(r, D * D);
        }
    }

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * 0.5);
        }
        return a;
    }

    /** Writes the graph; {@code scope} is "/model/layers." (llama) or "/transformer/h." (gpt2). */
    Path write(Path file, String scope) throws IOException {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("decoder");
        g.addInput(input("input_ids", OnnxMl.TensorProto.DataType.INT64, "batch", "seq"));
        g.addInput(input("attention_mask", OnnxMl.TensorProto.DataType.INT64, "batch", "seq"));
        g.addInput(input("position_ids", OnnxMl.TensorProto.DataType.INT64, "batch", "seq"));
        g.addInput(input("past_key_values.0.key", OnnxMl.TensorProto.DataType.FLOAT, "batch", 2, "past_sequence_length", 4));
        g.addInput(input("use_cache_branch", OnnxMl.TensorProto.DataType.BOOL, 1));
        g.addInitializer(tensor("embed", embed, VOCAB, D));
        g.addInitializer(tensor("pos", pos, MAX_POS, D));
        g.addInitializer(tensor("mix", new float[] {MIX}));
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("axis").setDataType(OnnxMl.TensorProto.DataType.INT64_VALUE)
                .addInt64Data(1).build());
        node(g, "/model/embed_tokens/Gather", "Gather", new String[] {"embed", "input_ids"}, "tok");
        node(g, "/model/embed_positions/Gather", "Gather", new String[] {"pos", "position_ids"}, "pe");
        node(g, "/model/Add", "Add", new String[] {"tok", "pe"}, "h0a");
        // the past is empty: its sum is 0, but the input is consumed, as a real export's is
        node(g, "/model/past/ReduceSum", "ReduceSum", new String[] {"past_key_values.0.key"}, "past_sum");
        node(g, "/model/Add_past", "Add", new String[] {"h0a", "past_sum"}, "h0");
        String h = "h0";
        for (int l = 0; l < layers; l++) {
            String s = scope + l + "/";
            g.addInitializer(tensor("attn" + l, attn[l], D, D));
            g.addInitializer(tensor("mlp" + l, mlp[l], D, D));
            node(g, s + "self_attn/MatMul", "MatMul", new String[] {h, "attn" + l}, s + "self_attn/MatMul_output_0");
            node(g, s + "self_attn/CumSum", "CumSum", new String[] {s + "self_attn/MatMul_output_0", "axis"}, s + "self_attn/CumSum_output_0");
            node(g, s + "self_attn/Mul", "Mul", new String[] {s + "self_attn/CumSum_output_0", "mix"}, s + "self_attn/Mul_output_0");
            node(g, s + "Add", "Add", new String[] {h, s + "self_attn/Mul_output_0"}, s + "Add_output_0");
            node(g, s + "mlp/MatMul", "MatMul", new String[] {s + "Add_output_0", "mlp" + l}, s + "mlp/MatMul_output_0");
            node(g, s + "mlp/Relu", "Relu", new String[] {s + "mlp/MatMul_output_0"}, s + "mlp/Relu_output_0");
            node(g, s + "Add_1", "Add", new String[] {s + "Add_output_0", s + "mlp/Relu_output_0"}, s + "Add_1_output_0");
            h = s + "Add_1_output_0";
        }
        node(g, "/model/norm/Identity", "Identity", new String[] {h}, "last_hidden_state");
        g.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("last_hidden_state").setType(floatType()));
        OnnxMl.ModelProto m = OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("sae-monitor-test")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).setGraph(g).build();
        Files.write(file, m.toByteArray());
        return file;
    }

    /** Block {@code layer}'s output (layer = blocks applied) of every position of {@code ids}, run alone. */
    float[][] reference(long[] ids, int layer) {
        int t = ids.length;
        float[][] h = new float[t][D];
        for (int i = 0; i < t; i++) {
            for (int d = 0; d < D; d++) {
                h[i][d] = embed[(int) ids[i] * D + d] + pos[i * D + d];
            }
        }
        for (int l = 0; l < layer; l++) {
            float[][] a = matmul(h, attn[l]);
            float[] run = new float[D];
            float[][] h1 = new float[t][D];
            for (int i = 0; i < t; i++) {
                for (int d = 0; d < D; d++) {
                    run[d] += a[i][d];
                    h1[i][d] = h[i][d] + run[d] * MIX;
                }
            }
            float[][] m = matmul(h1, mlp[l]);
            for (int i = 0; i < t; i++) {
                for (int d = 0; d < D; d++) {
                    h1[i][d] += Math.max(0, m[i][d]);
                }
            }
            h = h1;
        }
        return h;
    }

    private static float[][] matmul(float[][] x, float[] w) {
        float[][] out = new float[x.length][D];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < D; j++) {
                float s = 0;
                for (int k = 0; k < D; k++) {
                    s += x[i][k] * w[k * D + j];
                }
                out[i][j] = s;
            }
        }
        return out;
    }

    private static void node(OnnxMl.GraphProto.Builder g, String name, String op, String[] in, String out) {
        OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder().setName(name).setOpType(op).addOutput(out);
        for (String i : in) {
            n.addInput(i);
        }
        if (op.equals("ReduceSum")) {
            n.addAttribute(OnnxMl.AttributeProto.newBuilder().setName("keepdims").setType(OnnxMl.AttributeProto.AttributeType.INT).setI(0));
        }
        g.addNode(n);
    }

    private static OnnxMl.TypeProto floatType() {
        return OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                .setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)).build();
    }

    private static OnnxMl.ValueInfoProto input(String name, OnnxMl.TensorProto.DataType type, Object... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (Object d : dims) {
            shape.addDim(d instanceof String s ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(s)
                    : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue((Integer) d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))).build();
    }

    private static OnnxMl.TensorProto tensor(String name, float[] v, long... dims) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE);
        for (long d : dims) {
            t.addDims(d);
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return t.setRawData(com.google.protobuf.ByteString.copyFrom(b.array())).build();
    }
}
