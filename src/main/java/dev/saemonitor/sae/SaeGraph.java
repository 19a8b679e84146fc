package dev.saemonitor.sae;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.modelpack.SaeWeights;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds the SAE encoder as an ONNX graph from the pack's weights, so ONNX Runtime runs it (CPU or
 * CUDA) beside the reader. Input {@code x [N, d_in]}. Outputs, by architecture:
 * <ul>
 *   <li>topk: {@code values [N, k]}, {@code indices [N, k]} — relu(TopK(pre));</li>
 *   <li>relu / jumprelu: {@code coords [nnz, 2]} (row, feature) and {@code values [nnz]} —
 *       NonZero of the activations, so the dense {@code [N, d_sae]} never leaves the runtime.</li>
 * </ul>
 */
final class SaeGraph {
    static final String INPUT = "x";
    static final String VALUES = "values";
    static final String INDICES = "indices";
    static final String COORDS = "coords";

    private SaeGraph() {
    }

    static byte[] build(SaeWeights w) {
        int dIn = w.config().dIn(), dSae = w.config().dSae();
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("sae_encoder");
        g.addInput(valueInfo(INPUT, OnnxMl.TensorProto.DataType.FLOAT, "N", dIn));
        g.addInitializer(floats("W_enc", w.wEnc(), dIn, dSae));
        g.addInitializer(floats("b_enc", w.bEnc(), dSae));
        String x = INPUT;
        if (w.config().applyBDecToInput()) {
            g.addInitializer(floats("b_dec", w.bDec(), dIn));
            g.addNode(node("Sub", "centre", new String[] {x, "b_dec"}, "x_centred"));
            x = "x_centred";
        }
        g.addNode(node("MatMul", "encode", new String[] {x, "W_enc"}, "xw"));
        g.addNode(node("Add", "bias", new String[] {"xw", "b_enc"}, "pre"));
        SaeArchitecture arch = w.config().architecture();
        if (arch == SaeArchitecture.TOPK) {
            g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("k").setDataType(OnnxMl.TensorProto.DataType.INT64_VALUE)
                    .addDims(1).addInt64Data(w.config().k()));
            g.addNode(node("TopK", "topk", new String[] {"pre", "k"}, "top_values", INDICES));
            g.addNode(node("Relu", "relu", new String[] {"top_values"}, VALUES));
            g.addOutput(valueInfo(VALUES, OnnxMl.TensorProto.DataType.FLOAT, "N", w.config().k()));
            g.addOutput(valueInfo(INDICES, OnnxMl.TensorProto.DataType.INT64, "N", w.config().k()));
        } else {
            String acts = "acts";
            g.addNode(node("Relu", "relu", new String[] {"pre"}, "relu_pre"));
            if (arch == SaeArchitecture.JUMPRELU) {
                g.addInitializer(floats("threshold", w.threshold(), dSae));
                g.addNode(node("Greater", "gate", new String[] {"pre", "threshold"}, "open"));
                g.addNode(node("Cast", "gate_f", new String[] {"open"}, "open_f").toBuilder()
                        .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("to")
                                .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(OnnxMl.TensorProto.DataType.FLOAT_VALUE))
                        .build());
                g.addNode(node("Mul", "jump", new String[] {"relu_pre", "open_f"}, acts));
            } else {
                acts = "relu_pre";
            }
            g.addNode(node("NonZero", "nonzero", new String[] {acts}, "nz"));
            g.addNode(node("Transpose", "coords_t", new String[] {"nz"}, COORDS));
            g.addNode(node("GatherND", "gather", new String[] {acts, COORDS}, VALUES));
            g.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(COORDS).setType(tensorType(OnnxMl.TensorProto.DataType.INT64)));
            g.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(VALUES).setType(tensorType(OnnxMl.TensorProto.DataType.FLOAT)));
        }
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("sae-safety-monitor")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(g).build().toByteArray();
    }

    private static OnnxMl.NodeProto node(String op, String name, String[] inputs, String... outputs) {
        OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder().setOpType(op).setName(name);
        for (String i : inputs) {
            n.addInput(i);
        }
        for (String o : outputs) {
            n.addOutput(o);
        }
        return n.build();
    }

    private static OnnxMl.TensorProto floats(String name, float[] data, long... dims) {
        ByteBuffer bb = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(data);
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(bb.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static OnnxMl.TypeProto tensorType(OnnxMl.TensorProto.DataType type) {
        return OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber())).build();
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, OnnxMl.TensorProto.DataType type, String rows, long cols) {
        OnnxMl.TensorShapeProto shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(rows))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(cols)).build();
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))).build();
    }
}
