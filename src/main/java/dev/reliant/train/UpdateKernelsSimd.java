package dev.reliant.train;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link UpdateKernels}: vectors of the preferred shape cover the
 * bulk and {@link UpdateKernelsPlain} finishes the tail. Each lane performs the twin's
 * operations in the twin's order, so results are bit-identical.
 */
final class UpdateKernelsSimd implements UpdateKernels {
    static final UpdateKernelsSimd INSTANCE = new UpdateKernelsSimd();

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final UpdateKernelsPlain TAIL = UpdateKernelsPlain.INSTANCE;

    private UpdateKernelsSimd() {}

    @Override
    public void sgd(float[] p, float[] g, float[] buf, int from, int to,
            float weightDecay, float momentum, boolean nesterov, boolean initBuffer, float negLr) {
        boolean decay = weightDecay != 0;
        FloatVector wd = FloatVector.broadcast(S, weightDecay);
        FloatVector mu = FloatVector.broadcast(S, momentum);
        FloatVector step = FloatVector.broadcast(S, negLr);
        int i = from;
        for (; i <= to - L; i += L) {
            FloatVector pi = FloatVector.fromArray(S, p, i);
            FloatVector d = FloatVector.fromArray(S, g, i);
            if (decay) {
                d = wd.fma(pi, d);
            }
            if (buf != null) {
                FloatVector b = initBuffer ? d : FloatVector.fromArray(S, buf, i).mul(mu).add(d);
                b.intoArray(buf, i);
                d = nesterov ? mu.fma(b, d) : b;
            }
            step.fma(d, pi).intoArray(p, i);
        }
        TAIL.sgd(p, g, buf, i, to, weightDecay, momentum, nesterov, initBuffer, negLr);
    }

    @Override
    public void adam(float[] p, float[] g, float[] m, float[] v, int from, int to,
            float decayFactor, float weightDecay, float oneMinusBeta1, float beta2, float oneMinusBeta2,
            float negStepSize, float bc2Sqrt, float eps) {
        boolean decoupled = decayFactor != 1f;
        boolean decay = weightDecay != 0;
        FloatVector keep = FloatVector.broadcast(S, decayFactor);
        FloatVector wd = FloatVector.broadcast(S, weightDecay);
        FloatVector a1 = FloatVector.broadcast(S, oneMinusBeta1);
        FloatVector b2 = FloatVector.broadcast(S, beta2);
        FloatVector a2 = FloatVector.broadcast(S, oneMinusBeta2);
        FloatVector step = FloatVector.broadcast(S, negStepSize);
        FloatVector bc2 = FloatVector.broadcast(S, bc2Sqrt);
        FloatVector ep = FloatVector.broadcast(S, eps);
        int i = from;
        for (; i <= to - L; i += L) {
            FloatVector pi = FloatVector.fromArray(S, p, i);
            if (decoupled) {
                pi = pi.mul(keep);
            }
            FloatVector d = FloatVector.fromArray(S, g, i);
            if (decay) {
                d = wd.fma(pi, d);
            }
            FloatVector mOld = FloatVector.fromArray(S, m, i);
            FloatVector mi = a1.fma(d.sub(mOld), mOld);
            FloatVector vi = FloatVector.fromArray(S, v, i).mul(b2).add(a2.mul(d).mul(d));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector denom = vi.sqrt().div(bc2).add(ep);
            pi.add(step.mul(mi).div(denom)).intoArray(p, i);
        }
        TAIL.adam(p, g, m, v, i, to, decayFactor, weightDecay, oneMinusBeta1, beta2, oneMinusBeta2,
                negStepSize, bc2Sqrt, eps);
    }
}
