package dev.reliant.simd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Which kernels are active under each setting, checked in a fresh JVM per setting. */
class SimdModeTest {

    /** Prints the active implementation of every kernel family, one per line. */
    public static final class Report {
        public static void main(String[] args) {
            System.out.println("implementation=" + Simd.implementation());
            System.out.println("enabled=" + Simd.enabled());
            System.out.println("gemm=" + GemmKernels.get().getClass().getSimpleName());
            System.out.println("conv=" + ConvKernels.get().getClass().getSimpleName());
            System.out.println("elementwise=" + ElementwiseKernels.get().getClass().getSimpleName());
            System.out.println("pooling=" + PoolingKernels.get().getClass().getSimpleName());
            System.out.println("softmax=" + SoftmaxKernels.get().getClass().getSimpleName());
            System.out.println("halfWidth=" + Simd.halfWidthVectorsOk());
        }
    }

    private static String run(String... jvmArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmArgs));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Report.class.getName());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void defaultModeUsesTheVectorKernels() throws Exception {
        String out = run("--add-modules", "jdk.incubator.vector");
        assertThat(out).contains("enabled=true", "implementation=simd (", "gemm=GemmSimd", "conv=ConvSimd",
                "elementwise=ElementwiseSimd");
        // The 256-bit families run their twins where a second vector shape would slow C2 down.
        boolean halfWidth = out.contains("halfWidth=true");
        assertThat(out).contains(halfWidth ? "pooling=PoolingSimd" : "pooling=PoolingPlain",
                halfWidth ? "softmax=SoftmaxSimd" : "softmax=SoftmaxPlain");
        assertThat(halfWidth).isEqualTo(Simd.halfWidthVectorsSafe(Runtime.version().feature(),
                jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize()));
    }

    @Test
    void halfWidthVectorsRunBesideTheGemmOnlyWhereTheJitCopes() {
        assertThat(Simd.halfWidthVectorsSafe(17, 256)).isTrue();
        assertThat(Simd.halfWidthVectorsSafe(17, 512)).isFalse();
        assertThat(Simd.halfWidthVectorsSafe(21, 512)).isFalse();
        assertThat(Simd.halfWidthVectorsSafe(25, 512)).isTrue();
    }

    @Test
    void simdOffSelectsEveryPlainTwin() throws Exception {
        String out = run("--add-modules", "jdk.incubator.vector", "-D" + Simd.PROPERTY + "=off");
        assertThat(out).contains("enabled=false", "implementation=plain (reliant.simd=off)", "gemm=GemmPlain",
                "conv=ConvPlain", "elementwise=ElementwisePlain", "pooling=PoolingPlain", "softmax=SoftmaxPlain");
    }

    @Test
    void withoutTheVectorModuleThePlainTwinsRunWithAWarning() throws Exception {
        String out = run();
        assertThat(out).contains("enabled=false", "Vector API module not loaded", "gemm=GemmPlain", "conv=ConvPlain",
                "warning: module jdk.incubator.vector is not loaded");
    }
}
