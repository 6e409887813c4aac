package dev.reliant.models;

import dev.reliant.graph.Graph;
import dev.reliant.graph.GraphBuilder;

/**
 * VGG with batch norm for CIFAR-sized inputs, huyvnphan/PyTorch_CIFAR10 layout:
 * {@code features} = [Conv 3×3 pad 1 with bias, BatchNorm, ReLU] per channel entry of the
 * configuration and MaxPool 2×2 per "M", indexed as in the {@code nn.Sequential}
 * ({@code features.0}, {@code features.1}, …); {@code avgpool} AdaptiveAvgPool(1); flatten;
 * {@code classifier} = Linear 512→4096 ({@code .0}), ReLU, Dropout, Linear 4096→4096 ({@code .3}),
 * ReLU, Dropout, Linear 4096→classes ({@code .6}).
 *
 * <p>The GTSRB VGG11_bn of weiaicunzai has the same names and no average pool; with a 50×50
 * input the features end at 1×1, where the average pool is exactly the identity, so the same
 * builder serves it ({@code --input-size 50 --classes 43}).
 */
public final class Vgg {
    private Vgg() {}

    private static final int M = -1;

    /** Configuration A/B/D/E for depth 11/13/16/19. */
    static int[] config(int depth) {
        switch (depth) {
            case 11: return new int[] {64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M};
            case 13: return new int[] {64, 64, M, 128, 128, M, 256, 256, M, 512, 512, M, 512, 512, M};
            case 16: return new int[] {64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M};
            case 19: return new int[] {64, 64, M, 128, 128, M, 256, 256, 256, 256, M, 512, 512, 512, 512, M,
                    512, 512, 512, 512, M};
            default: throw new IllegalArgumentException("no VGG configuration for depth " + depth);
        }
    }

    public static Graph build(String name, int inputChannels, int depth, int classes, int inputSize) {
        GraphBuilder b = new GraphBuilder(name);
        int x = b.input(inputChannels, inputSize, inputSize);
        int i = 0;
        for (int v : config(depth)) {
            if (v == M) {
                x = b.maxPool("features." + i++, x, 2, 2, 0);
            } else {
                x = b.conv("features." + i++, x, v, 3, 1, 1, true);
                x = b.batchNorm("features." + i++, x);
                x = b.relu("features." + i++, x);
            }
        }
        x = b.flatten(b.globalAvgPool("avgpool", x));
        x = b.dropout("classifier.2", b.relu("classifier.1", b.linear("classifier.0", x, 4096, true)), 0.5);
        x = b.dropout("classifier.5", b.relu("classifier.4", b.linear("classifier.3", x, 4096, true)), 0.5);
        b.linear("classifier.6", x, classes, true);
        return b.build();
    }
}
