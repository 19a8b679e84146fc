package dev.saemonitor.training;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * The encoder's dense matmul {@code pre = x W + b} run by ONNX Runtime's SGEMM, with the weights fed as
 * inputs because they change every step. Plain Java loops reach a few GFLOP/s (no explicit SIMD
 * without the incubating Vector API); MLAS uses AVX2/AVX-512 kernels, several times faster.
 */
final class OrtMatmul implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final int dIn;
    private final int dSae;

    OrtMatmul(int dIn, int dSae, int threads) throws OrtException {
        this.dIn = dIn;
        this.dSae = dSae;
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(threads);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            this.session = env.createSession(graph(dIn, dSae), o);
        }
    }

    /** {@code out[r * dSae + j] = b[j] + sum_i x[r * dIn + i] * w[i * dSae + j]} for {@code rows} rows. */
    void run(float[] x, int rows, float[] w, float[] b, float[] out) throws OrtException {
        try (OnnxTensor tx = OnnxTensor.createTensor(env, FloatBuffer.wrap(x, 0, rows * dIn), new long[] {rows, dIn});
             OnnxTensor tw = OnnxTensor.createTensor(env, FloatBuffer.wrap(w), new long[] {dIn, dSae});
             OnnxTensor tb = OnnxTensor.createTensor(env, FloatBuffer.wrap(b), new long[] {dSae});
             OrtSession.Result r = session.run(Map.of("x", tx, "w", tw, "b", tb))) {
            ((OnnxTensor) r.get(0)).getFloatBuffer().get(out, 0, rows * dSae);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }

    private static byte[] graph(int dIn, int dSae) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("sae_train_encode");
        g.addInput(info("x", "N", dIn));
        g.addInput(info("w", dIn, dSae));
        g.addInput(info("b", dSae));
        g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").setName("mm").addInput("x").addInput("w").addOutput("xw"));
        g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Add").setName("add").addInput("xw").addInput("b").addOutput("pre"));
        g.addOutput(info("pre", "N", dSae));
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("sae-safety-monitor")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(g).build().toByteArray();
    }

    private static OnnxMl.ValueInfoProto info(String name, Object... dims) {
        OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
        for (Object d : dims) {
            var dim = OnnxMl.TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String p) {
                dim.setDimParam(p);
            } else {
                dim.setDimValue(((Number) d).longValue());
            }
            s.addDim(dim);
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE).setShape(s))).build();
    }
}
