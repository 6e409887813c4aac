package dev.reliant.graph;

import dev.reliant.tensor.Tensor;
import java.util.Map;
import java.util.SplittableRandom;

/** Small graphs for the graph and executor tests, with seeded random weights. */
final class TinyModels {
    private TinyModels() {}

    /**
     * One ResNet block and a head:
     * <pre>
     *  0 input  1 c1  2 b1  3 relu  4 c2  5 b2  6 add(5, 3)  7 relu_1  8 avgpool  9 flatten  10 fc
     * </pre>
     */
    static Graph block() {
        GraphBuilder b = new GraphBuilder("block");
        int x = b.input(3, 6, 6);
        x = b.relu(b.batchNorm("b1", b.conv("c1", x, 4, 3, 1, 1, false)));
        int y = b.batchNorm("b2", b.conv("c2", x, 4, 3, 1, 1, true));
        x = b.relu(b.add(y, x));
        x = b.flatten(b.globalAvgPool(x));
        b.linear("fc", x, 5, true);
        return randomise(b.build(), 1);
    }

    /**
     * Every kind of operator, with views (dropout, identity, flatten), a concatenation, a
     * shortcut and branches.
     */
    static Graph mixed() {
        GraphBuilder b = new GraphBuilder("mixed");
        int x = b.input(3, 8, 8);
        int stem = b.relu6(b.batchNorm("bn0", b.conv("conv0", x, 8, 3, 1, 1, true)));
        int a = b.relu(b.batchNorm("a.bn", b.conv("a.conv", stem, 8, 3, 2, 1, 1, 2, false)));
        int s = b.optionAShortcut("short", stem, 2, 4, 4);
        int d = b.conv("dw", stem, 8, 3, 2, 1, 1, 8, false);
        int cat = b.concat(a, d);
        int sum = b.relu(b.add(b.identity(b.conv("mix", cat, 16, 1, 1, 0, false)), s));
        int p = b.maxPool(sum, 3, 2, 1);
        int q = b.avgPool(b.dropout(p, 0.2), 2, 1, 0);
        x = b.flatten(q);
        x = b.relu(b.linear("fc1", x, 12, true));
        b.linear("fc2", b.dropout(x, 0.5), 4, false);
        return randomise(b.build(), 2);
    }

    static Graph randomise(Graph g, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (Map.Entry<String, Tensor> e : g.parameters().entrySet()) {
            float[] d = e.getValue().data();
            boolean var = e.getKey().endsWith("running_var");
            for (int i = 0; i < d.length; i++) {
                d[i] = var ? (float) (0.5 + r.nextDouble()) : (float) (r.nextDouble() - 0.5);
            }
        }
        g.markAllChanged();
        return g;
    }

    static float[] input(Graph g, int batch, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[batch * g.node(0).outputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 4 - 2);
        }
        return x;
    }
}
