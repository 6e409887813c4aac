package dev.reliant.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class ResizeTest {
    /**
     * Reference: Pillow 9.4 {@code Image.resize((w, h), BILINEAR)} (equal to torchvision 0.14's
     * {@code F.resize} of the PIL image) and torchvision 0.14 {@code F.resize(uint8 tensor, size,
     * BILINEAR, antialias=False)} with torch 1.13, on images of {@link TestData#bytes}
     * (c·h·w bytes, salt), CRC-32 of the CHW result bytes.
     * Columns: c, h, w, out h, out w, salt, CRC of Pillow, CRC of torch.
     */
    private static final long[][] CASES = {
        {3, 29, 37, 50, 50, 1, 403961784L, 4254929156L},
        {3, 90, 120, 50, 50, 2, 1509715676L, 4144733927L},
        {3, 50, 50, 50, 50, 3, 806299060L, 806299060L},
        {3, 5, 7, 50, 50, 4, 3951076554L, 237278435L},
        {3, 31, 200, 50, 50, 5, 2790777193L, 1819398124L},
        {1, 28, 28, 14, 20, 6, 2522935700L, 413032126L},
        {3, 64, 64, 32, 32, 7, 908915735L, 3792830219L},
        {3, 33, 45, 50, 50, 8, 3474857649L, 4005713466L},
        {3, 20, 30, 47, 61, 9, 3187848459L, 3918242197L},
        {3, 11, 13, 50, 50, 10, 3205220564L, 3823548050L},
        {3, 250, 180, 50, 50, 11, 250752228L, 446370642L},
    };

    private static UInt8Image input(long[] row) {
        int c = (int) row[0];
        int h = (int) row[1];
        int w = (int) row[2];
        return new UInt8Image(c, h, w, TestData.bytes(c * h * w, row[5]));
    }

    private static long crc(UInt8Image img) {
        CRC32 crc = new CRC32();
        crc.update(img.pixels());
        return crc.getValue();
    }

    @Test
    void pilModeMatchesPillowByteForByte() {
        for (long[] row : CASES) {
            UInt8Image out = Resize.resize(input(row), (int) row[3], (int) row[4], Resize.Mode.PIL);
            assertThat(out.height()).isEqualTo((int) row[3]);
            assertThat(out.width()).isEqualTo((int) row[4]);
            assertThat(crc(out)).as("case %s", java.util.Arrays.toString(row)).isEqualTo(row[6]);
        }
    }

    @Test
    void tensorModeMatchesTorchInterpolateWithoutAntialiasByteForByte() {
        for (long[] row : CASES) {
            UInt8Image out = Resize.resize(input(row), (int) row[3], (int) row[4], Resize.Mode.TENSOR_NO_ANTIALIAS);
            assertThat(crc(out)).as("case %s", java.util.Arrays.toString(row)).isEqualTo(row[7]);
        }
    }

    @Test
    void firstPixelsAsPrintedByTheReferences() {
        UInt8Image pil = Resize.resize(input(CASES[1]), 50, 50, Resize.Mode.PIL);
        UInt8Image torch = Resize.resize(input(CASES[1]), 50, 50, Resize.Mode.TENSOR_NO_ANTIALIAS);
        assertThat(new int[] {pil.get(0, 0, 0), pil.get(0, 0, 1), pil.get(0, 0, 2), pil.get(0, 0, 3)})
                .containsExactly(105, 113, 120, 136);
        assertThat(new int[] {torch.get(0, 0, 0), torch.get(0, 0, 1), torch.get(0, 0, 2), torch.get(0, 0, 3)})
                .containsExactly(127, 133, 119, 150);
    }

    @Test
    void sameSizeIsTheIdentity() {
        UInt8Image img = input(CASES[2]);
        assertThat(Resize.resize(img, 50, 50, Resize.Mode.PIL)).isSameAs(img);
        assertThat(Resize.resize(img, 50, 50, Resize.Mode.TENSOR_NO_ANTIALIAS)).isSameAs(img);
    }

    @Test
    void constantImageStaysConstant() {
        byte[] px = new byte[3 * 17 * 23];
        java.util.Arrays.fill(px, (byte) 200);
        for (Resize.Mode mode : Resize.Mode.values()) {
            for (int[] size : new int[][] {{50, 50}, {5, 7}, {17, 50}, {40, 23}}) {
                UInt8Image out = Resize.resize(new UInt8Image(3, 17, 23, px), size[0], size[1], mode);
                for (byte b : out.pixels()) {
                    assertThat(b & 0xFF).isEqualTo(200);
                }
            }
        }
    }

    @Test
    void rejectsEmptyTarget() {
        assertThatThrownBy(() -> Resize.resize(input(CASES[0]), 0, 5, Resize.Mode.PIL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0x5");
    }
}
