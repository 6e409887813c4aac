package dev.reliant.cim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliant.io.SafeTensors;
import dev.reliant.io.StoredTensor;
import dev.reliant.io.WeightFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Write-verify masks as files: round trip, granularity, and checks against a model's weights. */
class WriteVerifyMaskTest {
    @TempDir
    Path tmp;

    private static Map<String, int[]> shapes() {
        Map<String, int[]> s = new LinkedHashMap<>();
        s.put("conv1.weight", new int[] {2, 1, 3, 3});
        s.put("fc.weight", new int[] {3, 4});
        return s;
    }

    @Test
    void savesOneUint8TensorPerWeightAndReadsItBack() {
        Map<String, byte[]> v = new LinkedHashMap<>();
        byte[] conv = new byte[18];
        conv[4] = 1;
        conv[17] = 1;
        v.put("conv1.weight", conv);
        byte[] fc = new byte[12];
        fc[0] = 1;
        v.put("fc.weight", fc);
        WriteVerifyMask m = WriteVerifyMask.of(shapes(), v, false);
        Path f = tmp.resolve("mask.safetensors");
        m.save(f, Map.of("method", "swim"));

        var stored = SafeTensors.read(f);
        assertThat(stored.tensors().get("conv1.weight").shape()).containsExactly(2, 1, 3, 3);
        assertThat(stored.metadata()).containsEntry("granularity", "weight").containsEntry("verified", "3")
                .containsEntry("weights", "30").containsEntry("method", "swim");
        WriteVerifyMask back = WriteVerifyMask.load(f);
        assertThat(back.layer("conv1.weight").values()).containsExactly(conv);
        assertThat(back.layer("fc.weight").values()).containsExactly(fc);
        assertThat(back.verifiedCount()).isEqualTo(3);
        assertThat(back.verifiedFraction()).isEqualTo(3.0 / 30);
        assertThat(back.perDevice()).isFalse();
        back.requireMatches(shapes(), "mask.safetensors");
    }

    @Test
    void deviceGranularityKeepsOneBitPerSlice() {
        Map<String, byte[]> v = new LinkedHashMap<>();
        v.put("conv1.weight", new byte[18]);
        byte[] fc = new byte[12];
        fc[5] = (byte) 0b1000_0001; // slices 0 and 7 of weight 5
        v.put("fc.weight", fc);
        Path f = tmp.resolve("device.safetensors");
        WriteVerifyMask.of(shapes(), v, true).save(f, Map.of());
        WriteVerifyMask back = WriteVerifyMask.load(f);
        assertThat(back.perDevice()).isTrue();
        LayerMask l = back.layer("fc.weight");
        assertThat(l.verified(5, 0)).isTrue();
        assertThat(l.verified(5, 7)).isTrue();
        assertThat(l.verified(5, 3)).isFalse();
        assertThat(l.verified(4, 0)).isFalse();
    }

    @Test
    void aMaskThatDoesNotFitTheModelIsNamedInOneLine() {
        WriteVerifyMask m = WriteVerifyMask.uniform(shapes(), true);
        Map<String, int[]> other = shapes();
        other.put("fc.weight", new int[] {4, 3});
        assertThatThrownBy(() -> m.requireMatches(other, "m.safetensors"))
                .hasMessage("m.safetensors: mask of fc.weight has shape [3, 4], the weight has [4, 3]");
        Map<String, int[]> more = shapes();
        more.put("fc2.weight", new int[] {1, 1});
        assertThatThrownBy(() -> m.requireMatches(more, "m.safetensors"))
                .hasMessage("m.safetensors: no mask for weight fc2.weight");
        Map<String, int[]> fewer = new LinkedHashMap<>(shapes());
        fewer.remove("fc.weight");
        assertThatThrownBy(() -> m.requireMatches(fewer, "m.safetensors"))
                .hasMessage("m.safetensors: mask tensor fc.weight is not a weight of the model");
    }

    @Test
    void aFileOfFloatsOrAnUnknownGranularityIsRefused() throws Exception {
        Path floats = tmp.resolve("floats.safetensors");
        SafeTensors.writeFloats(floats, Map.of("fc.weight", dev.reliant.tensor.Tensor.zeros(3, 4)), Map.of());
        assertThatThrownBy(() -> WriteVerifyMask.load(floats)).isInstanceOf(WeightFileException.class)
                .hasMessageContaining("mask tensor fc.weight is F32, expected U8");
        Path odd = tmp.resolve("odd.safetensors");
        SafeTensors.write(odd, Map.of("fc.weight", StoredTensor.ofU8("fc.weight", new int[] {2}, new byte[2])),
                Map.of("granularity", "bit"));
        assertThatThrownBy(() -> WriteVerifyMask.load(odd)).hasMessageContaining("granularity 'bit'");
        assertThat(Files.list(tmp).filter(p -> p.getFileName().toString().endsWith(".part"))).isEmpty();
    }
}
