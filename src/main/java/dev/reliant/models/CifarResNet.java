package dev.reliant.models;

import dev.reliant.graph.Graph;
import dev.reliant.graph.GraphBuilder;

/**
 * The CIFAR ResNets of akamaster/pytorch_resnet_cifar10 (resnet20/32/44/56/110/1202, depth
 * 6n + 2): stem {@code conv1} 3×3 3→16 + {@code bn1} + ReLU; stages {@code layer1..3} of n
 * BasicBlocks with 16/32/64 channels and strides 1/2/2; global average pooling; {@code linear}.
 * BasicBlock: {@code conv1} (3×3, stride s), {@code bn1}, ReLU, {@code conv2}, {@code bn2}, add
 * the shortcut, ReLU. The shortcut is "option A" where the stride or the channels change:
 * {@code x[:, :, ::2, ::2]} with planes/4 zero channels on each side ({@code layerK.0.shortcut},
 * no parameters); elsewhere the identity. No convolution has a bias.
 *
 * <p>Generated node names: {@code relu} (stem), {@code layerK.J.relu}, {@code layerK.J.add},
 * {@code layerK.J.relu_1}, {@code avgpool}, {@code flatten}.
 */
public final class CifarResNet {
    private CifarResNet() {}

    /**
     * @param blocks BasicBlocks per stage (3 for resnet20)
     * @param inputSize height and width (32 for CIFAR, 50 for GTSRB)
     */
    public static Graph build(String name, int inputChannels, int blocks, int classes, int inputSize) {
        GraphBuilder b = new GraphBuilder(name);
        int x = b.input(inputChannels, inputSize, inputSize);
        x = b.relu(b.batchNorm("bn1", b.conv("conv1", x, 16, 3, 1, 1, false)));
        int inPlanes = 16;
        int[] planes = {16, 32, 64};
        int[] strides = {1, 2, 2};
        for (int stage = 0; stage < 3; stage++) {
            for (int k = 0; k < blocks; k++) {
                String p = "layer" + (stage + 1) + "." + k;
                int stride = k == 0 ? strides[stage] : 1;
                int out = planes[stage];
                b.scope(p);
                int y = b.relu(b.batchNorm(p + ".bn1", b.conv(p + ".conv1", x, out, 3, stride, 1, false)));
                y = b.batchNorm(p + ".bn2", b.conv(p + ".conv2", y, out, 3, 1, 1, false));
                int shortcut = stride != 1 || inPlanes != out
                        ? b.optionAShortcut(p + ".shortcut", x, 2, out / 4, out / 4)
                        : x;
                x = b.relu(b.add(y, shortcut));
                inPlanes = out;
            }
        }
        b.scope("");
        x = b.flatten(b.globalAvgPool(x));
        b.linear("linear", x, classes, true);
        return b.build();
    }
}
