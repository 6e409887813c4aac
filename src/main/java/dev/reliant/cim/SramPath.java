package dev.reliant.cim;

import java.util.SplittableRandom;

/**
 * The SRAM recovery path of one conv layer (specs/cim-swim.md B.3, B.4): a frozen RRAM weight
 * W_R and a trainable, noise-free SRAM weight W_S combine into the weight the conv uses,
 * <pre>
 *   W_eff = (W_R' + k·mask·Q_s(W_S)) / 2,    k = 2^shift_bit
 * </pre>
 * where W_R' is Q_b(W_R) with the log-normal variation of B.2 (redrawn every batch), Q_s is
 * Q_{sram_bit} when shift_bit ≠ 0 and Q_b otherwise, and the mask (pruning, B.4; all ones when
 * pruning is off) keeps the SRAM weights with |W_S| > th·max|W_S|. The division by 2 keeps the
 * firing threshold; B.3 skips it when W_S starts at zero ({@code halve = false}). Since conv is
 * linear in its weight, this equals the spec's sum of two convolutions.
 *
 * <p>Backward: straight-through for Q_s, so dL/dW_S = (k/2)·mask·dL/dW_eff (k·mask… without the
 * halving); W_R gets no gradient.
 *
 * <p>This is the one implementation of the formula: training ({@link SramTraining}) and the
 * Monte-Carlo evaluation of SRAM checkpoints ({@link SramRecoveredNoise}) both call it.
 */
public final class SramPath {
    private final LevelQuantizer rramQuantizer;
    private final LevelQuantizer sramQuantizer;
    private final double sigma;
    private final int shiftBit;
    private final float k;
    private final boolean halve;

    /**
     * @param quantBits b of the RRAM weights, one of 1, 2, 3, 4, 8
     * @param varScale the multiplier of dev_param(b), ≥ 0 (0: no variation)
     * @param sramBit the SRAM bits, used when {@code shiftBit ≠ 0}
     * @param shiftBit the shift: k = 2^shiftBit (−3 gives 0.125), in −16 … 16
     * @param halve whether the sum is divided by 2 (false only for a zero-initialised W_S)
     */
    public SramPath(int quantBits, double varScale, int sramBit, int shiftBit, boolean halve) {
        this.sigma = new LogNormalNoise(quantBits, varScale).sigma();
        if (shiftBit < -16 || shiftBit > 16) {
            throw new IllegalArgumentException("shift_bit must be in -16..16, got " + shiftBit);
        }
        if (shiftBit != 0 && (sramBit < 1 || sramBit > LevelQuantizer.MAX_BITS)) {
            throw new IllegalArgumentException("sram_bit must be in 1.." + LevelQuantizer.MAX_BITS + ", got " + sramBit);
        }
        this.rramQuantizer = new LevelQuantizer(quantBits);
        this.sramQuantizer = new LevelQuantizer(shiftBit != 0 ? sramBit : quantBits);
        this.shiftBit = shiftBit;
        this.k = (float) Math.scalb(1.0, shiftBit);
        this.halve = halve;
    }

    /** k = 2^shift_bit. */
    public float shiftFactor() {
        return k;
    }

    /** dL/dW_S per unit of dL/dW_eff where the mask keeps the weight: k/2, or k without halving. */
    public float gradientScale() {
        return halve ? k / 2 : k;
    }

    public int shiftBit() {
        return shiftBit;
    }

    /** Q_s: Q_{sram_bit} when shifting, Q_b otherwise. */
    public LevelQuantizer sramQuantizer() {
        return sramQuantizer;
    }

    public LevelQuantizer rramQuantizer() {
        return rramQuantizer;
    }

    /** σ of the log-normal variation of W_R'. */
    public double sigma() {
        return sigma;
    }

    /**
     * The pruning mask of B.4: 1 where |W_S| > th·max|W_S| of the layer (float values), else 0.
     *
     * @param threshold th, in [0, 1)
     */
    public static float[] pruneMask(float[] sram, double threshold) {
        if (!(threshold >= 0 && threshold < 1)) {
            throw new IllegalArgumentException("prune threshold must be in [0, 1), got " + threshold);
        }
        float max = CrossbarMapping.maxAbs("SRAM weight", sram);
        float cut = (float) (threshold * max);
        float[] mask = new float[sram.length];
        for (int i = 0; i < sram.length; i++) {
            mask[i] = Math.abs(sram[i]) > cut ? 1f : 0f;
        }
        return mask;
    }

    /** W_R' = Q_b(W_R) with fresh log-normal variation from {@code rng}. */
    public float[] noisyRram(float[] rram, SplittableRandom rng) {
        float[] out = rramQuantizer.quantize(rram);
        LogNormalNoise.apply(out, sigma, rng, out);
        return out;
    }

    /**
     * W_eff from a given W_R' (already quantized and varied).
     *
     * @param mask the pruning mask, or null for none
     */
    public void effectiveWeight(float[] noisyRram, float[] sram, float[] mask, float[] out) {
        if (noisyRram.length != sram.length || out.length != sram.length || mask != null && mask.length != sram.length) {
            throw new IllegalArgumentException("SRAM path: RRAM, SRAM, mask and output need " + sram.length
                    + " values each, got " + noisyRram.length + ", " + sram.length + ", "
                    + (mask == null ? "no mask" : mask.length) + ", " + out.length);
        }
        float div = halve ? 2f : 1f;
        for (int i = 0; i < sram.length; i++) {
            float s = sramQuantizer.quantize(sram[i]);
            if (mask != null) {
                s *= mask[i];
            }
            out[i] = (noisyRram[i] + k * s) / div;
        }
    }

    /** W_eff with W_R' drawn from {@code rng} (Q_b of the float W_R plus B.2 variation). */
    public void effectiveWeight(float[] rram, float[] sram, float[] mask, SplittableRandom rng, float[] out) {
        effectiveWeight(noisyRram(rram, rng), sram, mask, out);
    }

    /** Adds the straight-through dL/dW_S = gradientScale·mask·dL/dW_eff to {@code sramGrad}. */
    public void addSramGradient(float[] effGrad, float[] mask, float[] sramGrad) {
        if (effGrad.length != sramGrad.length || mask != null && mask.length != sramGrad.length) {
            throw new IllegalArgumentException("SRAM path backward: gradients and mask need " + sramGrad.length
                    + " values each, got " + effGrad.length + " and " + (mask == null ? "no mask" : mask.length));
        }
        float scale = gradientScale();
        for (int i = 0; i < effGrad.length; i++) {
            sramGrad[i] += mask == null ? scale * effGrad[i] : scale * mask[i] * effGrad[i];
        }
    }

    public String describe() {
        return "sram(rram=" + rramQuantizer.describe() + ", sigma=" + (float) sigma + ", sram=" + sramQuantizer.describe()
                + ", shift=" + shiftBit + (halve ? "" : ", no halving") + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
