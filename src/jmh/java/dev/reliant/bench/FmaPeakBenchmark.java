package dev.reliant.bench;

import dev.reliant.simd.FmaProbe;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-core FMA peak: the kernels of {@link FmaProbe} ({@value FmaProbe#CHAINS} independent
 * chains of {@code acc = fma(acc, a, b)}, no memory traffic) as JMH benchmarks. This is the
 * ceiling for every float kernel's GFLOP/s in docs/performance.md.
 *
 * <p><b>Units.</b> One "operation" is one floating-point operation: each benchmark declares
 * {@code @OperationsPerInvocation(ITERATIONS × CHAINS × lanes × 2)} (an FMA is 2 FLOP per lane).
 * With the output unit of nanoseconds, the score in ops/ns <em>is</em> GFLOP/s. With another
 * unit ({@code -tu s}), GFLOP/s = score in ops/s / 10^9.
 *
 * <p><b>Peak for comparison.</b> FLOP/cycle = GFLOP/s / clock in GHz. An AVX2 core with two FMA
 * units does 2 × 8 lanes × 2 = 32 FLOP/cycle with 256-bit vectors; an AVX-512 core with two
 * 512-bit FMA units 64 FLOP/cycle with 512-bit vectors; scalar FMAs 2 × 2 = 4 FLOP/cycle.
 *
 * <p>Run: {@code mvn -B -Pjmh package}, then
 * {@code java --add-modules jdk.incubator.vector -jar target/benchmarks.jar FmaPeak}. On a CPU
 * without AVX-512, {@code fmaSimd512} runs the Vector API's slow Java fallback: select the others
 * with {@code 'FmaPeak.fma(Plain|Simd256)'}. Every benchmark runs in its own fork, so the vector
 * shapes do not share a JVM (mixed shapes make the JIT's type profiles of shared Vector API
 * methods polymorphic).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FmaPeakBenchmark {
    /** Loop iterations per call. */
    static final int ITERATIONS = 4096;

    /** FLOP per call of a kernel with the given lanes. */
    private static final int FLOP_PLAIN = ITERATIONS * FmaProbe.CHAINS * 2;
    private static final int FLOP_128 = ITERATIONS * FmaProbe.CHAINS * 4 * 2;
    private static final int FLOP_256 = ITERATIONS * FmaProbe.CHAINS * 8 * 2;
    private static final int FLOP_512 = ITERATIONS * FmaProbe.CHAINS * 16 * 2;

    /** The chains' start value; a field, so the JIT cannot fold the loop. */
    public float x = 0.5f;

    /** Scalar {@code Math.fma} chains (the plain-Java twin). */
    @Benchmark
    @OperationsPerInvocation(FLOP_PLAIN)
    public float fmaPlain() {
        return FmaProbe.fmaPlain(ITERATIONS, x);
    }

    /** Vector API, 128-bit vectors (4 float lanes). */
    @Benchmark
    @OperationsPerInvocation(FLOP_128)
    public float fmaSimd128() {
        return FmaProbe.fmaSimd128(ITERATIONS, x);
    }

    /** Vector API, 256-bit vectors (8 float lanes): the AVX2 width the runtime's kernels use. */
    @Benchmark
    @OperationsPerInvocation(FLOP_256)
    public float fmaSimd256() {
        return FmaProbe.fmaSimd256(ITERATIONS, x);
    }

    /** Vector API, 512-bit vectors (16 float lanes): AVX-512 CPUs only. */
    @Benchmark
    @OperationsPerInvocation(FLOP_512)
    public float fmaSimd512() {
        return FmaProbe.fmaSimd512(ITERATIONS, x);
    }
}
