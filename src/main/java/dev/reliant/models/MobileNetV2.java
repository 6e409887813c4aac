package dev.reliant.models;

import dev.reliant.graph.Graph;
import dev.reliant.graph.GraphBuilder;

/**
 * MobileNetV2 for CIFAR in the style of kuangliu/pytorch-cifar: stem {@code conv1} 3×3 3→32
 * stride 1 + {@code bn1} + ReLU; {@code layers.0}–{@code layers.16} built from (expansion, out,
 * n, stride) = (1,16,1,1), (6,24,2,1), (6,32,3,2), (6,64,4,2), (6,96,3,1), (6,160,3,2),
 * (6,320,1,1); head {@code conv2} 1×1 320→1280 + {@code bn2} + ReLU, average pool 4 (global at
 * 32×32 input), {@code linear}. Block: {@code conv1} 1×1 expand + {@code bn1} + ReLU,
 * {@code conv2} 3×3 depthwise with the stride + {@code bn2} + ReLU, {@code conv3} 1×1 project +
 * {@code bn3}; where the stride is 1 the shortcut is added: {@code shortcut.0} (1×1 conv) +
 * {@code shortcut.1} (BN) when the channels change, else the identity. ReLU, not ReLU6, as in
 * kuangliu's code. No convolution has a bias.
 */
public final class MobileNetV2 {
    private MobileNetV2() {}

    private static final int[][] CFG = {
        {1, 16, 1, 1}, {6, 24, 2, 1}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1},
    };

    public static Graph build(String name, int inputChannels, int classes, int inputSize) {
        GraphBuilder b = new GraphBuilder(name);
        int x = b.input(inputChannels, inputSize, inputSize);
        x = b.relu(b.batchNorm("bn1", b.conv("conv1", x, 32, 3, 1, 1, false)));
        int inPlanes = 32;
        int layer = 0;
        for (int[] c : CFG) {
            for (int k = 0; k < c[2]; k++) {
                int stride = k == 0 ? c[3] : 1;
                int planes = c[0] * inPlanes;
                int out = c[1];
                String p = "layers." + layer++;
                b.scope(p);
                int y = b.relu(b.batchNorm(p + ".bn1", b.conv(p + ".conv1", x, planes, 1, 1, 0, false)));
                y = b.relu(b.batchNorm(p + ".bn2", b.conv(p + ".conv2", y, planes, 3, stride, 1, 1, planes, false)));
                y = b.batchNorm(p + ".bn3", b.conv(p + ".conv3", y, out, 1, 1, 0, false));
                if (stride == 1) {
                    int shortcut = inPlanes == out ? x
                            : b.batchNorm(p + ".shortcut.1", b.conv(p + ".shortcut.0", x, out, 1, 1, 0, false));
                    y = b.add(y, shortcut);
                }
                x = y;
                inPlanes = out;
            }
        }
        b.scope("");
        x = b.relu(b.batchNorm("bn2", b.conv("conv2", x, 1280, 1, 1, 0, false)));
        int[] s = b.shape(x);
        x = s[1] == 4 && s[2] == 4 ? b.globalAvgPool("avgpool", x) : b.avgPool("avgpool", x, 4, 4, 0);
        x = b.flatten(x);
        b.linear("linear", x, classes, true);
        return b.build();
    }
}
