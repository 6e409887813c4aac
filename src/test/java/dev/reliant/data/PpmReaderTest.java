package dev.reliant.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PpmReaderTest {
    @TempDir
    Path tmp;

    /** A binary PPM (P6) of an interleaved RGB image. */
    static byte[] p6(int w, int h, byte[] rgbInterleaved) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("P6\n# made by a test\n" + w + " " + h + "\n255\n").getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(rgbInterleaved);
        return b.toByteArray();
    }

    @Test
    void binaryPpmBecomesChw() {
        byte[] rgb = TestData.bytes(2 * 3 * 3, 1);
        UInt8Image img = PpmReader.decode(p6(3, 2, rgb));
        assertThat(img.channels()).isEqualTo(3);
        assertThat(img.height()).isEqualTo(2);
        assertThat(img.width()).isEqualTo(3);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                for (int c = 0; c < 3; c++) {
                    assertThat(img.get(c, y, x)).isEqualTo(rgb[(y * 3 + x) * 3 + c] & 0xFF);
                }
            }
        }
    }

    @Test
    void asciiPpmWithCommentsAndPgm() {
        UInt8Image a = PpmReader.decode("P3 # comment\n2 1\n# another\n255\n1 2 3  4 5 6\n".getBytes());
        assertThat(a.pixels()).containsExactly(1, 4, 2, 5, 3, 6);
        UInt8Image g = PpmReader.decode("P2\n2 2\n255\n0 10\n20 255\n".getBytes());
        assertThat(g.channels()).isEqualTo(1);
        assertThat(g.pixels()).containsExactly(0, 10, 20, (byte) 255);
        byte[] p5 = {'P', '5', ' ', '1', ' ', '2', ' ', '2', '5', '5', '\n', 7, (byte) 200};
        assertThat(PpmReader.decode(p5).pixels()).containsExactly(7, (byte) 200);
    }

    @Test
    void otherMaximumValuesAreScaled() {
        assertThat(PpmReader.decode("P2 3 1 15 0 7 15".getBytes()).pixels()).containsExactly(0, 119, (byte) 255);
        byte[] p5 = {'P', '5', ' ', '2', ' ', '1', ' ', '6', '5', '5', '3', '5', '\n', (byte) 0xFF, (byte) 0xFF,
            (byte) 0x80, 0x00};
        assertThat(PpmReader.decode(p5).pixels()).containsExactly((byte) 255, (byte) 128);
    }

    @Test
    void malformedFilesGiveOneLine() {
        assertThatThrownBy(() -> PpmReader.decode("P6 2 2 255\n123".getBytes()))
                .hasMessage("truncated PPM data: 2x2 needs 12 bytes, the file has 3");
        assertThatThrownBy(() -> PpmReader.decode("P6 2".getBytes()))
                .hasMessage("truncated PPM: height missing");
        assertThatThrownBy(() -> PpmReader.decode("P6 2 x 255\n".getBytes()))
                .hasMessage("malformed PPM: height is not a number");
        assertThatThrownBy(() -> PpmReader.decode("P7 2 2 255\n".getBytes()))
                .hasMessageContaining("not a PPM/PGM image");
        assertThatThrownBy(() -> PpmReader.decode("P2 1 1 10 11".getBytes()))
                .hasMessage("PPM sample 11 exceeds the maximum value 10");
        assertThatThrownBy(() -> PpmReader.decode("P6 0 2 255\n".getBytes()))
                .hasMessage("implausible PPM size 0x2");
        assertThatThrownBy(() -> PpmReader.decode("P6 2 2 70000\n".getBytes()))
                .hasMessage("PPM maximum value 70000 out of range 1-65535");
    }

    @Test
    void readNamesTheFile() throws Exception {
        Path f = TestData.write(tmp.resolve("bad.ppm"), "P6 2 2 255\n".getBytes());
        assertThatThrownBy(() -> PpmReader.read(f))
                .isInstanceOf(DatasetException.class)
                .hasMessage("file " + f + ": truncated PPM data: 2x2 needs 12 bytes, the file has 0");
        Path ok = TestData.write(tmp.resolve("ok.ppm"), p6(1, 1, new byte[] {1, 2, 3}));
        assertThat(PpmReader.read(ok).pixels()).containsExactly(1, 2, 3);
    }
}
