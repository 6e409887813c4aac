package dev.reliant.train;

/** Plain-Java twin of {@link UpdateKernelsSimd}; also finishes the SIMD loops' scalar tails. */
final class UpdateKernelsPlain implements UpdateKernels {
    static final UpdateKernelsPlain INSTANCE = new UpdateKernelsPlain();

    private UpdateKernelsPlain() {}

    @Override
    public void sgd(float[] p, float[] g, float[] buf, int from, int to,
            float weightDecay, float momentum, boolean nesterov, boolean initBuffer, float negLr) {
        boolean decay = weightDecay != 0;
        for (int i = from; i < to; i++) {
            float pi = p[i];
            float d = decay ? Math.fma(weightDecay, pi, g[i]) : g[i];
            if (buf != null) {
                float b = initBuffer ? d : buf[i] * momentum + d;
                buf[i] = b;
                d = nesterov ? Math.fma(momentum, b, d) : b;
            }
            p[i] = Math.fma(negLr, d, pi);
        }
    }

    @Override
    public void adam(float[] p, float[] g, float[] m, float[] v, int from, int to,
            float decayFactor, float weightDecay, float oneMinusBeta1, float beta2, float oneMinusBeta2,
            float negStepSize, float bc2Sqrt, float eps) {
        boolean decoupled = decayFactor != 1f;
        boolean decay = weightDecay != 0;
        for (int i = from; i < to; i++) {
            float pi = decoupled ? p[i] * decayFactor : p[i];
            float d = decay ? Math.fma(weightDecay, pi, g[i]) : g[i];
            float mi = Math.fma(oneMinusBeta1, d - m[i], m[i]);
            float vi = v[i] * beta2 + oneMinusBeta2 * d * d;
            m[i] = mi;
            v[i] = vi;
            float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
            p[i] = pi + negStepSize * mi / denom;
        }
    }
}
