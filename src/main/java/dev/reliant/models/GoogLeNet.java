package dev.reliant.models;

import dev.reliant.graph.Graph;
import dev.reliant.graph.GraphBuilder;

/**
 * GoogLeNet for 32×32 inputs in two layouts (specs/models.md), with the original Inception
 * channel configuration and the 5×5 branch replaced by 3×3 convolutions.
 * <ul>
 *   <li>{@link #torchvisionStyle} (huyvnphan/PyTorch_CIFAR10): every convolution is a
 *       BasicConv2d = {@code .conv} (no bias) + {@code .bn} (eps 0.001) + ReLU; {@code conv1}
 *       3×3 3→192; {@code inception3a}, {@code 3b}, {@code maxpool3} (3, 2, 1), {@code 4a}–{@code 4e},
 *       {@code maxpool4} (3, 2, 1), {@code 5a}, {@code 5b}; branches {@code branch1},
 *       {@code branch2.{0,1}}, {@code branch3.{0,1}}, {@code branch4.1} after a 3×3 stride-1 max
 *       pool ({@code branch4.0}); adaptive average pool, dropout 0.2, {@code fc}.</li>
 *   <li>{@link #weiaicunzaiStyle} (weiaicunzai/pytorch-cifar100): {@code prelayer.{0,3,6}} 3×3
 *       convolutions 3→64→64→192 without bias, each + BN + ReLU; one max pool (3, 2, 1) module
 *       applied after the prelayer, after {@code b3} and after {@code e4} (nodes {@code maxpool},
 *       {@code maxpool_1}, {@code maxpool_2}); Inception modules {@code a3}, {@code b3},
 *       {@code a4}–{@code e4}, {@code a5}, {@code b5} with {@code b1.0}, {@code b2.{0,3}},
 *       {@code b3.{0,3,6}}, {@code b4.1}, each conv <em>with</em> bias + BN + ReLU; adaptive average
 *       pool, Dropout2d 0.4, {@code linear}. As in that code, the batch norm {@code b3.4} is
 *       {@code nn.BatchNorm2d(n5x5, n5x5)}, whose second argument is eps: its eps is the channel
 *       count.</li>
 * </ul>
 */
public final class GoogLeNet {
    private GoogLeNet() {}

    /** in, 1×1, 3×3 reduce, 3×3, "5×5" reduce, "5×5", pool projection. */
    private static final int[][] INCEPTIONS = {
        {192, 64, 96, 128, 16, 32, 32}, {256, 128, 128, 192, 32, 96, 64},
        {480, 192, 96, 208, 16, 48, 64}, {512, 160, 112, 224, 24, 64, 64}, {512, 128, 128, 256, 24, 64, 64},
        {512, 112, 144, 288, 32, 64, 64}, {528, 256, 160, 320, 32, 128, 128},
        {832, 256, 160, 320, 32, 128, 128}, {832, 384, 192, 384, 48, 128, 128},
    };
    private static final double BASIC_EPS = 1e-3;

    public static Graph torchvisionStyle(String name, int inputChannels, int classes, int inputSize) {
        GraphBuilder b = new GraphBuilder(name);
        int x = b.input(inputChannels, inputSize, inputSize);
        x = basic(b, "conv1", x, 192, 3, 1);
        String[] names = {"inception3a", "inception3b", "inception4a", "inception4b", "inception4c", "inception4d",
            "inception4e", "inception5a", "inception5b"};
        for (int i = 0; i < names.length; i++) {
            if (i == 2) {
                x = b.maxPool("maxpool3", x, 3, 2, 1);
            } else if (i == 7) {
                x = b.maxPool("maxpool4", x, 3, 2, 1);
            }
            int[] c = INCEPTIONS[i];
            String p = names[i];
            int b1 = basic(b, p + ".branch1", x, c[1], 1, 0);
            int b2 = basic(b, p + ".branch2.1", basic(b, p + ".branch2.0", x, c[2], 1, 0), c[3], 3, 1);
            int b3 = basic(b, p + ".branch3.1", basic(b, p + ".branch3.0", x, c[4], 1, 0), c[5], 3, 1);
            int b4 = basic(b, p + ".branch4.1", b.maxPool(p + ".branch4.0", x, 3, 1, 1), c[6], 1, 0);
            b.scope(p);
            x = b.concat(b1, b2, b3, b4);
            b.scope("");
        }
        x = b.flatten(b.globalAvgPool("avgpool", x));
        x = b.dropout("dropout", x, 0.2);
        b.linear("fc", x, classes, true);
        return b.build();
    }

    /** BasicConv2d: conv without bias, BN with eps 0.001, ReLU. */
    private static int basic(GraphBuilder b, String p, int x, int out, int kernel, int pad) {
        b.scope(p);
        int y = b.relu(b.batchNorm(p + ".bn", b.conv(p + ".conv", x, out, kernel, 1, pad, false), BASIC_EPS));
        b.scope("");
        return y;
    }

    public static Graph weiaicunzaiStyle(String name, int inputChannels, int classes, int inputSize) {
        GraphBuilder b = new GraphBuilder(name);
        int x = b.input(inputChannels, inputSize, inputSize);
        int[] pre = {64, 64, 192};
        for (int k = 0; k < 3; k++) {
            String p = "prelayer.";
            x = b.conv(p + 3 * k, x, pre[k], 3, 1, 1, false);
            x = b.relu(p + (3 * k + 2), b.batchNorm(p + (3 * k + 1), x));
        }
        x = b.maxPool(x, 3, 2, 1);
        String[] names = {"a3", "b3", "a4", "b4", "c4", "d4", "e4", "a5", "b5"};
        for (int i = 0; i < names.length; i++) {
            if (i == 2 || i == 7) {
                x = b.maxPool(x, 3, 2, 1);
            }
            int[] c = INCEPTIONS[i];
            String p = names[i];
            int b1 = seq(b, p + ".b1", 0, x, c[1], 1, 1e-5);
            int b2 = seq(b, p + ".b2", 3, seq(b, p + ".b2", 0, x, c[2], 1, 1e-5), c[3], 3, 1e-5);
            int b3 = seq(b, p + ".b3", 0, x, c[4], 1, 1e-5);
            b3 = seq(b, p + ".b3", 3, b3, c[5], 3, c[5]);
            b3 = seq(b, p + ".b3", 6, b3, c[5], 3, 1e-5);
            int b4 = seq(b, p + ".b4", 1, b.maxPool(p + ".b4.0", x, 3, 1, 1), c[6], 1, 1e-5);
            b.scope(p);
            x = b.concat(b1, b2, b3, b4);
            b.scope("");
        }
        x = b.globalAvgPool("avgpool", x);
        x = b.flatten(b.dropout("dropout", x, 0.4));
        b.linear("linear", x, classes, true);
        return b.build();
    }

    /** Conv (with bias) at index i of a Sequential, BN at i + 1, ReLU at i + 2. */
    private static int seq(GraphBuilder b, String p, int i, int x, int out, int kernel, double eps) {
        int y = b.conv(p + "." + i, x, out, kernel, 1, kernel / 2, true);
        return b.relu(p + "." + (i + 2), b.batchNorm(p + "." + (i + 1), y, eps));
    }
}
