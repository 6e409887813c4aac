package dev.reliant.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --model --weights --dataset --data --norm} of the commands that run a zoo model with its
 * weights on a data set (a picocli mixin; the split and image limits stay with each command,
 * whose meaning differs).
 */
final class ModelDataOptions {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "NAME",
            description = "The architecture (e.g. lenet, resnet20; `reliant eval --help` lists them).")
    String model;

    @Option(names = {"-w", "--weights"}, required = true, paramLabel = "FILE",
            description = "The weights: .safetensors or a PyTorch checkpoint (.pth, .pt, .th).")
    Path weights;

    @Option(names = "--dataset", required = true, paramLabel = "NAME",
            description = "cifar10, cifar100, mnist, fashion-mnist, gtsrb or imagefolder.")
    String dataset;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "The data set's directory.")
    Path data;

    @Option(names = "--norm", paramLabel = "NORM",
            description = "Input normalisation: cifar, cifar100, imagenet, gtsrb, mnist, none or MEANS/STDS. Required "
                    + "unless the weights were trained by reliant, whose metadata says it.")
    String norm;
}
