package dev.reliant.io;

import dev.reliant.testing.SharedData;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliant.tensor.Tensor;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The pretrained CIFAR-10 ResNets of ../shared in their three formats: the two PyTorch files
 * must give exactly the tensors of the safetensors file. Read in place, never copied.
 */
class RealFixturesTest {
    @TempDir
    Path tmp;

    private static Path weights(String file) {
        return SharedData.require("weights/akamaster-resnet-cifar10").resolve(file);
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet20", "resnet32", "resnet44", "resnet56"})
    void pytorchFormatsGiveExactlyTheSafetensorsTensors(String model) {
        SafeTensors.Contents reference = SafeTensors.read(weights(model + ".safetensors"));
        assertThat(reference.tensors()).isNotEmpty();
        assertThat(reference.metadata()).containsKeys("source", "best_prec1");

        PyTorchCheckpoint zip = PyTorchCheckpoint.read(weights(model + ".pth"));
        PyTorchCheckpoint legacy = PyTorchCheckpoint.read(weights(model + "-legacy.th"));
        assertThat(zip.format()).isEqualTo(PyTorchCheckpoint.Format.ZIP);
        assertThat(zip.stateDictKey()).isEmpty();
        assertThat(legacy.format()).isEqualTo(PyTorchCheckpoint.Format.LEGACY);
        assertThat(legacy.stateDictKey()).isEqualTo("state_dict");
        assertThat(legacy.strippedModulePrefix()).isTrue();
        assertThat(legacy.metadata()).containsEntry("best_prec1", reference.metadata().get("best_prec1"));

        for (PyTorchCheckpoint c : List.of(zip, legacy)) {
            assertThat(new ArrayList<>(c.tensors().keySet())).as(c.format().toString())
                    .containsExactlyElementsOf(reference.tensors().keySet());
            for (Map.Entry<String, StoredTensor> e : reference.tensors().entrySet()) {
                StoredTensor t = c.tensors().get(e.getKey());
                assertThat(t.dtype()).isEqualTo(DType.F32);
                assertThat(t.shape()).as(e.getKey()).containsExactly(e.getValue().shape());
                assertThat(t.contentEquals(e.getValue())).as(c.format() + " " + e.getKey()).isTrue();
            }
            LinkedHashMap<String, Tensor> floats = c.floatWeights();
            assertThat(floats.keySet()).containsExactlyElementsOf(reference.tensors().keySet());
            assertThat(floats.get("conv1.weight").bitEquals(reference.tensors().get("conv1.weight").asFloat())).isTrue();
        }
        assertThat(reference.tensors().get("conv1.weight").shape()).containsExactly(16, 3, 3, 3);
        assertThat(reference.tensors().get("linear.weight").shape()).containsExactly(10, 64);
    }

    @Test
    void rewritingASafetensorsFileReproducesItByteForByte() throws IOException {
        Path original = weights("resnet20.safetensors");
        SafeTensors.Contents c = SafeTensors.read(original);
        Path copy = tmp.resolve("resnet20.safetensors");
        SafeTensors.write(copy, c.tensors(), c.metadata());
        assertThat(Files.mismatch(original, copy)).isEqualTo(-1L);
        // And a conversion from the legacy checkpoint, with the same metadata, is that same file.
        PyTorchCheckpoint legacy = PyTorchCheckpoint.read(weights("resnet20-legacy.th"));
        Path converted = tmp.resolve("converted.safetensors");
        SafeTensors.write(converted, legacy.tensors(), c.metadata());
        assertThat(Files.mismatch(original, converted)).isEqualTo(-1L);
    }

    @Test
    void testVectorModelsAreReadableWithTheirMetadata() throws IOException {
        Path models = SharedData.require("testvectors/models");
        int n = 0;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(models, "*.safetensors")) {
            for (Path f : s) {
                SafeTensors.Contents c = SafeTensors.read(f);
                String name = f.getFileName().toString();
                assertThat(c.metadata()).as(name).containsKeys("model", "dataset", "parameters");
                assertThat(name).isEqualTo(c.metadata().get("dataset") + "-" + c.metadata().get("model") + ".safetensors");
                assertThat(Long.parseLong(c.metadata().get("parameters"))).isPositive();
                assertThat(c.tensors().keySet()).containsExactlyInAnyOrder("input", "logits");
                int[] in = c.tensors().get("input").shape();
                assertThat(in).hasSize(4);
                assertThat(in[0]).isEqualTo(4);
                assertThat(c.tensors().get("logits").shape()[0]).isEqualTo(4);
                n++;
            }
        }
        assertThat(n).isGreaterThan(0);
    }
}
