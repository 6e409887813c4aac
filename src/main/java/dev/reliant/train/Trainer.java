package dev.reliant.train;

import dev.reliant.data.Augmentation;
import dev.reliant.data.BatchLoader;
import dev.reliant.data.Dataset;
import dev.reliant.data.Normalization;
import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.graph.Node;
import dev.reliant.ops.Dropout;
import dev.reliant.ops.Parameter;
import dev.reliant.ops.SoftmaxCrossEntropy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The training loop: seeded shuffled batches with augmentation, forward in training mode,
 * softmax cross-entropy, backward, optimizer step with the schedule's learning rate, an
 * evaluation on the test set after each epoch.
 *
 * <p>Determinism (DESIGN invariant 4): the order and augmentation of epoch e come from
 * (seed, e) ({@link BatchLoader}), a dropout mask and a weight perturbation from (seed, global
 * step), the learning rate from (epoch, step). Together with the optimizer state and the model
 * (running statistics included) in a checkpoint, a run resumed after epoch e computes exactly
 * what the uninterrupted run computes.
 */
public final class Trainer {

    /** What the loop needs besides the model and the optimizer. */
    public record Settings(int epochs, int batchSize, long seed, Normalization normalization,
            Augmentation augmentation, double labelSmoothing, int evalBatchSize) {
        public Settings {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be ≥ 1, got " + epochs);
            }
            if (batchSize < 1 || evalBatchSize < 1) {
                throw new IllegalArgumentException("batch sizes must be ≥ 1, got " + batchSize + " and " + evalBatchSize);
            }
            Objects.requireNonNull(normalization, "normalization");
        }
    }

    /** Loss and accuracy over a set of images. */
    public record Evaluation(double loss, int correct, int images) {
        public double accuracy() {
            return images == 0 ? Double.NaN : 100.0 * correct / images;
        }
    }

    /** Progress callbacks (all optional). */
    public interface Listener {
        default void epochStarted(int epoch, int steps) {
        }

        /** After each optimizer step: the batch's loss and correct count. */
        default void stepDone(int epoch, int step, int steps, double loss, int correct, int images) {
        }

        default void evaluating(int epoch) {
        }
    }

    /** Thrown when a step's loss is NaN or infinite; the run stops, earlier checkpoints stay. */
    public static final class DivergedException extends RuntimeException {
        private final int epoch;
        private final int step;

        DivergedException(int epoch, int step, double loss) {
            super("training diverged: loss " + loss + " at epoch " + (epoch + 1) + ", step " + (step + 1)
                    + "; the last checkpoint holds the state after the last finished epoch (lower the learning rate?)");
            this.epoch = epoch;
            this.step = step;
        }

        public int epoch() {
            return epoch;
        }

        public int step() {
            return step;
        }
    }

    private final Backprop backprop;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final Settings settings;
    private final SoftmaxCrossEntropy loss;
    private final Executor evaluator;
    private final List<Dropout> dropouts = new ArrayList<>();
    private WeightPerturbation perturbation;
    private Listener listener = new Listener() { };
    private long globalStep;

    /** A trainer for the parameters of {@code backprop}, updated by {@code optimizer} (made over the same gradients). */
    public Trainer(Backprop backprop, Optimizer optimizer, LearningRateSchedule schedule, Settings settings) {
        this.backprop = backprop;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.settings = settings;
        Graph g = backprop.graph();
        int classes = g.node(g.outputNode()).outputSize();
        this.loss = new SoftmaxCrossEntropy(classes, settings.labelSmoothing());
        backprop.setTraining(false);
        this.evaluator = new Executor(g, Executor.Options.exact()); // planned in inference mode
        for (Node node : g.nodes()) {
            if (node.op() instanceof Dropout d) {
                dropouts.add(d);
            }
        }
    }

    /** Perturbs weights in every training forward (variation-aware training), or null for none. */
    public Trainer perturbation(WeightPerturbation p) {
        this.perturbation = p;
        return this;
    }

    public Trainer listener(Listener l) {
        this.listener = Objects.requireNonNull(l, "listener");
        return this;
    }

    public Settings settings() {
        return settings;
    }

    /** Optimizer steps taken so far (restored on resume). */
    public long globalStep() {
        return globalStep;
    }

    public void setGlobalStep(long step) {
        this.globalStep = step;
    }

    /** The number of optimizer steps of one epoch over {@code train} (a last partial batch counts). */
    public int stepsPerEpoch(Dataset train) {
        return (train.size() + settings.batchSize() - 1) / settings.batchSize();
    }

    /** One epoch of training (epoch index from 0); returns the running mean loss and accuracy over its batches. */
    public Evaluation trainEpoch(int epoch, Dataset train) {
        BatchLoader loader = BatchLoader.shuffled(train, settings.batchSize(), settings.normalization(), settings.seed())
                .epoch(epoch);
        if (settings.augmentation() != null) {
            loader = loader.augment(settings.augmentation());
        }
        int steps = loader.batches();
        int classes = loss.classes();
        float[] grad = new float[settings.batchSize() * classes];
        double lossSum = 0;
        int correct = 0;
        int images = 0;
        backprop.setTraining(true);
        listener.epochStarted(epoch, steps);
        try {
            for (int step = 0; step < steps; step++) {
                BatchLoader.Batch batch = loader.batch(step);
                int n = batch.size();
                double lr = schedule.lr(epoch, step, steps);
                schedule.momentum(epoch, step, steps).ifPresent(optimizer::setMomentum);
                for (int i = 0; i < dropouts.size(); i++) {
                    dropouts.get(i).reseed(new SplittableRandom(settings.seed() ^ globalStep * 0x9E3779B97F4A7C15L
                            ^ i * 0xBF58476D1CE4E5B9L).nextLong()); // its own mask per node and step
                }
                optimizer.zeroGrad();
                float[][] clean = perturb(perturbation, globalStep * 0x9E3779B97F4A7C15L);
                float[] logits = backprop.forward(batch.images().data(), 0, n);
                SoftmaxCrossEntropy.Result r = loss.compute(logits, 0, n, batch.labels(), 0, grad, 0);
                if (!r.isFinite()) {
                    restore(clean);
                    throw new DivergedException(epoch, step, r.loss());
                }
                backprop.backward(grad);
                if (perturbation != null) {
                    perturbation.afterBackward(backprop);
                }
                restore(clean);
                optimizer.step(lr);
                globalStep++;
                lossSum += r.loss() * n;
                correct += r.correct();
                images += n;
                listener.stepDone(epoch, step, steps, r.loss(), r.correct(), n);
            }
        } finally {
            backprop.setTraining(false);
        }
        return new Evaluation(lossSum / images, correct, images);
    }

    /**
     * Loss and top-1 accuracy on a data set in inference mode (running statistics, no dropout, no
     * perturbation but the one it {@link WeightPerturbation#inEvaluation applies in evaluation},
     * fresh per batch, seeded from (seed, global step, batch)).
     */
    public Evaluation evaluate(Dataset data) {
        backprop.setTraining(false);
        BatchLoader loader = BatchLoader.sequential(data, settings.evalBatchSize(), settings.normalization());
        int classes = loss.classes();
        float[] logits = new float[settings.evalBatchSize() * classes];
        SoftmaxCrossEntropy plain = new SoftmaxCrossEntropy(classes);
        WeightPerturbation inEvaluation = perturbation == null ? null : perturbation.inEvaluation();
        double lossSum = 0;
        int correct = 0;
        for (int b = 0; b < loader.batches(); b++) {
            BatchLoader.Batch batch = loader.batch(b);
            int n = batch.size();
            float[][] clean = perturb(inEvaluation, globalStep * 0x9E3779B97F4A7C15L ^ (b + 1) * 0xC2B2AE3D27D4EB4FL);
            try {
                evaluator.run(batch.images().data(), 0, n, logits, 0);
            } finally {
                restore(clean);
            }
            SoftmaxCrossEntropy.Result r = plain.compute(logits, 0, n, batch.labels(), 0, null, 0);
            lossSum += r.loss() * n;
            correct += r.correct();
        }
        return new Evaluation(lossSum / data.size(), correct, data.size());
    }

    /**
     * Writes perturbed weights in place and returns the clean values (null without a
     * perturbation); {@code stream} (the step's or the test batch's) and the name select the draws.
     */
    private float[][] perturb(WeightPerturbation hook, long stream) {
        if (hook == null) {
            return null;
        }
        List<Parameter> ps = backprop.parameters();
        float[][] clean = new float[ps.size()][];
        for (int i = 0; i < ps.size(); i++) {
            Parameter p = ps.get(i);
            if (!hook.appliesTo(p)) {
                continue;
            }
            clean[i] = p.data().clone();
            SplittableRandom rng = new SplittableRandom(settings.seed() ^ stream ^ ((long) p.name().hashCode() << 32));
            hook.perturb(p, clean[i], p.data(), rng);
            p.markChanged();
        }
        return clean;
    }

    private void restore(float[][] clean) {
        if (clean == null) {
            return;
        }
        List<Parameter> ps = backprop.parameters();
        for (int i = 0; i < clean.length; i++) {
            if (clean[i] != null) {
                System.arraycopy(clean[i], 0, ps.get(i).data(), 0, clean[i].length);
                ps.get(i).markChanged();
            }
        }
    }

    /** Where a run writes its state and log, and what it says about itself in the checkpoint. */
    public record Files(java.nio.file.Path checkpoint, TrainingLog log, String model, String options) {
    }

    /** The result of {@link #run}: the last epoch's test evaluation and the best test accuracy seen. */
    public record Outcome(Evaluation test, double bestAccuracy, int epochs) {
    }

    /**
     * Trains from epoch {@code startEpoch} (0, or the epochs a restored checkpoint completed) to
     * {@code settings.epochs()}: after every epoch the test evaluation, a log row and a checkpoint
     * (written atomically, so an interruption leaves the previous one intact).
     */
    public Outcome run(Dataset train, Dataset test, int startEpoch, double bestAccuracy, Files files) {
        Evaluation last = null;
        double best = bestAccuracy;
        int steps = stepsPerEpoch(train);
        for (int epoch = startEpoch; epoch < settings.epochs(); epoch++) {
            long t0 = System.nanoTime();
            double lr = schedule.lr(epoch, 0, steps);
            Evaluation tr = trainEpoch(epoch, train);
            double seconds = (System.nanoTime() - t0) / 1e9;
            listener.evaluating(epoch);
            last = evaluate(test);
            if (!(best >= last.accuracy())) {
                best = last.accuracy();
            }
            files.log().append(new TrainingLog.Row(epoch + 1, lr, tr.loss(), tr.accuracy(), last.loss(),
                    last.accuracy(), tr.images() / seconds, seconds));
            Checkpoint.write(files.checkpoint(), backprop.graph(), optimizer, new Checkpoint.Progress(epoch + 1,
                    globalStep, settings.seed(), files.model(), files.options(), best, java.util.Map.of()));
        }
        if (last == null) {
            last = evaluate(test);
        }
        return new Outcome(last, best, settings.epochs());
    }
}
