package dev.saemonitor.activations;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The tensors a decoder reader's extra inputs are fed: empty past keys/values, {@code use_cache_branch = false}. */
final class FixedTensors {
    private FixedTensors() {
    }

    static OnnxTensor of(OrtEnvironment env, ReaderGraph.FixedInput f, int batch) throws OrtException {
        long[] shape = f.shape().clone();
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shape[i] < 0 ? batch : shape[i];
            elements *= shape[i];
        }
        OnnxJavaType type = switch (OnnxMl.TensorProto.DataType.forNumber(f.elemType())) {
            case FLOAT -> OnnxJavaType.FLOAT;
            case FLOAT16 -> OnnxJavaType.FLOAT16;
            case BFLOAT16 -> OnnxJavaType.BFLOAT16;
            case BOOL -> OnnxJavaType.BOOL;
            case null, default -> throw new OrtException("reader input " + f.name() + " has element type " + f.elemType()
                    + ", expected float, float16, bfloat16 or bool");
        };
        // zero elements for a past of length 0; false for a boolean flag
        ByteBuffer buf = ByteBuffer.allocateDirect((int) (elements * Math.max(1, type.size))).order(ByteOrder.nativeOrder());
        return OnnxTensor.createTensor(env, buf, shape, type);
    }
}
