package dev.reliant.models;

import dev.reliant.graph.Graph;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of architectures: name → builder, with the defaults of each (classes, input
 * size). Every builder emits PyTorch's parameter names and shapes (specs/models.md), with
 * zero-filled weights and PyTorch's initial batch-norm statistics; load weights with
 * {@link Graph#loadStateDict} or {@link FormulaWeights#fill}.
 *
 * <pre>
 *   Graph g = ModelZoo.build("resnet20", ModelOptions.defaults().classes(43).inputSize(50));
 * </pre>
 */
public final class ModelZoo {

    /** Builds a graph for a class count and an input size. */
    @FunctionalInterface
    public interface Builder {
        Graph build(String name, int channels, int classes, int inputSize);
    }

    /** A registered architecture. */
    public static final class Entry {
        private final String name;
        private final String description;
        private final int inputChannels;
        private final int defaultClasses;
        private final int defaultInputSize;
        private final Builder builder;

        Entry(String name, String description, int inputChannels, int defaultClasses, int defaultInputSize,
              Builder builder) {
            this.name = name;
            this.description = description;
            this.inputChannels = inputChannels;
            this.defaultClasses = defaultClasses;
            this.defaultInputSize = defaultInputSize;
            this.builder = builder;
        }

        public String name() {
            return name;
        }

        /** One line: origin and naming. */
        public String description() {
            return description;
        }

        public int inputChannels() {
            return inputChannels;
        }

        public int defaultClasses() {
            return defaultClasses;
        }

        public int defaultInputSize() {
            return defaultInputSize;
        }

        /** Builds the graph; an input size the architecture cannot take is reported naming the model. */
        public Graph build(ModelOptions options) {
            int classes = options.classesOr(defaultClasses);
            int size = options.inputSizeOr(defaultInputSize);
            int channels = options.inputChannelsOr(inputChannels);
            try {
                return builder.build(name, channels, classes, size);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("model '" + name + "' with " + channels + " input channels, " + classes
                        + " classes and input size " + size + ": " + e.getMessage(), e);
            }
        }
    }

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        String aka = "CIFAR ResNet (akamaster/pytorch_resnet_cifar10, option-A shortcuts), ";
        int[][] depths = {{20, 3}, {32, 5}, {44, 7}, {56, 9}, {110, 18}, {1202, 200}};
        for (int[] d : depths) {
            int blocks = d[1];
            register("resnet" + d[0], aka + d[1] + " blocks per stage", 3, 10, 32,
                    (name, channels, classes, size) -> CifarResNet.build(name, channels, blocks, classes, size));
        }
        register("resnet18", "ResNet-18 with CIFAR stem, torchvision names (SWIM: conv1, layer1.0.conv1, "
                + "layer2.0.downsample.0, fc)", 3, 10, 32,
                (name, channels, classes, size) -> ResNet18.build(name, channels, ResNet18.Naming.TORCHVISION, classes, size));
        register("resnet18-weiaicunzai", "ResNet-18 of weiaicunzai/pytorch-cifar100 (conv2_x.0.residual_function.0, "
                + "shortcut.0, fc)", 3, 100, 32,
                (name, channels, classes, size) -> ResNet18.build(name, channels, ResNet18.Naming.WEIAICUNZAI, classes, size));
        for (int depth : new int[] {11, 13, 16, 19}) {
            register("vgg" + depth + "_bn", "VGG" + depth + " with batch norm (huyvnphan/PyTorch_CIFAR10: features.N, "
                    + "classifier.N)", 3, 10, 32, (name, channels, classes, size) -> Vgg.build(name, channels, depth, classes, size));
        }
        register("mobilenetv2", "MobileNetV2 for CIFAR (kuangliu/pytorch-cifar: layers.N.conv1, shortcut.0, linear)",
                3, 10, 32, MobileNetV2::build);
        register("densenet121", "DenseNet-121 for CIFAR, torchvision names (huyvnphan/PyTorch_CIFAR10: "
                + "features.denseblock1.denselayer1.conv1, classifier)", 3, 10, 32,
                (name, channels, classes, size) -> DenseNet.torchvisionStyle(name, channels, 32, new int[] {6, 12, 24, 16}, 64, classes, size));
        register("densenet161", "DenseNet-161 for CIFAR, torchvision names (huyvnphan/PyTorch_CIFAR10)", 3, 10, 32,
                (name, channels, classes, size) -> DenseNet.torchvisionStyle(name, channels, 48, new int[] {6, 12, 36, 24}, 96, classes, size));
        register("densenet169", "DenseNet-169 for CIFAR, torchvision names (huyvnphan/PyTorch_CIFAR10)", 3, 10, 32,
                (name, channels, classes, size) -> DenseNet.torchvisionStyle(name, channels, 32, new int[] {6, 12, 32, 32}, 64, classes, size));
        register("densenet121-weiaicunzai", "DenseNet-121 of weiaicunzai/pytorch-cifar100 (features.dense_block_layer_0"
                + ".bottle_neck_layer_0.bottle_neck.2, linear)", 3, 100, 32,
                (name, channels, classes, size) -> DenseNet.weiaicunzaiStyle(name, channels, 32, new int[] {6, 12, 24, 16}, classes, size));
        register("googlenet", "GoogLeNet for CIFAR (huyvnphan/PyTorch_CIFAR10: inception3a.branch2.1.conv, fc)", 3, 10,
                32, GoogLeNet::torchvisionStyle);
        register("googlenet-weiaicunzai", "GoogLeNet of weiaicunzai/pytorch-cifar100 (prelayer.0, a3.b3.6, linear)", 3,
                100, 32, GoogLeNet::weiaicunzaiStyle);
        register("lenet", "LeNet of the SWIM study (conv1, conv2, fc1, fc2, fc3), MNIST", 1, 10, 28, SwimModels::lenet);
        register("convnet", "ConvNet of the SWIM study (features.N, classifier.N), CIFAR-10", 3, 10, 32,
                SwimModels::convnet);
        register("qlenet", "QLeNet of the SWIM study: LeNet with 4-bit q_N layer outputs (conv1.quant, ...), MNIST", 1,
                10, 28, (name, channels, classes, size) -> SwimModels.lenet(name, channels, classes, size, 4));
        register("qconvnet", "QConvNet of the SWIM study: ConvNet with 6-bit q_N layer outputs, CIFAR-10", 3, 10, 32,
                (name, channels, classes, size) -> SwimModels.convnet(name, channels, classes, size, 6));
        register("qresnet18", "QResNet-18 of the SWIM study: resnet18 with 8-bit q_N conv and fc outputs, CIFAR-10", 3,
                10, 32, (name, channels, classes, size) -> SwimModels.resnet18(name, channels, classes, size, 8));
    }

    private ModelZoo() {}

    private static void register(String name, String description, int channels, int classes, int size, Builder b) {
        ENTRIES.put(name, new Entry(name, description, channels, classes, size, b));
    }

    /** The registered names, in registration order. */
    public static List<String> names() {
        return List.copyOf(ENTRIES.keySet());
    }

    /** The entries, in registration order. */
    public static Map<String, Entry> entries() {
        return Collections.unmodifiableMap(ENTRIES);
    }

    /**
     * The entry of a name.
     *
     * @throws IllegalArgumentException {@code unknown model 'resnet21'; known: resnet20, resnet32, …}
     */
    public static Entry entry(String name) {
        Entry e = ENTRIES.get(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown model '" + name + "'; known: " + String.join(", ", names()));
        }
        return e;
    }

    /** Builds a model with its default options. */
    public static Graph build(String name) {
        return build(name, ModelOptions.defaults());
    }

    /** Builds a model. */
    public static Graph build(String name, ModelOptions options) {
        return entry(name).build(options);
    }
}
