package dev.reliant.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void zerosHasShapeAndElementCount() {
        Tensor t = Tensor.zeros(64, 3, 32, 32);
        assertThat(t.rank()).isEqualTo(4);
        assertThat(t.numel()).isEqualTo(64 * 3 * 32 * 32);
        assertThat(t.dim(1)).isEqualTo(3);
        assertThat(t.shape()).containsExactly(64, 3, 32, 32);
        assertThat(t.shapeString()).isEqualTo("[64, 3, 32, 32]");
        assertThat(t.data()).containsOnly(0f);
        assertThat(t).hasToString("Tensor[64, 3, 32, 32]");
    }

    @Test
    void rankZeroTensorHoldsOneElement() {
        Tensor t = Tensor.of(new float[] {5f});
        assertThat(t.rank()).isZero();
        assertThat(t.numel()).isEqualTo(1);
        assertThat(t.shapeString()).isEqualTo("[]");
        assertThat(t.get()).isEqualTo(5f);
    }

    @Test
    void ofWrapsTheArrayWithoutCopying() {
        float[] data = {1, 2, 3, 4, 5, 6};
        Tensor t = Tensor.of(data, 2, 3);
        assertThat(t.data()).isSameAs(data);
        assertThat(t.get(1, 0)).isEqualTo(4f);
    }

    @Test
    void ofRejectsDataLengthThatDoesNotMatchTheShape() {
        assertThatThrownBy(() -> Tensor.of(new float[10], 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("data length 10 does not match shape [2, 3] (6 elements)");
    }

    @Test
    void negativeOrHugeShapesAreRejected() {
        assertThatThrownBy(() -> Tensor.zeros(2, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative dimension in shape [2, -1]");
        assertThatThrownBy(() -> Tensor.zeros(65536, 65536))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than");
    }

    @Test
    void shapeAccessorReturnsACopy() {
        Tensor t = Tensor.zeros(2, 3);
        t.shape()[0] = 99;
        assertThat(t.dim(0)).isEqualTo(2);
    }

    @Test
    void dimOutOfRangeNamesTheShape() {
        assertThatThrownBy(() -> Tensor.zeros(2, 3).dim(2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dimension 2 out of range for shape [2, 3] (rank 2)");
    }

    @Test
    void reshapeSharesDataAndChecksElementCount() {
        Tensor t = Tensor.zeros(2, 3, 4);
        Tensor r = t.reshape(6, 4);
        assertThat(r.data()).isSameAs(t.data());
        r.set(7f, 5, 3);
        assertThat(t.get(1, 2, 3)).isEqualTo(7f);
        assertThat(t.shapeString()).isEqualTo("[2, 3, 4]");

        assertThat(t.reshape(2, -1).shape()).containsExactly(2, 12);
        assertThatThrownBy(() -> t.reshape(5, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot reshape [2, 3, 4] (24 elements) to [5, 5]");
        assertThatThrownBy(() -> t.reshape(5, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot reshape [2, 3, 4]");
        assertThatThrownBy(() -> t.reshape(-1, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only one dimension may be -1");
    }

    @Test
    void copyIsDeep() {
        Tensor t = Tensor.of(new float[] {1, 2}, 2);
        Tensor c = t.copy();
        c.data()[0] = 9f;
        assertThat(t.data()[0]).isEqualTo(1f);
        assertThat(c.shape()).containsExactly(2);
    }

    @Test
    void offsetIsRowMajorAndChecked() {
        Tensor w = Tensor.zeros(16, 3, 3, 3);
        assertThat(w.offset(13, 0, 0, 0)).isEqualTo(13 * 27);
        assertThat(w.offset(1, 2, 1, 2)).isEqualTo(27 + 2 * 9 + 3 + 2);
        assertThatThrownBy(() -> w.offset(16, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("index [16, 0, 0, 0] out of range for shape [16, 3, 3, 3]");
        assertThatThrownBy(() -> w.offset(1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("index [1, 0, 0] has rank 3, tensor has shape [16, 3, 3, 3]");
    }

    @Test
    void requireShapeNamesOperandAndBothShapes() {
        Tensor w = Tensor.zeros(16, 3, 3);
        assertThatThrownBy(() -> w.requireShape("weight", 16, 3, 3, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("weight: expected shape [16, 3, 3, 3], got [16, 3, 3]");
        assertThat(w.requireShape("weight", 16, 3, 3)).isSameAs(w);
    }

    @Test
    void shapesHelpersGiveOneLineMessages() {
        Shapes.requireShape("input", new int[] {8, 3, 32, 32}, Shapes.ANY, 3, 32, 32);
        assertThatThrownBy(() -> Shapes.requireShape("input", new int[] {8, 1, 28, 28},
                Shapes.ANY, 3, 32, 32))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("input: expected shape [*, 3, 32, 32], got [8, 1, 28, 28]");
        assertThatThrownBy(() -> Shapes.requireRank("input", new int[] {3, 32, 32}, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("input: expected rank 4, got shape [3, 32, 32]");
        assertThatThrownBy(() -> Shapes.requireSameShape("a", new int[] {2, 3}, "b", new int[] {3, 2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a and b: shapes differ, [2, 3] vs [3, 2]");
        assertThat(Shapes.numel()).isEqualTo(1);
        assertThat(Shapes.numel(4, 0, 3)).isZero();
        assertThat(Shapes.toString(64, 3, 32, 32)).isEqualTo("[64, 3, 32, 32]");
    }

    @Test
    void bitEqualsComparesRawBits() {
        Tensor a = Tensor.of(new float[] {0f, Float.intBitsToFloat(0x7FC0_0001)}, 2);
        assertThat(a.bitEquals(a.copy())).isTrue();

        Tensor negZero = Tensor.of(new float[] {-0f, a.data()[1]}, 2);
        assertThat(a.bitEquals(negZero)).isFalse();

        Tensor otherNan = Tensor.of(new float[] {0f, Float.intBitsToFloat(0x7FC0_0002)}, 2);
        assertThat(a.bitEquals(otherNan)).isFalse();

        assertThat(a.bitEquals(a.reshape(1, 2))).isFalse();

        float[] x = {1, 2, 3, 4};
        float[] y = {9, 3, 4};
        assertThat(Tensor.bitEquals(x, 2, y, 1, 2)).isTrue();
        assertThat(Tensor.bitEquals(x, 1, y, 1, 2)).isFalse();
        assertThatThrownBy(() -> Tensor.bitEquals(x, 3, y, 0, 2))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void fullAndMaxAbs() {
        assertThat(Tensor.full(2.5f, 2, 2).data()).containsOnly(2.5f);
        assertThat(Tensor.of(new float[] {1, -3, 2}, 3).maxAbs()).isEqualTo(3f);
        assertThat(Tensor.zeros(0).maxAbs()).isZero();
    }
}
