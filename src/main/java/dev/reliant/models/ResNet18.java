package dev.reliant.models;

import dev.reliant.graph.Graph;
import dev.reliant.graph.GraphBuilder;

/**
 * ResNet-18 for 32×32 inputs ("CIFAR stem": 3×3 stride-1 convolution, no max pool), four stages
 * of two BasicBlocks with 64/128/256/512 channels and strides 1/2/2/2, a 1×1 stride-s
 * convolution + batch norm as shortcut where the shape changes, global average pooling and a
 * fully connected layer with bias. Two parameter naming schemes of the same network:
 * <ul>
 *   <li>{@link Naming#TORCHVISION} (the SWIM study): {@code conv1}, {@code bn1},
 *       {@code layer1.0.conv1}, {@code layer1.0.bn1}, {@code layer1.0.conv2}, {@code layer1.0.bn2},
 *       {@code layer2.0.downsample.0/1}, {@code fc};</li>
 *   <li>{@link Naming#WEIAICUNZAI} (weiaicunzai/pytorch-cifar100, the CIFAR-100 model of the
 *       reliability model set): {@code conv1.0/1}, {@code conv2_x.0.residual_function.0/1/3/4},
 *       {@code conv3_x.0.shortcut.0/1}, {@code fc}.</li>
 * </ul>
 */
public final class ResNet18 {
    private ResNet18() {}

    /** Parameter naming scheme. */
    public enum Naming { TORCHVISION, WEIAICUNZAI }

    public static Graph build(String name, int inputChannels, Naming naming, int classes, int inputSize) {
        boolean tv = naming == Naming.TORCHVISION;
        GraphBuilder b = new GraphBuilder(name);
        int x = b.input(inputChannels, inputSize, inputSize);
        if (tv) {
            x = b.relu(b.batchNorm("bn1", b.conv("conv1", x, 64, 3, 1, 1, false)));
        } else {
            x = b.relu("conv1.2", b.batchNorm("conv1.1", b.conv("conv1.0", x, 64, 3, 1, 1, false)));
        }
        int inPlanes = 64;
        int[] planes = {64, 128, 256, 512};
        for (int stage = 0; stage < 4; stage++) {
            for (int k = 0; k < 2; k++) {
                int stride = k == 0 && stage > 0 ? 2 : 1;
                int out = planes[stage];
                String p = tv ? "layer" + (stage + 1) + "." + k : "conv" + (stage + 2) + "_x." + k;
                b.scope(p);
                int y;
                if (tv) {
                    y = b.relu(b.batchNorm(p + ".bn1", b.conv(p + ".conv1", x, out, 3, stride, 1, false)));
                    y = b.batchNorm(p + ".bn2", b.conv(p + ".conv2", y, out, 3, 1, 1, false));
                } else {
                    String r = p + ".residual_function.";
                    y = b.relu(r + "2", b.batchNorm(r + "1", b.conv(r + "0", x, out, 3, stride, 1, false)));
                    y = b.batchNorm(r + "4", b.conv(r + "3", y, out, 3, 1, 1, false));
                }
                int shortcut = x;
                if (stride != 1 || inPlanes != out) {
                    String s = p + (tv ? ".downsample." : ".shortcut.");
                    shortcut = b.batchNorm(s + "1", b.conv(s + "0", x, out, 1, stride, 0, false));
                }
                x = b.relu(b.add(y, shortcut));
                inPlanes = out;
            }
        }
        b.scope("");
        x = b.flatten(b.globalAvgPool(tv ? "avgpool" : "avg_pool", x));
        b.linear("fc", x, classes, true);
        return b.build();
    }
}
