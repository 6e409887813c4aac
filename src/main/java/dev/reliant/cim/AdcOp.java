package dev.reliant.cim;

import dev.reliant.ops.AbstractOp;
import dev.reliant.ops.BackwardContext;
import dev.reliant.ops.Op;
import dev.reliant.ops.Parameter;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the ADC twins of a layer ({@link AdcConv2d}, {@link AdcLinear}) share: the
 * {@link AdcSpec}, the calibrated full scale, the calibration switch and the delegation of the
 * backward passes to the float layer.
 *
 * <p>The twin holds the float layer's own {@link Parameter} objects and reads
 * {@code weight.data()} at every forward, so values written into them (device noise of
 * {@link MonteCarloEvaluator}, a fault) are seen without any repacking.
 *
 * <p><b>Calibration</b> ({@link AdcMapping#calibrate}): while calibrating, the forward is the
 * ideal layer (partial sums added un-quantized) and records the largest |p_t| it sees; finishing
 * sets FS = c · that maximum.
 *
 * <p><b>Backward</b>: straight-through — the float layer's {@code backward} and
 * {@code backwardDiagonal} at the same inputs (the quantizer's derivative taken as 1, clipping
 * ignored), so an ADC graph can also be trained ADC-aware.
 */
public abstract class AdcOp extends AbstractOp {
    private final Op layer;
    private final AdcSpec spec;
    /** Reduction length K of one output value. */
    private final int depth;
    private volatile double fullScale = Double.NaN;
    private volatile boolean calibrating;
    /** Bits of the largest |p_t| seen while calibrating (non-negative doubles order like their bits). */
    private final AtomicLong observed = new AtomicLong();

    AdcOp(Op layer, AdcSpec spec, int depth) {
        super(inputShapes(layer), layer.outputShape());
        if (spec == null) {
            throw new IllegalArgumentException("ADC spec must not be null");
        }
        this.layer = layer;
        this.spec = spec;
        this.depth = depth;
    }

    private static int[][] inputShapes(Op layer) {
        int[][] s = new int[layer.inputCount()][];
        for (int i = 0; i < s.length; i++) {
            s[i] = layer.inputShape(i);
        }
        return s;
    }

    public AdcSpec spec() {
        return spec;
    }

    /** The float layer whose parameters this twin reads. */
    public Op layer() {
        return layer;
    }

    /** Reduction length K of one output value (in_features, or C_in/groups·kh·kw). */
    public int depth() {
        return depth;
    }

    /** Number of tiles per output value, ⌈K / R⌉. */
    public int tiles() {
        return (depth + spec.rows() - 1) / spec.rows();
    }

    /** The calibrated FS ({@link AdcSpec.Range#CALIBRATED}); NaN before calibration and in fixed mode. */
    public double fullScale() {
        return fullScale;
    }

    /** Sets the calibrated FS (e.g. one computed on another copy of the model); calibrated mode only. */
    public void setFullScale(double fs) {
        if (spec.range() != AdcSpec.Range.CALIBRATED) {
            throw new IllegalArgumentException("ADC range mode " + spec.range() + " of " + describe()
                    + " takes no full scale (only calibrated mode does)");
        }
        if (!(fs >= 0) || Double.isInfinite(fs)) {
            throw new IllegalArgumentException("ADC full scale of " + describe() + " must be finite and >= 0, got " + fs);
        }
        this.fullScale = fs;
    }

    void startCalibration() {
        observed.set(Double.doubleToLongBits(0.0));
        calibrating = true;
    }

    /** Ends calibration and sets FS = c · the largest |p_t| seen; returns that FS. */
    double finishCalibration() {
        calibrating = false;
        double fs = spec.fraction() * Double.longBitsToDouble(observed.get());
        setFullScale(fs);
        return fs;
    }

    void abortCalibration() {
        calibrating = false;
    }

    /** Whether the forward is currently the ideal layer recording partial sums. */
    protected final boolean calibrating() {
        return calibrating;
    }

    /** Records an image's largest |p_t| while calibrating. */
    protected final void observe(double maxAbs) {
        long bits = Double.doubleToLongBits(maxAbs);
        observed.accumulateAndGet(bits, Math::max);
    }

    /**
     * The FS for one image: the calibrated one, or in fixed mode c · min(R, K) · wMax · xMax.
     */
    protected final double fullScaleFor(double wMax, double xMax) {
        if (spec.range() == AdcSpec.Range.FIXED) {
            return spec.fraction() * Math.min(spec.rows(), depth) * wMax * xMax;
        }
        return fullScale;
    }

    /** Throws when a calibrated-mode forward runs before calibration. */
    protected final void requireReady() {
        if (!calibrating && spec.range() == AdcSpec.Range.CALIBRATED && Double.isNaN(fullScale)) {
            throw new IllegalStateException("ADC range of " + describe()
                    + " is not calibrated: call AdcMapping.calibrate (or setFullScale) first");
        }
    }

    /** The largest |v| of a[from, from + n). */
    protected static double maxAbs(float[] a, int from, int n) {
        float m = 0f;
        for (int i = from; i < from + n; i++) {
            m = Math.max(m, Math.abs(a[i]));
        }
        return m;
    }

    /** The weight's name, for messages. */
    protected abstract String describe();

    @Override
    public List<Parameter> parameters() {
        return layer.parameters();
    }

    @Override
    public void elementChanged(Parameter p, int index) {
        layer.elementChanged(p, index);
    }

    @Override
    public void backward(BackwardContext context) {
        layer.backward(context);
    }

    @Override
    public void backwardDiagonal(BackwardContext context) {
        layer.backwardDiagonal(context);
    }

    @Override
    public String toString() {
        return type() + "(" + layer + ", adc=" + spec + ")";
    }
}
