package dev.reliant.train;

import dev.reliant.simd.Simd;

/**
 * The element-wise update loops of the optimizers, on one parameter's values, gradient and state
 * arrays, indices [from, to). A SIMD implementation ({@link UpdateKernelsSimd}) and its plain
 * twin ({@link UpdateKernelsPlain}) perform the same IEEE operations in the same order on every
 * element — lane-wise add, multiply, fused multiply-add, divide and square root, each exactly
 * rounded — so the two agree bit for bit and a run is reproducible with either.
 *
 * <p>The operations follow torch.optim's single-tensor implementation step by step; an
 * {@code add(x, alpha=a)} of PyTorch is one fused multiply-add {@code fma(a, x, self)}. Scalars
 * derived from hyperparameters (bias corrections, step size) are computed in double by the
 * optimizer and rounded to float once, as PyTorch does with Python floats.
 */
interface UpdateKernels {

    /** The active implementation: SIMD unless {@code -Dreliant.simd=off} (see {@link Simd}). */
    static UpdateKernels get() {
        return Simd.enabled() ? UpdateKernelsSimd.INSTANCE : UpdateKernelsPlain.INSTANCE;
    }

    /**
     * One SGD step on [from, to):
     * <pre>
     *   d = g + wd·p                          (only if wd ≠ 0)
     *   buf = d if initBuffer else buf·μ + d  (only if buf ≠ null)
     *   d = nesterov ? d + μ·buf : buf        (only if buf ≠ null)
     *   p = p − lr·d
     * </pre>
     *
     * @param buf the momentum buffer, or null for plain SGD (momentum 0)
     * @param negLr −lr
     */
    void sgd(float[] p, float[] g, float[] buf, int from, int to,
            float weightDecay, float momentum, boolean nesterov, boolean initBuffer, float negLr);

    /**
     * One Adam / AdamW step on [from, to):
     * <pre>
     *   p = p·decayFactor                      (AdamW's decoupled decay; 1 for none)
     *   d = g + wd·p                           (Adam's L2 decay, only if wd ≠ 0)
     *   m = m + (1−β1)·(d − m)                 (torch.lerp)
     *   v = v·β2 + ((1−β2)·d)·d                (torch.addcmul)
     *   p = p + (−stepSize·m) / (√v / √bc2 + eps)
     * </pre>
     */
    void adam(float[] p, float[] g, float[] m, float[] v, int from, int to,
            float decayFactor, float weightDecay, float oneMinusBeta1, float beta2, float oneMinusBeta2,
            float negStepSize, float bc2Sqrt, float eps);
}
