package dev.reliant.bench;

import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ResNet20 (akamaster weights) at batch 256 on 2 threads: reliant's Executor (exact) vs ONNX
 * Runtime's Java API on the same network. Score = ms per batch; images/s = batch / score.
 * JMH runs the two engines in separate forks one after the other; for alternating rounds in one
 * JVM use {@link AlternatingComparison}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class OrtComparisonBenchmark {
    @Param({"reliant", "ort"})
    public String engine;

    @Param({"256"})
    public int batch;

    @Param({"2"})
    public int threads;

    private ResNet20Engines engines;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        engines = new ResNet20Engines(batch, threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        engines.close();
    }

    @Benchmark
    public float forward() throws Exception {
        return "ort".equals(engine) ? engines.runOrt() : engines.runReliant()[0];
    }
}
