package dev.reliant.bench;

import dev.reliant.simd.GemmKernels;
import dev.reliant.simd.PackedMatrix;
import dev.reliant.simd.Parallel;
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
 * SGEMM C = A·B with A packed once (as weights are), B packed per call.
 *
 * <p>Split over threads by {@link GemmKernels#multiplyParallel}. Useful work per call: 2·m·n·k FLOP; GFLOP/s = 2·m·n·k / (score in ns). Shapes: square
 * sizes and the per-image GEMMs of ResNet20's 3×3 convolutions (m = cout, k = cin·9, n = H·W).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmBenchmark {
    /** "m x n x k". */
    @Param({"64x64x64", "128x128x128", "256x256x256", "512x512x512", "1024x1024x1024",
            "16x1024x144", "32x256x288", "64x64x576"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private int m;
    private int n;
    private int k;
    private PackedMatrix a;
    private float[] b;
    private float[] c;

    @Setup(Level.Trial)
    public void setUp() {
        String[] parts = shape.split("x");
        m = Integer.parseInt(parts[0]);
        n = Integer.parseInt(parts[1]);
        k = Integer.parseInt(parts[2]);
        Random rnd = new Random(1);
        float[] dense = new float[m * k];
        for (int i = 0; i < dense.length; i++) dense[i] = rnd.nextFloat() - 0.5f;
        b = new float[k * n];
        for (int i = 0; i < b.length; i++) b[i] = rnd.nextFloat() - 0.5f;
        c = new float[m * n];
        a = GemmKernels.get().pack(dense, 0, m, k, k, null);
        Parallel.setThreads(threads);
    }

    @Benchmark
    public float[] sgemm() {
        GemmKernels.get().multiplyParallel(a, b, 0, n, n, c, 0, n);
        return c;
    }
}
