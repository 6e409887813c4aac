package dev.reliant.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tiny reader of the CIFAR-10 binary test batch for the acceptance tests (records of 3,073
 * bytes: label, 1,024 red, 1,024 green, 1,024 blue), normalised in float32 exactly like
 * torchvision: {@code x = byte / 255f}, then {@code (x − mean) / std} with float32 mean and std
 * (a subtraction, then a division).
 */
final class Cifar10TestSet {
    static final float[] CIFAR_MEAN = {0.4914f, 0.4822f, 0.4465f};
    static final float[] CIFAR_STD = {0.2023f, 0.1994f, 0.2010f};
    static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    private static final int RECORD = 3073;
    private static final int PIXELS = 3072;

    private final byte[] bytes;
    final int size;

    private Cifar10TestSet(byte[] bytes) {
        if (bytes.length % RECORD != 0) {
            throw new IllegalArgumentException("CIFAR-10 batch of " + bytes.length + " bytes is not a whole number of "
                    + RECORD + "-byte records");
        }
        this.bytes = bytes;
        this.size = bytes.length / RECORD;
    }

    static Cifar10TestSet read(Path file) {
        try {
            return new Cifar10TestSet(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int label(int image) {
        return bytes[image * RECORD] & 0xFF;
    }

    /** Normalises images [from, from + count) into out (NCHW, from offset 0). */
    void normalise(int from, int count, float[] mean, float[] std, float[] out) {
        for (int b = 0; b < count; b++) {
            int src = (from + b) * RECORD + 1;
            int dst = b * PIXELS;
            for (int i = 0; i < PIXELS; i++) {
                int c = i / 1024;
                float x = (bytes[src + i] & 0xFF) / 255f;
                out[dst + i] = (x - mean[c]) / std[c];
            }
        }
    }
}
