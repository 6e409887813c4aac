package dev.reliant.simd;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.FMA;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures the single-core fused multiply-add throughput of this machine: the ceiling that
 * every float kernel of the runtime is compared with (docs/performance.md).
 *
 * <p>The probe runs {@value #CHAINS} independent accumulator chains, each doing
 * {@code acc = acc.fma(a, b)} in a loop, with no memory traffic. With enough independent chains
 * to cover the FMA latency on every FMA unit, the loop is bound by the FMA issue rate alone:
 * <pre>
 *   FLOP/s = iterations × chains × lanes × 2 / seconds
 * </pre>
 * The chains converge towards the fixed point {@code b / (1 - a)} ≈ 1, so the values stay
 * normal floats (no overflow, no subnormals that could slow down the FPU). Each kernel returns
 * a checksum of all accumulators that the caller consumes, so the JIT cannot drop the loop.
 *
 * <p>Variants: the Vector API with 128-, 256- or 512-bit vectors, and a plain-Java twin of
 * scalar {@link Math#fma(float, float, float)} chains, which is what runs when
 * {@link Simd#enabled()} is false. {@link Variant#active()} picks the widest shape the Vector API
 * prefers on this machine, or plain. The Vector API classes are only touched by the SIMD
 * variants, so this class loads without the incubator module.
 *
 * <p>The vector kernels call {@code lanewise(FMA, a, b)} rather than {@code fma(a, b)}: the
 * JIT's type profile of a call site inside the shared {@code FloatVector.fma} method would
 * otherwise record every vector shape the probe uses, and once three shapes have been seen
 * (Float128Vector, Float256Vector, Float512Vector) the call site is megamorphic and every
 * kernel compiled afterwards that calls {@code fma} loses its intrinsics (measured: 100× slower).
 * Own call sites keep the probe's profiles to itself. Kernels of the runtime should stick to one
 * vector shape for the same reason.
 *
 * <p>The measured figure is the calling thread's (one core's) throughput; the CPU clock rate is
 * not measured, so FLOP per cycle is not derived here.
 */
public final class FmaProbe {
    /** Independent accumulator chains per kernel (≥ FMA latency × FMA units on current CPUs). */
    public static final int CHAINS = 12;

    /** Loop iterations per kernel call in {@link #measure(long, Variant)}. */
    static final int ITERATIONS_PER_CALL = 1 << 12;

    /** Upper bound of the warm-up for short probes, in milliseconds. */
    static final long MAX_WARMUP_MILLIS = 3000;

    private static final float A = 0.99999f;
    private static final float B = 1e-5f;

    /** Keeps checksums reachable from outside the probe. */
    private static volatile double sink;
    /** The kernels' seed, read from a volatile so the JIT cannot treat it as a constant. */
    private static volatile float seed = 0.5f;

    private FmaProbe() {}

    /** The kernel variants. */
    public enum Variant {
        /** Scalar {@link Math#fma(float, float, float)} chains (the plain-Java twin). */
        PLAIN(0),
        /** Vector API, 128-bit vectors (4 float lanes). */
        SIMD_128(128),
        /** Vector API, 256-bit vectors (8 float lanes). */
        SIMD_256(256),
        /** Vector API, 512-bit vectors (16 float lanes). */
        SIMD_512(512);

        private final int bits;

        Variant(int bits) {
            this.bits = bits;
        }

        /** Vector width in bits; 0 for the scalar variant. */
        public int bits() {
            return bits;
        }

        /** Float lanes per FMA instruction (1 for the scalar variant). */
        public int lanes() {
            return bits == 0 ? 1 : bits / Float.SIZE;
        }

        /** True for the Vector API variants. */
        public boolean isSimd() {
            return bits != 0;
        }

        /** A short label such as {@code simd 256-bit (8 float lanes)} or {@code plain (scalar Math.fma)}. */
        public String label() {
            return isSimd()
                    ? String.format(Locale.ROOT, "simd %d-bit (%d float lanes)", bits, lanes())
                    : "plain (scalar Math.fma)";
        }

        /**
         * The variant matching the runtime's kernels: the widest supported shape not wider than
         * the Vector API's preferred one when {@link Simd#enabled()}, otherwise {@link #PLAIN}.
         */
        public static Variant active() {
            if (!Simd.enabled()) {
                return PLAIN;
            }
            int preferred = VectorKernels.preferredBits();
            if (preferred >= 512) {
                return SIMD_512;
            }
            if (preferred >= 256) {
                return SIMD_256;
            }
            return preferred >= 128 ? SIMD_128 : PLAIN;
        }
    }

    /**
     * The outcome of one measurement.
     *
     * @param variant the kernel that ran
     * @param gflops the best throughput over the timed slices, in 10^9 FLOP/s
     * @param meanGflops the throughput over the whole timed window
     * @param flops floating-point operations in the timed window
     * @param seconds length of the timed window
     * @param slices timed slices (the figure is the best one)
     * @param checksum the sum of all accumulators (finite when the probe ran correctly)
     */
    public record Result(Variant variant, double gflops, double meanGflops, double flops,
            double seconds, int slices, double checksum) {
        /** One line for humans. */
        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                    "%.1f GFLOP/s (%s, %d chains; best of %d slices, mean %.1f GFLOP/s over %.2f s)",
                    gflops, variant.label(), CHAINS, slices, meanGflops, seconds);
        }
    }

    /**
     * Measures the FMA throughput of the active variant ({@link Variant#active()}) on the calling
     * thread and returns it in GFLOP/s. Takes about {@code millis} milliseconds, longer while the
     * JIT is still compiling (see {@link #measure(long, Variant)}).
     */
    public static double measureGflops(long millis) {
        return measure(millis).gflops();
    }

    /** Like {@link #measureGflops(long)}, with the details. */
    public static Result measure(long millis) {
        return measure(millis, Variant.active());
    }

    /**
     * Measures one variant on the calling thread. {@code millis} (at least 30) sets the time
     * budget: a third warms up the JIT, the rest is split into ten timed slices, and the best
     * slice's rate is reported as the peak (a slice hit by an interrupt or a late compilation
     * cannot lower it).
     *
     * <p>The Vector API is 10–1000 times slower before C2 has compiled the kernel, so the warm-up
     * goes on past its third of the budget until the kernel runs compiled and its rate is steady
     * over the last three warm-up slices (or at most {@value #MAX_WARMUP_MILLIS} ms, or twice the
     * budget if that is longer). A vector kernel runs compiled when it no longer allocates: the
     * interpreter and C1 box every vector, C2 keeps them in registers. For the scalar kernel the
     * sign is that the JIT has been idle for three slices. On a busy machine a short probe thus
     * takes longer instead of timing interpreted code.
     *
     * @throws IllegalArgumentException if a SIMD variant is asked for while the Vector API is not
     *     enabled
     * @throws IllegalStateException if the checksum is not finite (a broken FMA)
     */
    public static Result measure(long millis, Variant variant) {
        if (variant.isSimd() && !Simd.enabled()) {
            throw new IllegalArgumentException("FMA probe variant " + variant
                    + " needs the Vector API (" + Simd.implementation() + ")");
        }
        long total = Math.max(30, millis) * 1_000_000L;
        long minWarmup = total / 3;
        long maxWarmup = Math.max(MAX_WARMUP_MILLIS * 1_000_000L, 2 * total);
        double flopsPerCall = (double) ITERATIONS_PER_CALL * CHAINS * variant.lanes() * 2;
        double[] check = {0};

        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
        boolean allocCounted = variant.isSimd() && allocatedBytes() >= 0;
        long warmSlice = Math.max(10_000_000L, minWarmup / 5);
        double[] recent = new double[3];
        int quiet = 0;
        int allocationFree = 0;
        long warmStart = System.nanoTime();
        for (int s = 0; ; s++) {
            long jitBefore = jitTimed ? jit.getTotalCompilationTime() : 0;
            long allocBefore = allocCounted ? allocatedBytes() : 0;
            long[] calls = {0};
            long nanos = slice(variant, warmSlice, calls, check);
            recent[s % recent.length] = calls[0] * flopsPerCall / nanos;
            quiet = jitTimed && jit.getTotalCompilationTime() != jitBefore ? 0 : quiet + 1;
            allocationFree = allocCounted && allocatedBytes() - allocBefore <= 1024 ? allocationFree + 1 : 0;
            long elapsed = System.nanoTime() - warmStart;
            if (elapsed >= maxWarmup) {
                break;
            }
            if (elapsed < minWarmup || s < recent.length - 1) {
                continue;
            }
            boolean compiled = allocCounted
                    ? allocationFree >= 2 // C2 code keeps vectors in registers; the interpreter and C1 box every one
                    : quiet >= recent.length; // JIT idle for three slices
            if (compiled && steady(recent)) {
                break;
            }
        }

        int slices = 10;
        long sliceNanos = Math.max(2_000_000L, (total - minWarmup) / slices);
        double best = 0;
        double allFlops = 0;
        long allNanos = 0;
        for (int s = 0; s < slices; s++) {
            long[] calls = {0};
            long nanos = slice(variant, sliceNanos, calls, check);
            double flops = calls[0] * flopsPerCall;
            best = Math.max(best, flops / nanos);
            allFlops += flops;
            allNanos += nanos;
        }
        sink = check[0];
        if (!Double.isFinite(check[0])) {
            throw new IllegalStateException("FMA probe checksum is not finite: " + check[0]);
        }
        return new Result(variant, best, allFlops / allNanos, allFlops, allNanos * 1e-9, slices, check[0]);
    }

    /** Calls the kernel until {@code nanos} have passed; returns the time taken. */
    private static long slice(Variant variant, long nanos, long[] calls, double[] check) {
        long start = System.nanoTime();
        long now;
        double sum = 0;
        long n = 0;
        do {
            sum += run(variant, ITERATIONS_PER_CALL);
            n++;
            now = System.nanoTime();
        } while (now - start < nanos);
        calls[0] = n;
        check[0] += sum;
        return now - start;
    }

    /** Bytes allocated so far by the calling thread, or -1 when the JVM does not count them. */
    private static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()) {
            return threads.getCurrentThreadAllocatedBytes();
        }
        return -1;
    }

    /** True when all rates lie within 10 % of each other. */
    private static boolean steady(double[] rates) {
        double min = Double.MAX_VALUE;
        double max = 0;
        for (double r : rates) {
            min = Math.min(min, r);
            max = Math.max(max, r);
        }
        return min > 0 && max <= 1.1 * min;
    }

    /** Runs one kernel call of {@code iterations} loop iterations and returns its checksum. */
    static float run(Variant variant, int iterations) {
        float x = seed;
        switch (variant) {
            case SIMD_128:
                return VectorKernels.fma128(iterations, x);
            case SIMD_256:
                return VectorKernels.fma256(iterations, x);
            case SIMD_512:
                return VectorKernels.fma512(iterations, x);
            default:
                return fmaPlain(iterations, x);
        }
    }

    /**
     * {@value #CHAINS} scalar chains of {@code acc = fma(acc, a, b)}, {@code iterations} times;
     * returns the sum of the accumulators. {@code x} in [0, 1] only shifts the starting values.
     * Performs {@code iterations × CHAINS × 2} FLOP.
     */
    public static float fmaPlain(int iterations, float x) {
        float a = A;
        float b = B;
        float c0 = x;
        float c1 = x + 0.01f;
        float c2 = x + 0.02f;
        float c3 = x + 0.03f;
        float c4 = x + 0.04f;
        float c5 = x + 0.05f;
        float c6 = x + 0.06f;
        float c7 = x + 0.07f;
        float c8 = x + 0.08f;
        float c9 = x + 0.09f;
        float c10 = x + 0.10f;
        float c11 = x + 0.11f;
        for (int i = 0; i < iterations; i++) {
            c0 = Math.fma(c0, a, b);
            c1 = Math.fma(c1, a, b);
            c2 = Math.fma(c2, a, b);
            c3 = Math.fma(c3, a, b);
            c4 = Math.fma(c4, a, b);
            c5 = Math.fma(c5, a, b);
            c6 = Math.fma(c6, a, b);
            c7 = Math.fma(c7, a, b);
            c8 = Math.fma(c8, a, b);
            c9 = Math.fma(c9, a, b);
            c10 = Math.fma(c10, a, b);
            c11 = Math.fma(c11, a, b);
        }
        return ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11));
    }

    /** Vector API kernels, in their own class so {@link FmaProbe} loads without the module. */
    static final class VectorKernels {
        private VectorKernels() {}

        private static final VectorSpecies<Float> S128 = FloatVector.SPECIES_128;
        private static final VectorSpecies<Float> S256 = FloatVector.SPECIES_256;
        private static final VectorSpecies<Float> S512 = FloatVector.SPECIES_512;

        static int preferredBits() {
            return FloatVector.SPECIES_PREFERRED.vectorBitSize();
        }

        /** 128-bit kernel; see {@link FmaProbe#fmaPlain}. */
        static float fma128(int iterations, float x) {
            FloatVector a = FloatVector.broadcast(S128, A);
            FloatVector b = FloatVector.broadcast(S128, B);
            FloatVector c0 = FloatVector.broadcast(S128, x);
            FloatVector c1 = FloatVector.broadcast(S128, x + 0.01f);
            FloatVector c2 = FloatVector.broadcast(S128, x + 0.02f);
            FloatVector c3 = FloatVector.broadcast(S128, x + 0.03f);
            FloatVector c4 = FloatVector.broadcast(S128, x + 0.04f);
            FloatVector c5 = FloatVector.broadcast(S128, x + 0.05f);
            FloatVector c6 = FloatVector.broadcast(S128, x + 0.06f);
            FloatVector c7 = FloatVector.broadcast(S128, x + 0.07f);
            FloatVector c8 = FloatVector.broadcast(S128, x + 0.08f);
            FloatVector c9 = FloatVector.broadcast(S128, x + 0.09f);
            FloatVector c10 = FloatVector.broadcast(S128, x + 0.10f);
            FloatVector c11 = FloatVector.broadcast(S128, x + 0.11f);
            for (int i = 0; i < iterations; i++) {
                c0 = c0.lanewise(FMA, a, b);
                c1 = c1.lanewise(FMA, a, b);
                c2 = c2.lanewise(FMA, a, b);
                c3 = c3.lanewise(FMA, a, b);
                c4 = c4.lanewise(FMA, a, b);
                c5 = c5.lanewise(FMA, a, b);
                c6 = c6.lanewise(FMA, a, b);
                c7 = c7.lanewise(FMA, a, b);
                c8 = c8.lanewise(FMA, a, b);
                c9 = c9.lanewise(FMA, a, b);
                c10 = c10.lanewise(FMA, a, b);
                c11 = c11.lanewise(FMA, a, b);
            }
            FloatVector sum = c0.lanewise(ADD, c1).lanewise(ADD, c2).lanewise(ADD, c3)
                    .lanewise(ADD, c4).lanewise(ADD, c5).lanewise(ADD, c6).lanewise(ADD, c7)
                    .lanewise(ADD, c8).lanewise(ADD, c9).lanewise(ADD, c10).lanewise(ADD, c11);
            // Only a checksum: the unspecified order of reduceLanes does not matter here.
            return sum.reduceLanes(ADD);
        }

        /** 256-bit kernel; see {@link FmaProbe#fmaPlain}. */
        static float fma256(int iterations, float x) {
            FloatVector a = FloatVector.broadcast(S256, A);
            FloatVector b = FloatVector.broadcast(S256, B);
            FloatVector c0 = FloatVector.broadcast(S256, x);
            FloatVector c1 = FloatVector.broadcast(S256, x + 0.01f);
            FloatVector c2 = FloatVector.broadcast(S256, x + 0.02f);
            FloatVector c3 = FloatVector.broadcast(S256, x + 0.03f);
            FloatVector c4 = FloatVector.broadcast(S256, x + 0.04f);
            FloatVector c5 = FloatVector.broadcast(S256, x + 0.05f);
            FloatVector c6 = FloatVector.broadcast(S256, x + 0.06f);
            FloatVector c7 = FloatVector.broadcast(S256, x + 0.07f);
            FloatVector c8 = FloatVector.broadcast(S256, x + 0.08f);
            FloatVector c9 = FloatVector.broadcast(S256, x + 0.09f);
            FloatVector c10 = FloatVector.broadcast(S256, x + 0.10f);
            FloatVector c11 = FloatVector.broadcast(S256, x + 0.11f);
            for (int i = 0; i < iterations; i++) {
                c0 = c0.lanewise(FMA, a, b);
                c1 = c1.lanewise(FMA, a, b);
                c2 = c2.lanewise(FMA, a, b);
                c3 = c3.lanewise(FMA, a, b);
                c4 = c4.lanewise(FMA, a, b);
                c5 = c5.lanewise(FMA, a, b);
                c6 = c6.lanewise(FMA, a, b);
                c7 = c7.lanewise(FMA, a, b);
                c8 = c8.lanewise(FMA, a, b);
                c9 = c9.lanewise(FMA, a, b);
                c10 = c10.lanewise(FMA, a, b);
                c11 = c11.lanewise(FMA, a, b);
            }
            FloatVector sum = c0.lanewise(ADD, c1).lanewise(ADD, c2).lanewise(ADD, c3)
                    .lanewise(ADD, c4).lanewise(ADD, c5).lanewise(ADD, c6).lanewise(ADD, c7)
                    .lanewise(ADD, c8).lanewise(ADD, c9).lanewise(ADD, c10).lanewise(ADD, c11);
            // Only a checksum: the unspecified order of reduceLanes does not matter here.
            return sum.reduceLanes(ADD);
        }

        /** 512-bit kernel; see {@link FmaProbe#fmaPlain}. */
        static float fma512(int iterations, float x) {
            FloatVector a = FloatVector.broadcast(S512, A);
            FloatVector b = FloatVector.broadcast(S512, B);
            FloatVector c0 = FloatVector.broadcast(S512, x);
            FloatVector c1 = FloatVector.broadcast(S512, x + 0.01f);
            FloatVector c2 = FloatVector.broadcast(S512, x + 0.02f);
            FloatVector c3 = FloatVector.broadcast(S512, x + 0.03f);
            FloatVector c4 = FloatVector.broadcast(S512, x + 0.04f);
            FloatVector c5 = FloatVector.broadcast(S512, x + 0.05f);
            FloatVector c6 = FloatVector.broadcast(S512, x + 0.06f);
            FloatVector c7 = FloatVector.broadcast(S512, x + 0.07f);
            FloatVector c8 = FloatVector.broadcast(S512, x + 0.08f);
            FloatVector c9 = FloatVector.broadcast(S512, x + 0.09f);
            FloatVector c10 = FloatVector.broadcast(S512, x + 0.10f);
            FloatVector c11 = FloatVector.broadcast(S512, x + 0.11f);
            for (int i = 0; i < iterations; i++) {
                c0 = c0.lanewise(FMA, a, b);
                c1 = c1.lanewise(FMA, a, b);
                c2 = c2.lanewise(FMA, a, b);
                c3 = c3.lanewise(FMA, a, b);
                c4 = c4.lanewise(FMA, a, b);
                c5 = c5.lanewise(FMA, a, b);
                c6 = c6.lanewise(FMA, a, b);
                c7 = c7.lanewise(FMA, a, b);
                c8 = c8.lanewise(FMA, a, b);
                c9 = c9.lanewise(FMA, a, b);
                c10 = c10.lanewise(FMA, a, b);
                c11 = c11.lanewise(FMA, a, b);
            }
            FloatVector sum = c0.lanewise(ADD, c1).lanewise(ADD, c2).lanewise(ADD, c3)
                    .lanewise(ADD, c4).lanewise(ADD, c5).lanewise(ADD, c6).lanewise(ADD, c7)
                    .lanewise(ADD, c8).lanewise(ADD, c9).lanewise(ADD, c10).lanewise(ADD, c11);
            // Only a checksum: the unspecified order of reduceLanes does not matter here.
            return sum.reduceLanes(ADD);
        }
    }

    /** Same as {@link #fmaPlain} with 128-bit vectors: {@code iterations × CHAINS × 4 × 2} FLOP. */
    public static float fmaSimd128(int iterations, float x) {
        return VectorKernels.fma128(iterations, x);
    }

    /** Same as {@link #fmaPlain} with 256-bit vectors: {@code iterations × CHAINS × 8 × 2} FLOP. */
    public static float fmaSimd256(int iterations, float x) {
        return VectorKernels.fma256(iterations, x);
    }

    /** Same as {@link #fmaPlain} with 512-bit vectors: {@code iterations × CHAINS × 16 × 2} FLOP. */
    public static float fmaSimd512(int iterations, float x) {
        return VectorKernels.fma512(iterations, x);
    }
}
