package dev.reliant.bench;

import java.util.Arrays;

/**
 * ResNet20, batch 256, 2 threads: reliant's Executor (exact) and ONNX Runtime's Java API on the
 * same network and inputs, measured alternately in one JVM. After a warm-up of both engines,
 * each of {@code rounds} rounds times reliant then ORT (the order swaps every round), each for
 * {@code runs} forward passes; images/s = batch · runs / elapsed. Prints every round and the
 * medians.
 *
 * <p>{@code java --add-modules jdk.incubator.vector -cp benchmarks.jar
 * dev.reliant.bench.AlternatingComparison [rounds=10] [runs=10] [warmup=10]}
 */
public final class AlternatingComparison {
    private AlternatingComparison() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int batch = 256;
        int threads = 2;
        System.out.printf("ResNet20 batch %d, %d threads, JDK %s (%s), %d cores; %d rounds x %d runs, warm-up %d%n",
                batch, threads, System.getProperty("java.version"), System.getProperty("java.vm.name"),
                Runtime.getRuntime().availableProcessors(), rounds, runs, warmup);
        try (ResNet20Engines e = new ResNet20Engines(batch, threads)) {
            double sink = 0;
            for (int i = 0; i < warmup; i++) {
                sink += e.runReliant()[0];
                sink += e.runOrt();
            }
            double[] rel = new double[rounds];
            double[] ort = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                boolean reliantFirst = r % 2 == 0;
                for (int half = 0; half < 2; half++) {
                    boolean doReliant = (half == 0) == reliantFirst;
                    long t0 = System.nanoTime();
                    for (int i = 0; i < runs; i++) {
                        sink += doReliant ? e.runReliant()[0] : e.runOrt();
                    }
                    double ips = (double) batch * runs / ((System.nanoTime() - t0) * 1e-9);
                    if (doReliant) {
                        rel[r] = ips;
                    } else {
                        ort[r] = ips;
                    }
                }
                System.out.printf("round %2d  reliant %8.1f img/s   ort %8.1f img/s   ratio %.3f%n",
                        r + 1, rel[r], ort[r], rel[r] / ort[r]);
            }
            double mr = median(rel);
            double mo = median(ort);
            System.out.printf("median    reliant %8.1f img/s   ort %8.1f img/s   reliant/ort %.3f%n", mr, mo, mr / mo);
            if (sink == 42.4242) {
                System.out.println();
            }
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
