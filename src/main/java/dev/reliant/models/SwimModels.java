package dev.reliant.models;

import dev.reliant.graph.Graph;
import dev.reliant.graph.GraphBuilder;
import dev.reliant.graph.Node;
import dev.reliant.ops.Conv2d;
import dev.reliant.ops.Linear;
import dev.reliant.ops.Quantize;

/**
 * The small networks of the computing-in-memory study (SWIM), specs/models.md.
 *
 * <p><b>LeNet</b> (MNIST, 1×28×28): {@code conv1} 1→6 k3 p1, ReLU, max-pool 2; {@code conv2}
 * 6→16 k3 p1, ReLU, max-pool 2; flatten; {@code fc1} 784→120, ReLU; {@code fc2} 120→84, ReLU;
 * {@code fc3} 84→classes. Every layer has a bias.
 *
 * <p><b>ConvNet</b> (CIFAR-10, 3×32×32). The study gives no module names, so the names mirror a
 * PyTorch {@code nn.Sequential} pair {@code features} / {@code classifier}:
 * <pre>
 *   features.0  Conv 3→64     features.1  ReLU    features.2  Conv 64→64    features.3  ReLU    features.4  MaxPool 2
 *   features.5  Conv 64→128   features.6  ReLU    features.7  Conv 128→128  features.8  ReLU    features.9  MaxPool 2
 *   features.10 Conv 128→256  features.11 ReLU    features.12 Conv 256→256  features.13 ReLU    features.14 MaxPool 2
 *   flatten
 *   classifier.0 Linear 4096→1024  classifier.1 ReLU  classifier.2 Linear 1024→1024  classifier.3 ReLU
 *   classifier.4 Linear 1024→classes
 * </pre>
 * Every convolution is 3×3, padding 1, with bias; every linear layer has a bias.
 *
 * <p><b>Quantized variants</b> (specs/cim-swim.md A.2; {@code quantBits} N &gt; 0, 0 = float):
 * a {@code Quantize} node named {@code <layer>.quant} after every conv and linear output (after
 * the bias, before the ReLU or batch norm), so each layer computes {@code y = q_N(op(x, W) + b)}
 * with the range over the whole batch tensor. Parameter names and shapes are those of the float
 * model, so the same state_dict loads. Weights and biases are quantized separately
 * ({@code dev.reliant.cim.QuantizedWeights}, {@code dev.reliant.cim.QuantizedTraining}). The
 * study's widths: QLeNet 4, QConvNet 6, QResNet-18 8.
 */
public final class SwimModels {
    private SwimModels() {}

    public static Graph lenet(String name, int inputChannels, int classes, int inputSize) {
        GraphBuilder b = new GraphBuilder(name);
        int x = b.input(inputChannels, inputSize, inputSize);
        x = b.maxPool(b.relu(b.conv("conv1", x, 6, 3, 1, 1, true)), 2, 2, 0);
        x = b.maxPool(b.relu(b.conv("conv2", x, 16, 3, 1, 1, true)), 2, 2, 0);
        x = b.flatten(x);
        x = b.relu(b.linear("fc1", x, 120, true));
        x = b.relu(b.linear("fc2", x, 84, true));
        b.linear("fc3", x, classes, true);
        return b.build();
    }

    public static Graph convnet(String name, int inputChannels, int classes, int inputSize) {
        GraphBuilder b = new GraphBuilder(name);
        int x = b.input(inputChannels, inputSize, inputSize);
        int i = 0;
        for (int channels : new int[] {64, 128, 256}) {
            for (int rep = 0; rep < 2; rep++) {
                x = b.conv("features." + i++, x, channels, 3, 1, 1, true);
                x = b.relu("features." + i++, x);
            }
            x = b.maxPool("features." + i++, x, 2, 2, 0);
        }
        x = b.flatten(x);
        x = b.relu("classifier.1", b.linear("classifier.0", x, 1024, true));
        x = b.relu("classifier.3", b.linear("classifier.2", x, 1024, true));
        b.linear("classifier.4", x, classes, true);
        return b.build();
    }

    /** LeNet; with {@code quantBits} N &gt; 0 every conv/linear output is quantized by q_N (QLeNet: N = 4). */
    public static Graph lenet(String name, int inputChannels, int classes, int inputSize, int quantBits) {
        return quantizeLayerOutputs(lenet(name, inputChannels, classes, inputSize), quantBits);
    }

    /** ConvNet; with {@code quantBits} N &gt; 0 every conv/linear output is quantized by q_N (QConvNet: N = 6). */
    public static Graph convnet(String name, int inputChannels, int classes, int inputSize, int quantBits) {
        return quantizeLayerOutputs(convnet(name, inputChannels, classes, inputSize), quantBits);
    }

    /**
     * The study's ResNet-18 ({@link ResNet18}, torchvision names); with {@code quantBits} N &gt; 0
     * every conv output (before its batch norm) and the fc output are quantized by q_N
     * (QResNet-18: N = 8).
     */
    public static Graph resnet18(String name, int inputChannels, int classes, int inputSize, int quantBits) {
        return quantizeLayerOutputs(ResNet18.build(name, inputChannels, ResNet18.Naming.TORCHVISION, classes,
                inputSize), quantBits);
    }

    /**
     * Rebuilds a freshly built float graph with a Quantize node after every Conv2d and Linear
     * node (the same operator instances: the float graph must not be used afterwards); bits 0
     * returns it unchanged.
     */
    private static Graph quantizeLayerOutputs(Graph g, int bits) {
        if (bits == 0) {
            return g;
        }
        Quantize.checkBits(bits);
        GraphBuilder b = new GraphBuilder(g.name());
        int[] newIndex = new int[g.size()];
        for (Node node : g.nodes()) {
            if (node.index() == g.inputNode()) {
                newIndex[node.index()] = b.input(node.outputShape());
                continue;
            }
            int[] inputs = node.inputs();
            for (int j = 0; j < inputs.length; j++) {
                inputs[j] = newIndex[inputs[j]];
            }
            int x = b.node(node.name(), node.op(), inputs);
            if (node.op() instanceof Conv2d || node.op() instanceof Linear) {
                x = b.quantize(node.name() + ".quant", x, bits);
            }
            newIndex[node.index()] = x;
        }
        return b.build();
    }
}
