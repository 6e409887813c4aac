package dev.reliant.train;

import dev.reliant.graph.Graph;
import dev.reliant.io.SafeTensors;
import dev.reliant.io.WeightFileException;
import dev.reliant.tensor.Tensor;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A training checkpoint: one safetensors file, written atomically (temporary file, then rename),
 * holding the model's state_dict tensors under their names, the optimizer's state tensors
 * ({@code optimizer.*}, see {@link Optimizer#state()}) and, in {@code __metadata__}, the
 * position and identity of the run ({@link Progress}) plus any extra strings the trainer needs
 * to resume exactly. The learning rate needs no state: schedules are functions of the position.
 *
 * <p>{@link #writeWeights} writes the other kind of file a run produces: the final weights, model
 * tensors only, with a model card in the metadata, readable by any safetensors tool as a PyTorch
 * state_dict.
 */
public final class Checkpoint {
    /** Metadata key marking a training checkpoint; the value is the layout version. */
    public static final String MARKER = "reliant_checkpoint";
    static final String LAYOUT_VERSION = "1";
    static final String EPOCHS_COMPLETED = "epochs_completed";
    static final String GLOBAL_STEP = "global_step";
    static final String SEED = "seed";
    static final String MODEL = "model";
    static final String OPTIONS = "options";
    static final String BEST_ACCURACY = "best_accuracy";
    static final String OPTIMIZER = "optimizer";
    private static final Set<String> RESERVED = Set.of(MARKER, EPOCHS_COMPLETED, GLOBAL_STEP, SEED, MODEL, OPTIONS,
            BEST_ACCURACY, OPTIMIZER);

    /**
     * Where a run stands and what it is.
     *
     * @param epochsCompleted epochs finished (training resumes at epoch index epochsCompleted)
     * @param globalStep optimizer steps taken
     * @param seed the run's seed
     * @param model the model's name as the user gave it
     * @param options the command-line options of the run, to repeat them on resume
     * @param bestAccuracy the best test accuracy so far in percent (NaN if none measured)
     * @param extra further metadata the trainer needs (keys other than the ones above)
     */
    public record Progress(int epochsCompleted, long globalStep, long seed, String model, String options,
            double bestAccuracy, Map<String, String> extra) {
        public Progress {
            if (epochsCompleted < 0 || globalStep < 0) {
                throw new IllegalArgumentException("epochs completed and global step must be ≥ 0, got "
                        + epochsCompleted + " and " + globalStep);
            }
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(options, "options");
            extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
            for (String k : extra.keySet()) {
                if (RESERVED.contains(k)) {
                    throw new IllegalArgumentException("checkpoint metadata key '" + k + "' is reserved");
                }
            }
        }
    }

    /** What the final weights file says about itself (accuracy in percent). */
    public record ModelCard(String model, String dataset, double accuracy, long seed, String reliantVersion,
            int epochs) {
        public ModelCard {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(dataset, "dataset");
            Objects.requireNonNull(reliantVersion, "reliantVersion");
        }
    }

    private final Path file;
    private final LinkedHashMap<String, Tensor> model;
    private final LinkedHashMap<String, Tensor> optimizerState;
    private final String optimizerName;
    private final Progress progress;

    private Checkpoint(Path file, LinkedHashMap<String, Tensor> model, LinkedHashMap<String, Tensor> optimizerState,
            String optimizerName, Progress progress) {
        this.file = file;
        this.model = model;
        this.optimizerState = optimizerState;
        this.optimizerName = optimizerName;
        this.progress = progress;
    }

    /** The file read. */
    public Path file() {
        return file;
    }

    /** The model's state_dict tensors, in file order. */
    public Map<String, Tensor> model() {
        return Collections.unmodifiableMap(model);
    }

    /** The optimizer's state tensors ({@code optimizer.*}). */
    public Map<String, Tensor> optimizerState() {
        return Collections.unmodifiableMap(optimizerState);
    }

    /** The optimizer's name ({@link Optimizer#name()}) when the checkpoint was written. */
    public String optimizerName() {
        return optimizerName;
    }

    public Progress progress() {
        return progress;
    }

    /**
     * Writes a checkpoint of the graph's parameters (all of them, buffers included) and the
     * optimizer's state, atomically.
     *
     * @throws IllegalArgumentException if a model tensor's name begins with {@code optimizer.}
     * @throws WeightFileException if writing fails (an existing file is then left as it was)
     */
    public static void write(Path file, Graph graph, Optimizer optimizer, Progress progress) {
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : graph.parameters().entrySet()) {
            if (e.getKey().startsWith(AbstractOptimizer.PREFIX)) {
                throw new IllegalArgumentException("model '" + graph.name() + "' has a parameter named '" + e.getKey()
                        + "', which clashes with the optimizer state in a checkpoint");
            }
            tensors.put(e.getKey(), e.getValue());
        }
        tensors.putAll(optimizer.state());
        LinkedHashMap<String, String> meta = new LinkedHashMap<>();
        meta.put(MARKER, LAYOUT_VERSION);
        meta.put(EPOCHS_COMPLETED, Integer.toString(progress.epochsCompleted()));
        meta.put(GLOBAL_STEP, Long.toString(progress.globalStep()));
        meta.put(SEED, Long.toString(progress.seed()));
        meta.put(MODEL, progress.model());
        meta.put(OPTIONS, progress.options());
        meta.put(BEST_ACCURACY, Double.toString(progress.bestAccuracy()));
        meta.put(OPTIMIZER, optimizer.name());
        meta.putAll(progress.extra());
        SafeTensors.writeFloats(file, tensors, meta);
    }

    /**
     * Reads a checkpoint.
     *
     * @throws WeightFileException if the file is unreadable, not a reliant checkpoint, of another
     *     layout version, or its metadata is incomplete or malformed (one line naming the key)
     */
    public static Checkpoint read(Path file) {
        SafeTensors.Contents contents = SafeTensors.read(file);
        Map<String, String> meta = contents.metadata();
        String marker = meta.get(MARKER);
        if (marker == null) {
            throw new WeightFileException(file, "not a reliant training checkpoint (no '" + MARKER + "' metadata)");
        }
        if (!marker.equals(LAYOUT_VERSION)) {
            throw new WeightFileException(file, "checkpoint layout version " + marker + ", this reliant reads "
                    + LAYOUT_VERSION);
        }
        LinkedHashMap<String, String> extra = new LinkedHashMap<>(meta);
        extra.keySet().removeAll(RESERVED);
        Progress progress = new Progress(
                (int) parseLong(file, meta, EPOCHS_COMPLETED, (long) Integer.MAX_VALUE),
                parseLong(file, meta, GLOBAL_STEP, Long.MAX_VALUE),
                parseLong(file, meta, SEED, null),
                require(file, meta, MODEL),
                require(file, meta, OPTIONS),
                parseDouble(file, meta, BEST_ACCURACY),
                extra);
        LinkedHashMap<String, Tensor> model = new LinkedHashMap<>();
        LinkedHashMap<String, Tensor> optimizer = new LinkedHashMap<>();
        contents.floats().forEach((k, v) -> (k.startsWith(AbstractOptimizer.PREFIX) ? optimizer : model).put(k, v));
        return new Checkpoint(file, model, optimizer, require(file, meta, OPTIMIZER), progress);
    }

    /**
     * Loads the model tensors into the graph and the optimizer state into the optimizer.
     *
     * @throws IllegalArgumentException if the optimizer is of another kind than the one saved,
     *     or a tensor is missing, unexpected or of the wrong shape (nothing of the optimizer is
     *     changed then)
     */
    public void restore(Graph graph, Optimizer optimizer) {
        String source = file.toString();
        if (!optimizer.name().equals(optimizerName)) {
            throw new IllegalArgumentException(source + ": checkpoint was written with optimizer " + optimizerName
                    + ", this run uses " + optimizer.name());
        }
        graph.loadStateDict(model, source);
        try {
            optimizer.loadState(optimizerState);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the final weights: the graph's state_dict only, with metadata {@code format=pt}
     * (the Hugging Face convention for a PyTorch state_dict), {@code model}, {@code dataset},
     * {@code accuracy} (percent), {@code seed}, {@code reliant_version} and {@code epochs}.
     * Atomic, as every safetensors write.
     */
    public static void writeWeights(Path file, Graph graph, ModelCard card) {
        LinkedHashMap<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("model", card.model());
        meta.put("dataset", card.dataset());
        meta.put("accuracy", Double.toString(card.accuracy()));
        meta.put("seed", Long.toString(card.seed()));
        meta.put("reliant_version", card.reliantVersion());
        meta.put("epochs", Integer.toString(card.epochs()));
        SafeTensors.writeFloats(file, graph.parameters(), meta);
    }

    private static String require(Path file, Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) {
            throw new WeightFileException(file, "checkpoint metadata lacks '" + key + "'");
        }
        return v;
    }

    private static long parseLong(Path file, Map<String, String> meta, String key, Long max) {
        String v = require(file, meta, key);
        try {
            long x = Long.parseLong(v);
            if (max == null || (x >= 0 && x <= max)) {
                return x;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new WeightFileException(file, "checkpoint metadata '" + key + "' = '" + v + "' is not "
                + (max == null ? "an integer" : "a whole number in [0, " + max + "]"));
    }

    private static double parseDouble(Path file, Map<String, String> meta, String key) {
        String v = require(file, meta, key);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new WeightFileException(file, "checkpoint metadata '" + key + "' = '" + v + "' is not a number");
        }
    }
}
