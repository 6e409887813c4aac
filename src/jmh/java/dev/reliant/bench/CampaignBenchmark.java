package dev.reliant.bench;

import dev.reliant.data.Dataset;
import dev.reliant.data.Datasets;
import dev.reliant.data.Normalization;
import dev.reliant.fault.CampaignEngine;
import dev.reliant.fault.CampaignFault;
import dev.reliant.fault.CampaignRow;
import dev.reliant.fault.CampaignSettings;
import dev.reliant.fault.Fault;
import dev.reliant.fault.FaultListGenerator;
import dev.reliant.fault.FaultTargets;
import dev.reliant.fault.SampleSize;
import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.io.SafeTensors;
import dev.reliant.models.FormulaWeights;
import dev.reliant.models.ModelZoo;
import dev.reliant.simd.Parallel;
import dev.reliant.tensor.NumberFormats;
import dev.reliant.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A weight-fault campaign on ResNet20, fast path against naive path, on 2 threads.
 *
 * <p>Each call runs {@value #FAULTS} faults of the statistical list (seed 42, the published
 * ResNet20 list, spread evenly over it so every layer and bit range is represented) on
 * {@value #IMAGES} CIFAR-10 test images: {@value #FAULTS} × {@value #IMAGES} = 4,096 (fault,
 * image) evaluations per call, so evaluations/s = 4096 / (score in s). The golden pass is made
 * once in setup; each call includes the per-chunk golden capture, as a real campaign does.
 * Weights: the akamaster checkpoint and the CIFAR-10 test batch from /work/shared when present
 * ({@code pretrained}), otherwise the formula weights and random images ({@code formula}; their
 * masking pattern is less realistic).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 3, time = 20)
public class CampaignBenchmark {
    static final int FAULTS = 32;
    static final int IMAGES = 128;
    static final Path SHARED = Path.of("/work/shared");

    @Param({"fast", "naive"})
    public String path;

    @Param({"pretrained", "formula"})
    public String weights;

    @Param({"2"})
    public int threads;

    private CampaignEngine engine;
    private List<CampaignFault> faults;

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(threads);
        Path checkpoint = SHARED.resolve("weights/akamaster-resnet-cifar10/resnet20.safetensors");
        Path cifar = SHARED.resolve("datasets/cifar10");
        boolean pretrained = weights.equals("pretrained") && Files.exists(checkpoint) && Files.isDirectory(cifar);
        Supplier<Graph> model;
        Dataset data;
        if (pretrained) {
            Map<String, Tensor> sd = SafeTensors.readFloats(checkpoint);
            model = () -> {
                Graph g = ModelZoo.build("resnet20");
                g.loadStateDict(sd, "resnet20.safetensors");
                return g;
            };
            data = Datasets.open("cifar10", cifar, "test").subset(IMAGES);
        } else {
            model = () -> {
                Graph g = ModelZoo.build("resnet20");
                FormulaWeights.fill(g);
                return g;
            };
            byte[] pixels = new byte[IMAGES * 3 * 32 * 32];
            new java.util.Random(1).nextBytes(pixels);
            data = new Dataset("random", pixels, new int[IMAGES], 3, 32, 32, List.of());
        }
        FaultTargets targets = FaultTargets.weights(model.get());
        List<Fault> list = FaultListGenerator.sample(
                FaultListGenerator.allocate(targets, SampleSize.DEFAULT, NumberFormats.FP32), 42,
                FaultListGenerator.Sampler.PYTHON);
        List<Fault> sample = new ArrayList<>(FAULTS);
        for (int k = 0; k < FAULTS; k++) {
            sample.add(list.get(k * list.size() / FAULTS));
        }
        engine = new CampaignEngine(model, data, Normalization.CIFAR,
                CampaignSettings.defaults().withOptions(Executor.Options.exact()).withNaive(path.equals("naive")));
        faults = engine.resolve(sample);
        engine.golden();
    }

    @Benchmark
    public List<CampaignRow> campaign() {
        return engine.run(faults);
    }
}
