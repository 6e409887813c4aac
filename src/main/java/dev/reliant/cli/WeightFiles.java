package dev.reliant.cli;

import dev.reliant.io.PyTorchCheckpoint;
import dev.reliant.io.SafeTensors;
import dev.reliant.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;

/** Weight files as the commands take them: safetensors by extension, anything else as a PyTorch checkpoint. */
final class WeightFiles {
    private WeightFiles() {}

    /** True for a {@code .safetensors} name (case-insensitive). */
    static boolean isSafetensors(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".safetensors");
    }

    /** A one-line error unless the file exists and is a regular file. */
    static void requireFile(Path file, String what) {
        if (!Files.exists(file)) {
            throw new UserException(what + " not found: " + file);
        }
        if (!Files.isRegularFile(file)) {
            throw new UserException(what + " is not a regular file: " + file);
        }
    }

    /** The floating-point tensors of a weight file as float32, in file order. */
    static LinkedHashMap<String, Tensor> readFloats(Path file) {
        requireFile(file, "weight file");
        if (isSafetensors(file)) {
            LinkedHashMap<String, Tensor> all = new LinkedHashMap<>();
            SafeTensors.read(file).tensors().forEach((k, v) -> {
                if (v.dtype().isFloatingPoint()) {
                    all.put(k, v.asFloat());
                }
            });
            return all;
        }
        return PyTorchCheckpoint.read(file).floatWeights();
    }
}
