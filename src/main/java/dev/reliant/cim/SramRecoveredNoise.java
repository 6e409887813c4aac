package dev.reliant.cim;

import dev.reliant.tensor.Tensor;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A conv layer with SRAM recovery (specs/cim-swim.md B.3, B.4): a fixed RRAM weight W_R,
 * programmed with variation as {@link RramNoise} does, next to a noise-free SRAM weight W_S
 * computed in parallel and scaled by k = 2^shift_bit. The layer's effective weight is
 * <pre>
 *   W = (W_R' + k · m ⊙ Q_s(W_S)) / 2,    W_R' = LogNormal(Q_b(W_R))
 * </pre>
 * The division by 2 keeps the spiking threshold unchanged. Q_s is {@link LevelQuantizer} with
 * sram_bit bits when shifting is enabled, else b bits; shifting is taken as enabled iff
 * shift_bit ≠ 0 (with shift_bit 0 the scale k is 1 either way). m is the pruning mask of B.4
 * (keep where |W_S| > th·max|W_S| of the layer) for every SRAM conv except the first, when a
 * threshold is set; otherwise m = 1. {@link #effectiveWeight} is the one place of this formula,
 * shared with training.
 *
 * <p><b>Checkpoint format.</b> A safetensors file with the model's whole state_dict, where each
 * conv weight {@code NAME} holds the float W_R, plus for every conv with an SRAM path a float
 * tensor {@code NAME_sram} of the same shape holding W_S, and metadata {@value #QUANT_BITS},
 * {@value #SRAM_BIT}, {@value #SHIFT_BIT} and optionally {@value #PRUNE_THRESHOLD}. A conv without
 * an {@code _sram} tensor is a plain RRAM conv (W = W_R', not halved).
 */
public final class SramRecoveredNoise implements NoiseModel {
    /** Suffix of the SRAM tensor of conv weight NAME: {@code NAME_sram}. */
    public static final String SUFFIX = "_sram";
    /** Metadata key of b, the RRAM bit width. */
    public static final String QUANT_BITS = "quant_bits";
    /** Metadata key of the SRAM bit width. */
    public static final String SRAM_BIT = "sram_bit";
    /** Metadata key of shift_bit (k = 2^shift_bit). */
    public static final String SHIFT_BIT = "shift_bit";
    /** Metadata key of the pruning threshold th (absent or 0: no pruning). */
    public static final String PRUNE_THRESHOLD = "sram_prune_threshold";
    /** Metadata key: whether W_eff is halved (false for a zero-initialised W_S, B.3; absent: true). */
    public static final String HALVED = "sram_halved";

    /**
     * The SRAM settings of a checkpoint.
     *
     * @param quantBits b of the RRAM weights, one of 1, 2, 3, 4, 8
     * @param sramBit bits of Q_s when shifting is enabled, 1 … {@value LevelQuantizer#MAX_BITS}
     * @param shiftBit k = 2^shiftBit, in [−30, 30]
     * @param pruneThreshold th of the pruning mask, in [0, 1); 0 means no pruning
     */
    public record Settings(int quantBits, int sramBit, int shiftBit, double pruneThreshold, boolean halved) {
        /** Settings of an SRAM path halved as B.3 asks for a W_S copied from the RRAM weights. */
        public Settings(int quantBits, int sramBit, int shiftBit, double pruneThreshold) {
            this(quantBits, sramBit, shiftBit, pruneThreshold, true);
        }

        public Settings {
            LogNormalNoise.devParam(quantBits);
            if (sramBit < 1 || sramBit > LevelQuantizer.MAX_BITS) {
                throw new IllegalArgumentException("sram_bit must be in 1.." + LevelQuantizer.MAX_BITS + ", got " + sramBit);
            }
            if (shiftBit < -16 || shiftBit > 16) {
                throw new IllegalArgumentException("shift_bit must be in -16..16, got " + shiftBit);
            }
            if (!(pruneThreshold >= 0 && pruneThreshold < 1)) {
                throw new IllegalArgumentException("sram_prune_threshold must be in [0, 1), got " + pruneThreshold);
            }
        }

        /** Whether the SRAM term is shifted (shift_bit ≠ 0); then Q_s has sram_bit bits, else b. */
        public boolean shifting() {
            return shiftBit != 0;
        }

        /** The bit width of Q_s. */
        public int sramQuantBits() {
            return shifting() ? sramBit : quantBits;
        }

        /** k = 2^shift_bit (exact in float). */
        public float scale() {
            return Math.scalb(1f, shiftBit);
        }

        public boolean pruning() {
            return pruneThreshold > 0;
        }

        /** The settings as checkpoint metadata (the threshold only when pruning). */
        public Map<String, String> metadata() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put(QUANT_BITS, Integer.toString(quantBits));
            m.put(SRAM_BIT, Integer.toString(sramBit));
            m.put(SHIFT_BIT, Integer.toString(shiftBit));
            if (pruning()) {
                m.put(PRUNE_THRESHOLD, Double.toString(pruneThreshold));
            }
            m.put(HALVED, Boolean.toString(halved));
            return m;
        }

        /** The forward and backward of this SRAM path with RRAM variation var_scale. */
        public SramPath path(double varScale) {
            return new SramPath(quantBits, varScale, sramBit, shiftBit, halved);
        }

        /** Reads the settings from checkpoint metadata; one-line errors name the key. */
        public static Settings fromMetadata(Map<String, String> metadata) {
            int b = integer(metadata, QUANT_BITS);
            int s = integer(metadata, SRAM_BIT);
            int shift = integer(metadata, SHIFT_BIT);
            String th = metadata.get(PRUNE_THRESHOLD);
            double threshold = 0;
            if (th != null) {
                try {
                    threshold = Double.parseDouble(th.strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("SRAM checkpoint metadata " + PRUNE_THRESHOLD
                            + " must be a number, got '" + th + "'");
                }
            }
            String halved = metadata.getOrDefault(HALVED, "true").strip();
            if (!halved.equals("true") && !halved.equals("false")) {
                throw new IllegalArgumentException("SRAM checkpoint metadata " + HALVED + " must be true or false, got '"
                        + halved + "'");
            }
            return new Settings(b, s, shift, threshold, halved.equals("true"));
        }

        private static int integer(Map<String, String> metadata, String key) {
            String v = metadata.get(key);
            if (v == null) {
                throw new IllegalArgumentException("SRAM checkpoint has no metadata " + key);
            }
            try {
                return Integer.parseInt(v.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("SRAM checkpoint metadata " + key + " must be an integer, got '"
                        + v + "'");
            }
        }
    }

    private final Settings settings;
    private final RramNoise rram;
    private final LinkedHashMap<String, float[]> sram;
    private final String firstLayer;

    /**
     * @param sram conv weight name → float W_S (copied), in module order
     * @param firstLayer the SRAM conv never pruned (B.4: every conv except the first), or null
     *     for the first key of {@code sram}
     */
    public SramRecoveredNoise(Settings settings, double varScale, Map<String, float[]> sram, String firstLayer) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.rram = new RramNoise(settings.quantBits(), varScale);
        this.sram = new LinkedHashMap<>();
        sram.forEach((k, v) -> this.sram.put(k, Objects.requireNonNull(v, k).clone()));
        if (firstLayer != null && !this.sram.containsKey(firstLayer)) {
            throw new IllegalArgumentException("first SRAM layer " + firstLayer + " has no SRAM weights");
        }
        this.firstLayer = firstLayer != null ? firstLayer : this.sram.isEmpty() ? null : this.sram.keySet().iterator().next();
    }

    /**
     * The model of a checkpoint's tensors and metadata. The first {@code _sram} tensor in the
     * map's order (file order; module order when written from a state_dict) is the unpruned layer.
     */
    public static SramRecoveredNoise fromCheckpoint(Map<String, Tensor> tensors, Map<String, String> metadata,
                                                    double varScale) {
        return fromCheckpoint(tensors, metadata, varScale, null);
    }

    /** As {@link #fromCheckpoint(Map, Map, double)} with the unpruned layer named (null: the first). */
    public static SramRecoveredNoise fromCheckpoint(Map<String, Tensor> tensors, Map<String, String> metadata,
                                                    double varScale, String firstLayer) {
        LinkedHashMap<String, float[]> ws = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (!name.endsWith(SUFFIX)) {
                continue;
            }
            String weight = name.substring(0, name.length() - SUFFIX.length());
            Tensor r = tensors.get(weight);
            if (r == null) {
                throw new IllegalArgumentException("SRAM tensor " + name + " has no RRAM weight " + weight);
            }
            if (!Arrays.equals(r.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("SRAM tensor " + name + " has shape " + e.getValue().shapeString()
                        + ", its weight " + weight + " has " + r.shapeString());
            }
            ws.put(weight, e.getValue().data());
        }
        if (ws.isEmpty()) {
            throw new IllegalArgumentException("no SRAM tensors (NAME" + SUFFIX + ") in the checkpoint");
        }
        return new SramRecoveredNoise(Settings.fromMetadata(metadata), varScale, ws, firstLayer);
    }

    /** Whether a state_dict holds SRAM tensors. */
    public static boolean hasSram(Map<String, ?> tensors) {
        return tensors.keySet().stream().anyMatch(k -> k.endsWith(SUFFIX));
    }

    /** The state_dict without its {@code _sram} tensors (a new map, order kept), loadable into the model. */
    public static <T> LinkedHashMap<String, T> withoutSram(Map<String, T> tensors) {
        LinkedHashMap<String, T> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> {
            if (!k.endsWith(SUFFIX)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /**
     * The pruning mask of B.4: 1 where |W_S| > th·max|W_S| of the layer, else 0; all ones when
     * th is 0.
     */
    public static float[] pruneMask(float[] sramFloat, double threshold) {
        if (threshold <= 0) {
            float[] m = new float[sramFloat.length];
            Arrays.fill(m, 1f);
            return m;
        }
        return SramPath.pruneMask(sramFloat, threshold);
    }

    /**
     * The effective weight (W_R' + k·m⊙Q_s(W_S)) / 2 of one SRAM conv, into {@code out}.
     *
     * @param rramProgrammed W_R', the quantized RRAM weight with its variation
     * @param sramFloat the float SRAM weight W_S (same length)
     * @param prune whether this layer is pruned (a threshold is set and it is not the first SRAM conv)
     */
    public static void effectiveWeight(float[] rramProgrammed, float[] sramFloat, Settings settings, boolean prune,
                                       float[] out) {
        float[] mask = prune && settings.pruning() ? pruneMask(sramFloat, settings.pruneThreshold()) : null;
        settings.path(0).effectiveWeight(rramProgrammed, sramFloat, mask, out);
    }

    public Settings settings() {
        return settings;
    }

    public double varScale() {
        return rram.varScale();
    }

    /** The RRAM part's model. */
    public RramNoise rram() {
        return rram;
    }

    /** Conv weight name → W_S (shared; do not modify), in module order. */
    public Map<String, float[]> sramWeights() {
        return Collections.unmodifiableMap(sram);
    }

    /** The SRAM conv exempt from pruning. */
    public String firstLayer() {
        return firstLayer;
    }

    /** Whether the SRAM term of {@code name} is masked. */
    public boolean pruned(String name) {
        return settings.pruning() && sram.containsKey(name) && !name.equals(firstLayer);
    }

    /** The same model with another var_scale (0: no variation). */
    public SramRecoveredNoise withVarScale(double varScale) {
        return new SramRecoveredNoise(settings, varScale, sram, firstLayer);
    }

    @Override
    public ProgrammedWeights program(String name, int[] shape, float[] clean, LayerMask mask, SplittableRandom rng) {
        float[] rr = rram.programmedValues(name, shape, clean, mask, rng);
        float[] ws = sram.get(name);
        if (ws == null) {
            return ProgrammedWeights.fixed(rr);
        }
        if (ws.length != clean.length) {
            throw new IllegalArgumentException("tensor " + name + ": " + clean.length + " weights but its SRAM tensor has "
                    + ws.length);
        }
        float[] out = new float[rr.length];
        effectiveWeight(rr, ws, settings, pruned(name), out);
        return ProgrammedWeights.fixed(out);
    }

    @Override
    public String describe() {
        return "rram(bits=" + settings.quantBits() + ", var_scale=" + RramNoise.number(varScale()) + ") + sram(bits="
                + settings.sramQuantBits() + ", shift_bit=" + settings.shiftBit()
                + (settings.pruning() ? ", prune=" + settings.pruneThreshold() : "") + ", layers=" + sram.size() + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
