package dev.reliant.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.reliant.data.Dataset;
import dev.reliant.data.Datasets;
import dev.reliant.data.Normalization;
import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.simd.Parallel;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * The two engines compared on ResNet20 (akamaster weights): reliant's {@link Executor} (exact
 * options) and ONNX Runtime's Java API on the model written by {@link OnnxExport}, both on
 * {@code threads} threads (ORT: intra-op = threads, inter-op = 1), plus the CIFAR-10 test batch.
 */
final class ResNet20Engines implements AutoCloseable {
    static final Path CIFAR_DIR = Path.of("/work/shared/datasets/cifar10");
    static final int CLASSES = 10;

    final int batch;
    final float[] input;
    final Executor executor;
    final float[] reliantOut;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final OnnxTensor ortInput;

    ResNet20Engines(int batch, int threads) throws OrtException {
        this.batch = batch;
        Dataset test = Datasets.open("cifar10", CIFAR_DIR, "test");
        this.input = new float[batch * 3 * 32 * 32];
        test.batch(0, batch, Normalization.CIFAR, input, 0);

        Parallel.setThreads(threads);
        Graph graph = OnnxExport.resnet20();
        this.executor = new Executor(graph, Executor.Options.exact());
        this.reliantOut = new float[batch * CLASSES];

        byte[] model = OnnxExport.export(graph);
        this.env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(threads);
            opts.setInterOpNumThreads(1);
            opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            this.session = env.createSession(model, opts);
        }
        this.ortInput = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[] {batch, 3, 32, 32});
    }

    /** One reliant forward pass of the batch; returns the logits (reused array). */
    float[] runReliant() {
        executor.run(input, 0, batch, reliantOut, 0);
        return reliantOut;
    }

    /** One ORT forward pass of the batch; returns a checksum-friendly first logit. */
    float runOrt() throws OrtException {
        try (OrtSession.Result r = session.run(Map.of("input", ortInput))) {
            return ((OnnxTensor) r.get(0)).getFloatBuffer().get(0);
        }
    }

    /** The ORT logits of the batch, copied. */
    float[] ortLogits() throws OrtException {
        try (OrtSession.Result r = session.run(Map.of("input", ortInput))) {
            FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            return out;
        }
    }

    @Override
    public void close() throws OrtException {
        ortInput.close();
        session.close();
    }
}
