package dev.reliant.fault;

import dev.reliant.data.Dataset;
import dev.reliant.data.Normalization;
import dev.reliant.graph.Executor;

/**
 * The fault-free pass over a campaign's images (specs/fault-injection.md §5 step 2): every
 * image's golden logits and top-1, whether the top-1 is the label, the DUE flag of the golden
 * logits, and the outcome of the golden logits compared with themselves — {@link Outcome#MASKED}
 * unless a golden logit is NaN (NaN equals nothing). That self-outcome is what any fault scores
 * on an image whose logits it leaves bit-identical, so the fast path, which never recomputes
 * such images, counts exactly what the naive path counts.
 */
public final class GoldenRun {
    private final int images;
    private final int classes;
    private final float[] logits;
    private final int[] top1;
    private final boolean[] correct;
    private final boolean[] due;
    private final Outcome[] self;
    private final int[] labels;

    private GoldenRun(int images, int classes, float[] logits, int[] labels) {
        this.images = images;
        this.classes = classes;
        this.logits = logits;
        this.top1 = new int[images];
        this.correct = new boolean[images];
        this.due = new boolean[images];
        this.self = new Outcome[images];
        this.labels = labels.clone();
        for (int i = 0; i < images; i++) {
            int off = i * classes;
            top1[i] = Outcome.top1(logits, off, classes);
            correct[i] = top1[i] == labels[i];
            due[i] = Outcome.isDue(logits, off, classes);
            self[i] = Outcome.classify(logits, off, top1[i], logits, off, classes);
        }
    }

    /** Runs every image of {@code data} (normalised by {@code norm}) in chunks of {@code chunk} images. */
    public static GoldenRun compute(Executor executor, Dataset data, Normalization norm, int chunk) {
        int n = data.size();
        int classes = executor.graph().node(executor.graph().outputNode()).outputSize();
        float[] logits = new float[Math.multiplyExact(n, classes)];
        float[] input = new float[Math.multiplyExact(Math.min(chunk, Math.max(n, 1)), data.imageSize())];
        for (int start = 0; start < n; start += chunk) {
            int count = Math.min(chunk, n - start);
            data.batch(start, count, norm, input, 0);
            executor.run(input, 0, count, logits, start * classes);
        }
        return new GoldenRun(n, classes, logits, data.labels());
    }

    /** Number of images. */
    public int images() {
        return images;
    }

    /** Logits per image. */
    public int classes() {
        return classes;
    }

    /** The live array of golden logits, image after image. */
    float[] logits() {
        return logits;
    }

    /** The golden top-1 of an image. */
    public int top1(int image) {
        return top1[image];
    }

    /** Whether the golden top-1 of an image is its label. */
    public boolean correct(int image) {
        return correct[image];
    }

    /** Whether the golden logits of an image contain NaN or an infinity. */
    public boolean due(int image) {
        return due[image];
    }

    /** The outcome of a fault that leaves this image's logits bit-identical. */
    public Outcome unchangedOutcome(int image) {
        return self[image];
    }

    /** Images whose golden top-1 is the label. */
    public int top1Correct() {
        int c = 0;
        for (boolean b : correct) {
            c += b ? 1 : 0;
        }
        return c;
    }

    /** Golden top-1 accuracy in [0, 1]. */
    public double accuracy() {
        return images == 0 ? 0.0 : (double) top1Correct() / images;
    }

    /** Counts image {@code image} as unchanged by a fault. */
    void countUnchanged(int image, OutcomeCounts counts) {
        counts.add(self[image], correct[image], due[image]);
    }

    /** Counts faulty logits of image {@code image} ({@code classes} values from {@code off}). */
    void countFaulty(int image, float[] faulty, int off, OutcomeCounts counts) {
        Outcome o = Outcome.classify(logits, image * classes, top1[image], faulty, off, classes);
        counts.add(o, Outcome.top1(faulty, off, classes) == labels[image], Outcome.isDue(faulty, off, classes));
    }
}
