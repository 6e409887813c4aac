package dev.reliant.bench;

import dev.reliant.simd.ConvBackwardKernels;
import dev.reliant.simd.ConvBackwardWeights;
import dev.reliant.simd.ConvKernels;
import dev.reliant.simd.ConvShape;
import dev.reliant.simd.Parallel;
import dev.reliant.simd.PreparedConv;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Each distinct convolution of ResNet20 (CIFAR-10, 32×32 input) at batch 64.
 *
 * <p>Useful work per call: 2 · batch · cout · outH · outW · cin · 9 FLOP (printed by
 * {@link BenchReport}); GFLOP/s = that / (score in ns).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ConvBenchmark {
    /** "cin-size-cout-stride": conv1, stage 1, stage 2 entry, stage 2, stage 3 entry, stage 3. */
    @Param({"3-32-16-1", "16-32-16-1", "16-32-32-2", "32-16-32-1", "32-16-64-2", "64-8-64-1"})
    public String layer;

    @Param({"1", "2"})
    public int threads;

    @Param({"64"})
    public int batch;

    private PreparedConv conv;
    private ConvBackwardWeights backwardWeights;
    private float[] in;
    private float[] out;
    private float[] gradOut;
    private float[] gradIn;
    private float[] gradWeight;

    /** Parses a layer parameter into its shape. */
    static ConvShape shapeOf(String layer) {
        String[] p = layer.split("-");
        int size = Integer.parseInt(p[1]);
        return ConvShape.of(Integer.parseInt(p[0]), size, size, Integer.parseInt(p[2]), 3, Integer.parseInt(p[3]), 1);
    }

    @Setup(Level.Trial)
    public void setUp() {
        ConvShape s = shapeOf(layer);
        Random rnd = new Random(1);
        float[] w = new float[s.weightCount()];
        for (int i = 0; i < w.length; i++) w[i] = rnd.nextFloat() - 0.5f;
        in = new float[batch * s.inputSize()];
        for (int i = 0; i < in.length; i++) in[i] = rnd.nextFloat();
        out = new float[batch * s.outputSize()];
        conv = ConvKernels.get().prepare(s, w, 0, null);
        backwardWeights = ConvBackwardKernels.get().prepare(s, w, 0);
        gradOut = new float[out.length];
        for (int i = 0; i < gradOut.length; i++) gradOut[i] = rnd.nextFloat() - 0.5f;
        gradIn = new float[in.length];
        gradWeight = new float[w.length];
        Parallel.setThreads(threads);
    }

    @Benchmark
    public float[] forward() {
        ConvKernels.get().forward(conv, in, 0, batch, out, 0);
        return out;
    }

    /** The input gradient (backward), the same FLOP count as the forward. */
    @Benchmark
    public float[] inputGradient() {
        ConvBackwardKernels.get().inputGradient(backwardWeights, gradOut, 0, batch, gradIn, 0);
        return gradIn;
    }

    /** The weight gradient (backward), the same FLOP count as the forward. */
    @Benchmark
    public float[] weightGradient() {
        ConvBackwardKernels.get().weightGradient(conv.shape(), in, 0, gradOut, 0, batch, gradWeight, 0);
        return gradWeight;
    }
}
