package dev.reliant.models;

import dev.reliant.graph.Graph;
import dev.reliant.graph.GraphBuilder;

/**
 * DenseNets for 32×32 inputs in two layouts (specs/models.md). In both, a dense layer is
 * BN → ReLU → 1×1 conv (4·growth) → BN → ReLU → 3×3 conv (growth), and its output is
 * concatenated after its input (a running {@code torch.cat}, which is what torchvision's list of
 * features amounts to). No convolution has a bias.
 * <ul>
 *   <li>{@link #torchvisionStyle} (huyvnphan/PyTorch_CIFAR10, the CIFAR-10 models):
 *       {@code features.conv0} 3×3 stride 1, {@code features.norm0}, {@code features.relu0},
 *       {@code features.pool0} MaxPool(3, 2, 1); {@code features.denseblock{b}.denselayer{l}.
 *       {norm1, relu1, conv1, norm2, relu2, conv2}}; {@code features.transition{t}.{norm, relu, conv,
 *       pool}} halving the channels, AvgPool 2; {@code features.norm5}, ReLU, adaptive average pool,
 *       {@code classifier}.</li>
 *   <li>{@link #weiaicunzaiStyle} (weiaicunzai/pytorch-cifar100, the CIFAR-100 and GTSRB
 *       DenseNet121): stem {@code conv1} 3×3 3→2·growth, no pooling;
 *       {@code features.dense_block_layer_{i}.bottle_neck_layer_{j}.bottle_neck.{0 BN, 1 ReLU, 2 conv,
 *       3 BN, 4 ReLU, 5 conv}}; {@code features.transition_layer_{i}.down_sample.{0 BN, 1 conv, 2
 *       AvgPool}} (no ReLU, compression 0.5); the last block is {@code features.dense_block3} (no
 *       "_layer_"); {@code features.bn}, {@code features.relu}, adaptive average pool,
 *       {@code linear}.</li>
 * </ul>
 */
public final class DenseNet {
    private DenseNet() {}

    public static Graph torchvisionStyle(String name, int inputChannels, int growth, int[] blocks, int initFeatures, int classes,
                                         int inputSize) {
        GraphBuilder b = new GraphBuilder(name);
        int x = b.input(inputChannels, inputSize, inputSize);
        x = b.conv("features.conv0", x, initFeatures, 3, 1, 1, false);
        x = b.relu("features.relu0", b.batchNorm("features.norm0", x));
        x = b.maxPool("features.pool0", x, 3, 2, 1);
        int channels = initFeatures;
        for (int block = 0; block < blocks.length; block++) {
            for (int l = 1; l <= blocks[block]; l++) {
                String p = "features.denseblock" + (block + 1) + ".denselayer" + l;
                b.scope(p);
                int y = b.relu(p + ".relu1", b.batchNorm(p + ".norm1", x));
                y = b.conv(p + ".conv1", y, 4 * growth, 1, 1, 0, false);
                y = b.relu(p + ".relu2", b.batchNorm(p + ".norm2", y));
                y = b.conv(p + ".conv2", y, growth, 3, 1, 1, false);
                x = b.concat(x, y);
                channels += growth;
            }
            if (block < blocks.length - 1) {
                String t = "features.transition" + (block + 1);
                x = b.relu(t + ".relu", b.batchNorm(t + ".norm", x));
                channels /= 2;
                x = b.avgPool(t + ".pool", b.conv(t + ".conv", x, channels, 1, 1, 0, false), 2, 2, 0);
            }
        }
        b.scope("");
        x = b.relu(b.batchNorm("features.norm5", x));
        x = b.flatten(b.globalAvgPool(x));
        b.linear("classifier", x, classes, true);
        return b.build();
    }

    public static Graph weiaicunzaiStyle(String name, int inputChannels, int growth, int[] blocks, int classes, int inputSize) {
        GraphBuilder b = new GraphBuilder(name);
        int x = b.input(inputChannels, inputSize, inputSize);
        int channels = 2 * growth;
        x = b.conv("conv1", x, channels, 3, 1, 1, false);
        for (int block = 0; block < blocks.length; block++) {
            boolean last = block == blocks.length - 1;
            String blockName = "features.dense_block" + (last ? "" : "_layer_") + block;
            for (int j = 0; j < blocks[block]; j++) {
                String p = blockName + ".bottle_neck_layer_" + j;
                String q = p + ".bottle_neck.";
                b.scope(p);
                int y = b.relu(q + "1", b.batchNorm(q + "0", x));
                y = b.conv(q + "2", y, 4 * growth, 1, 1, 0, false);
                y = b.relu(q + "4", b.batchNorm(q + "3", y));
                y = b.conv(q + "5", y, growth, 3, 1, 1, false);
                x = b.concat(x, y);
                channels += growth;
            }
            if (!last) {
                String t = "features.transition_layer_" + block + ".down_sample.";
                channels = channels / 2;
                x = b.conv(t + "1", b.batchNorm(t + "0", x), channels, 1, 1, 0, false);
                x = b.avgPool(t + "2", x, 2, 2, 0);
            }
        }
        b.scope("");
        x = b.relu("features.relu", b.batchNorm("features.bn", x));
        x = b.flatten(b.globalAvgPool("avgpool", x));
        b.linear("linear", x, classes, true);
        return b.build();
    }
}
