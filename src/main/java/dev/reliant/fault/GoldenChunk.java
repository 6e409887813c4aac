package dev.reliant.fault;

import dev.reliant.graph.Activations;

/**
 * One chunk of a campaign's images: their normalised pixels and, for the fast path, every
 * node's fault-free output (the golden cache, read-only while faults run on it).
 *
 * @param start the index of the chunk's first image in the campaign
 * @param count number of images
 * @param input {@code count × imageSize} normalised values
 * @param outputs per node, its captured output ({@code count × outputSize}); null for the naive path
 */
record GoldenChunk(int start, int count, float[] input, float[][] outputs) {

    /** The captured outputs of every node, as arrays (nodes sharing storage share the array). */
    static float[][] arrays(Activations acts) {
        float[][] a = new float[acts.graph().size()][];
        for (int i = 0; i < a.length; i++) {
            a[i] = acts.output(i);
        }
        return a;
    }
}
