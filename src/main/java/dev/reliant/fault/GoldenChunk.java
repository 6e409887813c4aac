package dev.reliant.fault;

import dev.reliant.graph.Activations;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

/**
 * One chunk of a campaign's images: their normalised pixels and, for the fast path, every
 * node's fault-free output (the golden cache, read-only while faults run on it).
 *
 * @param start the index of the chunk's first image in the campaign
 * @param count number of images
 * @param input {@code count × imageSize} normalised values
 * @param outputs per node, its captured output ({@code count × outputSize}); null for the naive path
 * @param blockSums per convolution node, its fault-free channel-block sums, made on first use
 */
record GoldenChunk(int start, int count, float[] input, float[][] outputs, Map<Integer, float[][]> blockSums) {

    GoldenChunk(int start, int count, float[] input, float[][] outputs) {
        this(start, count, input, outputs, new ConcurrentHashMap<>());
    }

    /**
     * The fault-free block sums of convolution node {@code node} ({@code [block][count × outputSize]}),
     * computed by {@code make} the first time any worker asks; the others wait for it.
     */
    float[][] blockSums(int node, IntFunction<float[][]> make) {
        return blockSums.computeIfAbsent(node, make::apply);
    }

    /** The captured outputs of every node, as arrays (nodes sharing storage share the array). */
    static float[][] arrays(Activations acts) {
        float[][] a = new float[acts.graph().size()][];
        for (int i = 0; i < a.length; i++) {
            a[i] = acts.output(i);
        }
        return a;
    }
}
