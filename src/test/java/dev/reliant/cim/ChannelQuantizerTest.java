package dev.reliant.cim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Per-output-channel symmetric intN on hand-worked tensors. */
class ChannelQuantizerTest {
    // int3: codes -3 … 3. Channel 0 has max 3 (scale 1), channel 1 max 6 (scale 2), channel 2 is zero.
    private static final float[] W = {3f, -1.5f, 0.5f, 2.5f, -6f, 1f, 3f, 5f, 0f, 0f, 0f, 0f};
    private static final int[] SHAPE = {3, 2, 2};

    @Test
    void perChannelScalesCodesAndValues() {
        ChannelQuantizer q = new ChannelQuantizer(3);
        assertThat(q.maxCode()).isEqualTo(3);
        assertThat(q.scales(W, 3)).containsExactly(1f, 2f, 0f);
        // w/scale: 3, -1.5, 0.5, 2.5 | -3, 0.5, 1.5, 2.5 -> half to even
        assertThat(q.codes(W, 3)).containsExactly(3, -2, 0, 2, -3, 0, 2, 2, 0, 0, 0, 0);
        float[] out = new float[W.length];
        q.quantize(W, out, SHAPE);
        assertThat(out).containsExactly(3f, -2f, 0f, 2f, -6f, 0f, 4f, 4f, 0f, 0f, 0f, 0f);
    }

    @Test
    void withoutAShapeTheWholeTensorIsOneChannel() {
        ChannelQuantizer q = new ChannelQuantizer(3);
        // scale 6/3 = 2: 1.5, -0.75, 0.25, 1.25, -3, 0.5, 1.5, 2.5 -> 2, -1, 0, 1, -3, 0, 2, 2
        float[] out = q.quantize(W);
        assertThat(out).containsExactly(4f, -2f, 0f, 2f, -6f, 0f, 4f, 4f, 0f, 0f, 0f, 0f);
    }

    @Test
    void codesStayWithinTheSymmetricRange() {
        ChannelQuantizer q = new ChannelQuantizer(8);
        float[] w = new float[64];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) Math.sin(i * 0.7) * (1 + i / 16);
        }
        for (int c : q.codes(w, 4)) {
            assertThat(c).isBetween(-127, 127);
        }
        float[] s = q.scales(w, 4);
        float[] out = new float[w.length];
        q.quantize(w, out, new int[] {4, 16});
        for (int i = 0; i < w.length; i++) {
            assertThat(Math.abs(out[i] - w[i])).isLessThanOrEqualTo(s[i / 16] / 2 * 1.0001f);
        }
        assertThat(q.describe()).isEqualTo("int8(per channel)");
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> new ChannelQuantizer(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 1");
        ChannelQuantizer q = new ChannelQuantizer(4);
        assertThatThrownBy(() -> q.scales(new float[10], 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10 values do not split into 3 channels");
        assertThatThrownBy(() -> q.quantize(new float[12], new float[12], new int[] {5, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[5, 2]");
    }
}
