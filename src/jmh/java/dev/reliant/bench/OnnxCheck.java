package dev.reliant.bench;

/**
 * Correctness check before timing: ResNet20 on the first 256 CIFAR-10 test images through
 * reliant's Executor and through ONNX Runtime (2 threads each); prints max |diff| of the logits
 * and the argmax agreement, and exits with 1 if max |diff| > 1e-3 or any argmax differs.
 */
public final class OnnxCheck {
    private OnnxCheck() {}

    public static void main(String[] args) throws Exception {
        int batch = 256;
        int c = ResNet20Engines.CLASSES;
        try (ResNet20Engines e = new ResNet20Engines(batch, 2)) {
            float[] a = e.runReliant().clone();
            float[] b = e.ortLogits();
            if (a.length != b.length) {
                throw new IllegalStateException("output sizes differ: " + a.length + " vs " + b.length);
            }
            double maxDiff = 0;
            int agree = 0;
            for (int n = 0; n < batch; n++) {
                int ia = 0;
                int ib = 0;
                for (int k = 0; k < c; k++) {
                    maxDiff = Math.max(maxDiff, Math.abs((double) a[n * c + k] - b[n * c + k]));
                    if (a[n * c + k] > a[n * c + ia]) {
                        ia = k;
                    }
                    if (b[n * c + k] > b[n * c + ib]) {
                        ib = k;
                    }
                }
                agree += ia == ib ? 1 : 0;
            }
            System.out.printf("images %d  max |diff| %.3g  argmax agreement %d/%d%n", batch, maxDiff, agree, batch);
            boolean ok = maxDiff <= 1e-3 && agree == batch;
            System.out.println(ok ? "OK" : "FAIL");
            if (!ok) {
                System.exit(1);
            }
        }
    }
}
