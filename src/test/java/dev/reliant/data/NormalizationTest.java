package dev.reliant.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NormalizationTest {
    /**
     * Reference: PyTorch 1.13 / torchvision 0.14 (Debian bookworm), for each preset an image
     * holding every value 0…255 in every channel, {@code Compose([ToTensor(), Normalize(mean,
     * std)])}, and the CRC-32 of the result as big-endian float32, channel after channel.
     */
    private static final Object[][] TORCH_CRC = {
        {Normalization.CIFAR, 3393703100L},
        {Normalization.IMAGENET, 2546978663L},
        {Normalization.CIFAR100, 2849614804L},
        {Normalization.GTSRB, 1610813457L},
        {Normalization.MNIST, 1218469600L},
        {Normalization.NONE, 1948047373L},
    };

    @Test
    void everyPixelValueOfEveryPresetMatchesPyTorchBitForBit() {
        for (Object[] row : TORCH_CRC) {
            Normalization n = (Normalization) row[0];
            ByteBuffer buf = ByteBuffer.allocate(n.channels() * 256 * 4);
            for (int c = 0; c < n.channels(); c++) {
                for (int p = 0; p < 256; p++) {
                    buf.putFloat(n.apply(c, p));
                }
            }
            CRC32 crc = new CRC32();
            crc.update(buf.array());
            assertThat(crc.getValue()).as(n.name()).isEqualTo((long) row[1]);
        }
    }

    /** Bit patterns printed by PyTorch for pixels 0, 128, 255 (channel by channel). */
    @Test
    void pixels0_128_255MatchPyTorchBitPatterns() {
        assertBits(Normalization.CIFAR, 0xc01b75d0, 0x3d55d38f, 0x4020e6d1, 0xc01ac4b0, 0x3dcaf5ac, 0x402631d0,
                0xc00e2b4e, 0x3e8d45f7, 0x40303d22);
        assertBits(Normalization.IMAGENET, 0xc0078bbd, 0x3d97af32, 0x400fee1d, 0xc0024924, 0x3e521b48, 0x401b6db7,
                0xbfe6f809, 0x3eda5d3c, 0x4028f5c3);
        assertBits(Normalization.CIFAR100, 0xbff2c9c9, 0xbc9cb82f, 0x3fec0358, 0xbff2dbc5, 0x3d762b62, 0x400024af,
                0xbfcc5f4a, 0x3e625ad7, 0x40019254);
        assertBits(Normalization.GTSRB, 0xbf9fe7f1, 0x3f17ed8e, 0x401afee0, 0xbf992d8b, 0x3f3a5dcf, 0x4028cf50,
                0xbf9a231a, 0x3f2d2fd6, 0x4022b8bc);
        assertBits(Normalization.MNIST, 0xbed93271, 0x3f9a3d7a, 0x4034933d);
        assertBits(Normalization.NONE, 0x0, 0x3f008081, 0x3f800000);
    }

    private static void assertBits(Normalization n, int... bits) {
        int k = 0;
        for (int c = 0; c < n.channels(); c++) {
            for (int p : new int[] {0, 128, 255}) {
                assertThat(Integer.toHexString(Float.floatToRawIntBits(n.apply(c, p))))
                        .as("%s channel %d pixel %d", n.name(), c, p)
                        .isEqualTo(Integer.toHexString(bits[k++]));
            }
        }
    }

    @Test
    void arithmeticIsFloatDivisionThenSubtractionThenDivision() {
        for (Normalization n : List.of(Normalization.CIFAR, Normalization.IMAGENET, Normalization.CIFAR100,
                Normalization.GTSRB, Normalization.MNIST)) {
            float[] mean = n.mean();
            float[] std = n.std();
            for (int c = 0; c < n.channels(); c++) {
                for (int p = 0; p < 256; p++) {
                    float x = (float) p / 255f;
                    float expected = (x - mean[c]) / std[c];
                    assertThat(Float.floatToRawIntBits(n.apply(c, p))).isEqualTo(Float.floatToRawIntBits(expected));
                }
            }
        }
    }

    /** The bit-exact tests above would catch a reciprocal multiplication: it changes some values. */
    @Test
    void multiplyingByReciprocalsWouldGiveOtherBits() {
        int differ255 = 0;
        int differStd = 0;
        float[] mean = Normalization.CIFAR.mean();
        float[] std = Normalization.CIFAR.std();
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < 256; p++) {
                float exact = Normalization.CIFAR.apply(c, p);
                if (Float.floatToRawIntBits((p * (1f / 255f) - mean[c]) / std[c]) != Float.floatToRawIntBits(exact)) {
                    differ255++;
                }
                if (Float.floatToRawIntBits(((float) p / 255f - mean[c]) * (1f / std[c]))
                        != Float.floatToRawIntBits(exact)) {
                    differStd++;
                }
            }
        }
        assertThat(differ255).isPositive();
        assertThat(differStd).isPositive();
    }

    @Test
    void meansAndStdsAreTheFloat32RoundingOfTheDoubles() {
        assertThat(Normalization.CIFAR100.mean()).containsExactly((float) 0.5070751592371323,
                (float) 0.48654887331495095, (float) 0.4409178433670343);
        assertThat(Normalization.CIFAR100.std()).containsExactly((float) 0.2673342858792401,
                (float) 0.2564384629170883, (float) 0.27615047132568404);
        assertThat(Normalization.CIFAR.mean()).containsExactly(0.4914f, 0.4822f, 0.4465f);
        assertThat(Normalization.MNIST.std()).containsExactly(0.3081f);
    }

    @Test
    void toUnitIsToTensor() {
        assertThat(Normalization.toUnit(0)).isEqualTo(0f);
        assertThat(Normalization.toUnit(255)).isEqualTo(1f);
        assertThat(Float.floatToRawIntBits(Normalization.toUnit(128))).isEqualTo(0x3f008081);
    }

    @Test
    void parsesPresetsIgnoringCase() {
        assertThat(Normalization.parse("cifar")).isSameAs(Normalization.CIFAR);
        assertThat(Normalization.parse(" ImageNet ")).isSameAs(Normalization.IMAGENET);
        assertThat(Normalization.parse("CIFAR100")).isSameAs(Normalization.CIFAR100);
        assertThat(Normalization.parse("gtsrb")).isSameAs(Normalization.GTSRB);
        assertThat(Normalization.parse("mnist")).isSameAs(Normalization.MNIST);
        assertThat(Normalization.parse("none")).isSameAs(Normalization.NONE);
        assertThat(Normalization.presetNames()).containsExactly("cifar", "cifar100", "gtsrb", "imagenet", "mnist",
                "none");
    }

    @Test
    void parsesCustomValues() {
        Normalization n = Normalization.parse("0.4914, 0.4822,0.4465/0.2023,0.1994,0.2010");
        assertThat(n).isEqualTo(Normalization.CIFAR);
        assertThat(n.name()).isEqualTo("0.4914,0.4822,0.4465/0.2023,0.1994,0.201");
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < 256; p++) {
                assertThat(n.apply(c, p)).isEqualTo(Normalization.CIFAR.apply(c, p));
            }
        }
        assertThat(Normalization.parse("0.1307/0.3081")).isEqualTo(Normalization.MNIST);
        assertThat(Normalization.parse("0.5/0.5").channels()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "imagenett", "0.5,0.5/0.5", "a/0.5", "0.5/b", "0.5/0", "0.5/-1", "1/2/3",
        "0.5/NaN", "Infinity/1", "0.5,/0.5,0.5"})
    void rejectsMalformedTextWithOneLine(String text) {
        assertThatThrownBy(() -> Normalization.parse(text))
                .isInstanceOf(DatasetException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").isNotBlank());
    }

    @Test
    void unknownNameListsPresets() {
        assertThatThrownBy(() -> Normalization.parse("imagenett"))
                .hasMessageContaining("unknown normalisation 'imagenett'")
                .hasMessageContaining("cifar, cifar100, gtsrb, imagenet, mnist, none")
                .hasMessageContaining("MEANS/STDS");
    }

    @Test
    void oneValueBroadcastsOverChannelsOtherwiseCountsMustMatch() {
        Normalization.NONE.checkChannels(3);
        Normalization.MNIST.checkChannels(3);
        Normalization.CIFAR.checkChannels(3);
        assertThatThrownBy(() -> Normalization.CIFAR.checkChannels(1))
                .isInstanceOf(DatasetException.class)
                .hasMessage("normalisation 'cifar' has 3 channel values but the images have 1 channel(s)");
        byte[] img = {0, (byte) 128, (byte) 255};
        float[] out = new float[3];
        Normalization.MNIST.apply(img, 0, 3, 1, out, 0);
        assertThat(out).containsExactly(Normalization.MNIST.apply(0, 0), Normalization.MNIST.apply(0, 128),
                Normalization.MNIST.apply(0, 255));
    }

    @Test
    void lookupTableIsACopy() {
        float[] t = Normalization.CIFAR.lookupTable(0);
        t[0] = 42f;
        assertThat(Normalization.CIFAR.apply(0, 0)).isNotEqualTo(42f);
        assertThat(Normalization.CIFAR.toString()).isEqualTo("cifar (0.4914,0.4822,0.4465/0.2023,0.1994,0.201)");
    }
}
