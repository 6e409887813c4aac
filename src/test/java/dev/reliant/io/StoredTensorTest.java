package dev.reliant.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliant.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class StoredTensorTest {
    private static byte[] le16(int... v) {
        ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putShort((short) x);
        }
        return b.array();
    }

    @Test
    void f32KeepsEveryBitIncludingNanPayloadsAndNegativeZero() {
        float[] v = {1.5f, -0f, Float.intBitsToFloat(0x7FC0_1234), Float.MIN_VALUE, Float.NEGATIVE_INFINITY, 3f};
        Tensor t = Tensor.of(v.clone(), 2, 3);
        StoredTensor s = StoredTensor.of("w", t);
        assertThat(s.dtype()).isEqualTo(DType.F32);
        assertThat(s.shape()).containsExactly(2, 3);
        assertThat(s.byteSize()).isEqualTo(24);
        assertThat(s.asFloat().bitEquals(t)).isTrue();
    }

    @Test
    void decodesHalfBfloatAndDouble() {
        StoredTensor h = StoredTensor.ofRaw("h", DType.F16, new int[] {4}, le16(0x3C00, 0xC000, 0x0001, 0x7C00));
        assertThat(h.toFloatArray()).containsExactly(1f, -2f, 0x1p-24f, Float.POSITIVE_INFINITY);
        StoredTensor b = StoredTensor.ofRaw("b", DType.BF16, new int[] {2}, le16(0x3F80, 0xC040));
        assertThat(b.toFloatArray()).containsExactly(1f, -3f);
        ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(-1e300);
        StoredTensor f64 = StoredTensor.ofRaw("d", DType.F64, new int[] {2}, d.array());
        assertThat(f64.toFloatArray()).containsExactly(0.1f, Float.NEGATIVE_INFINITY);
    }

    @Test
    void decodesFp8() {
        byte[] e4m3 = {0x38, (byte) 0xB8, 0x7E, 0x7F, 0x01};
        assertThat(StoredTensor.ofRaw("a", DType.F8_E4M3, new int[] {5}, e4m3).toFloatArray())
                .containsExactly(1f, -1f, 448f, Float.NaN, 0x1p-9f);
        byte[] e5m2 = {0x3C, 0x7B, 0x7C, 0x01};
        assertThat(StoredTensor.ofRaw("b", DType.F8_E5M2, new int[] {4}, e5m2).toFloatArray())
                .containsExactly(1f, 57344f, Float.POSITIVE_INFINITY, 0x1p-16f);
    }

    @Test
    void integersKeepTheirExactValues() {
        StoredTensor u8 = StoredTensor.ofU8("m", new int[] {3}, new byte[] {0, 1, (byte) 255});
        assertThat(u8.toIntArray()).containsExactly(0, 1, 255);
        StoredTensor i8 = StoredTensor.ofI8("q", new int[] {2}, new byte[] {-128, 127});
        assertThat(i8.toIntArray()).containsExactly(-128, 127);
        assertThat(i8.asFloat().data()).containsExactly(-128f, 127f);
        StoredTensor i32 = StoredTensor.ofI32("i", new int[] {2}, new int[] {Integer.MIN_VALUE, 7});
        assertThat(i32.toIntArray()).containsExactly(Integer.MIN_VALUE, 7);
        StoredTensor i64 = StoredTensor.ofI64("n", new int[0], new long[] {1L << 40});
        assertThat(i64.numel()).isEqualTo(1);
        assertThat(i64.toLongArray()).containsExactly(1L << 40);
        assertThatThrownBy(i64::toIntArray).isInstanceOf(IllegalStateException.class).hasMessageContaining("I64");
        ByteBuffer u64 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L);
        assertThat(StoredTensor.ofRaw("u", DType.U64, new int[] {1}, u64.array()).toFloatArray())
                .containsExactly(0x1p64f);
    }

    @Test
    void encodesFloatsToHalfAndBfloat() {
        Tensor t = Tensor.of(new float[] {1f, 65520f, 1.00390625f}, 3);
        StoredTensor h = StoredTensor.fromFloats("h", t, DType.F16);
        assertThat(h.toFloatArray()).containsExactly(1f, Float.POSITIVE_INFINITY, 1.00390625f);
        StoredTensor b = StoredTensor.fromFloats("b", t, DType.BF16);
        assertThat(b.toFloatArray()).containsExactly(1f, 65536f, 1f);
        StoredTensor d = StoredTensor.fromFloats("d", t, DType.F64);
        assertThat(d.asFloat().bitEquals(t)).isTrue();
        assertThatThrownBy(() -> StoredTensor.fromFloats("x", t, DType.I8))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void checksByteCountAgainstShapeAndCopiesInput() {
        assertThatThrownBy(() -> StoredTensor.ofRaw("w", DType.F32, new int[] {2}, new byte[7]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 8 bytes, got 7");
        assertThatThrownBy(() -> StoredTensor.ofRaw("w", DType.F32, new int[] {-1}, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        byte[] raw = {1, 2};
        StoredTensor s = StoredTensor.ofU8("m", new int[] {2}, raw);
        raw[0] = 9;
        assertThat(s.rawBytes()).containsExactly(1, 2);
        assertThat(s.data().isReadOnly()).isTrue();
        assertThat(s.withName("n").contentEquals(s)).isTrue();
        assertThat(s.toString()).isEqualTo("m U8[2]");
    }
}
