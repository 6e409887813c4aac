package dev.reliant.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.graph.GraphBuilder;
import dev.reliant.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The q_N layer-output operator (specs/cim-swim.md A.2): its range is the whole batch tensor's,
 * not an image's, and both backward rules are straight-through.
 */
class QuantizeTest {

    private static float[] random(int n, long seed, double scale) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) ((rng.nextDouble() * 2 - 1) * scale);
        }
        return x;
    }

    /** q_N of a whole tensor by the formula, straight from the spec. */
    private static float[] reference(float[] x, int bits) {
        float max = 0;
        for (float v : x) {
            max = Math.max(max, Math.abs(v));
        }
        float d = max / (1 << bits);
        float[] out = x.clone();
        if (d != 0) {
            for (int i = 0; i < x.length; i++) {
                out[i] = (float) Math.rint(x[i] / d) * d;
            }
        }
        return out;
    }

    @Test
    void handWorkedValuesWithTiesToEven() {
        // max 1, N = 2: d = 0.25; x/d = 4, 0.5, 1.5, -2.5, 0, -1 -> 4, 0, 2, -2, 0, -1 (ties to even)
        float[] x = {1f, 0.125f, 0.375f, -0.625f, 0f, -0.25f};
        float[] out = new float[x.length];
        Quantize.quantize(x, 0, out, 0, x.length, 2);
        assertThat(out).containsExactly(1f, 0f, 0.5f, -0.5f, 0f, -0.25f);
        assertThat(Quantize.step(x, 0, x.length, 2)).isEqualTo(0.25f);
    }

    @Test
    void rangeIsTheWholeBatchNotTheImage() {
        Quantize q = new Quantize(new int[] {3}, 2);
        // image 0 is small, image 1 holds the batch maximum 4: d = 1, so image 0 rounds to zero
        float[] in = {0.1f, 0.2f, 0.3f, -4f, 1.4f, 2.5f};
        float[] out = new float[6];
        q.forward(new float[][] {in}, new int[] {0}, 2, out, 0);
        assertThat(out).containsExactly(0f, 0f, 0f, -4f, 1f, 2f);
        // alone, image 0 has its own range (d = 0.075) and does not vanish: the result depends on the batch
        float[] alone = new float[3];
        q.forward(new float[][] {in}, new int[] {0}, 1, alone, 0);
        assertThat(alone).containsExactly(reference(new float[] {0.1f, 0.2f, 0.3f}, 2));
        assertThat(alone[2]).isEqualTo(0.3f);
    }

    @Test
    void forwardOnABatchEqualsQnOfTheWholeTensorWithOffsetsAndInPlace() {
        int[] shape = {4, 5, 5};
        Quantize q = new Quantize(shape, 4);
        int batch = 7;
        int n = batch * q.outputSize();
        float[] x = random(n, 3, 2.5);
        float[] in = new float[n + 9];
        System.arraycopy(x, 0, in, 9, n);
        float[] out = new float[n + 4];
        q.forward(new float[][] {in}, new int[] {9}, batch, out, 4);
        float[] expected = reference(x, 4);
        assertThat(Arrays.copyOfRange(out, 4, n + 4)).containsExactly(expected);
        assertThat(distinctValues(expected)).as("at most 2^(N+1) + 1 codes").isLessThanOrEqualTo((1 << 5) + 1).isGreaterThan(20);

        q.forward(new float[][] {in}, new int[] {9}, batch, in, 9); // in place
        assertThat(Arrays.copyOfRange(in, 9, n + 9)).containsExactly(expected);
        assertThat(q.inPlaceInput()).isZero();
    }

    @Test
    void largeTensorsSplitIntoChunksGiveTheSameResult() {
        // more than one parallel chunk (2^16 values): the range must still be the whole tensor's
        int n = 200_003;
        float[] x = random(n, 5, 1.0);
        x[150_000] = -7f; // the maximum sits in a later chunk
        float[] out = new float[n];
        Quantize.quantize(x, 0, out, 0, n, 3);
        assertThat(out).containsExactly(reference(x, 3));
        assertThat(Quantize.maxAbs(x, 0, n)).isEqualTo(7f);
    }

    @Test
    void zeroRangeReturnsTheInputAndNanPropagates() {
        float[] z = {0f, -0f, 0f};
        float[] out = {9f, 9f, 9f};
        Quantize.quantize(z, 0, out, 0, 3, 4);
        assertThat(Float.floatToRawIntBits(out[1])).isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(out[0]).isEqualTo(0f);
        float[] nan = {1f, Float.NaN};
        Quantize.quantize(nan, 0, nan, 0, 2, 4);
        assertThat(nan[0]).isNaN();
    }

    @Test
    void backwardIsStraightThroughAndAccumulates() {
        Quantize q = new Quantize(new int[] {2, 2}, 3);
        int batch = 2;
        float[] x = random(8, 7, 1);
        float[] y = new float[8];
        q.forward(new float[][] {x}, new int[] {0}, batch, y, 0);
        float[] g = {1, -2, 3, -4, 5, -6, 7, -8};
        for (boolean diagonal : new boolean[] {false, true}) {
            BackwardContext c = new BackwardContext();
            c.inputs = new float[][] {x};
            c.inputOffsets = new int[] {0};
            c.output = y;
            c.batch = batch;
            c.gradOutput = g;
            float[] dx = new float[8];
            Arrays.fill(dx, 0.5f);
            c.gradInputs = new float[][] {dx};
            c.gradInputOffsets = new int[] {0};
            c.gradParameters = new float[0][];
            if (diagonal) {
                q.backwardDiagonal(c);
            } else {
                q.backward(c);
            }
            assertThat(dx).as("diagonal=" + diagonal).containsExactly(1.5f, -1.5f, 3.5f, -3.5f, 5.5f, -5.5f, 7.5f, -7.5f);
        }
    }

    @Test
    void executorPassesTheWholeBatchInOneCall() {
        GraphBuilder b = new GraphBuilder("q");
        int x = b.input(2, 3, 3);
        b.relu(b.quantize(null, x, 2));
        Graph g = b.build();
        assertThat(g.node(1).name()).isEqualTo("quantize");
        assertThat(g.node(1).op().toString()).isEqualTo("Quantize(N=2)");
        int batch = 5;
        float[] in = random(batch * 18, 11, 3);
        for (Executor.Options o : new Executor.Options[] {Executor.Options.exact(), Executor.Options.fast()}) {
            Tensor out = new Executor(g, o).run(Tensor.of(in.clone(), batch, 2, 3, 3));
            float[] expected = reference(in, 2);
            for (int i = 0; i < expected.length; i++) {
                expected[i] = Math.max(expected[i], 0f);
            }
            assertThat(out.data()).as(o.toString()).containsExactly(expected);
        }
    }

    @Test
    void rejectsBadBitsAndRanges() {
        assertThatThrownBy(() -> new Quantize(new int[] {3}, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 0");
        assertThatThrownBy(() -> new Quantize(new int[] {3}, 25)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 25");
        assertThatThrownBy(() -> Quantize.quantize(new float[3], 0, new float[2], 0, 3, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("array of 2");
    }

    /** Distinct numeric values (−0 and +0 are one value: rint(−0.3) gives −0, as in PyTorch). */
    static long distinctValues(float[] a) {
        java.util.Set<Float> set = new java.util.HashSet<>();
        for (float v : a) {
            set.add(v + 0f);
        }
        return set.size();
    }
}
