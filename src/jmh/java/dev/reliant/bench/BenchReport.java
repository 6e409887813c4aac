package dev.reliant.bench;

import dev.reliant.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns JMH JSON results (-rf json) of FmaPeakBenchmark, GemmBenchmark and ConvBenchmark into a
 * Markdown table of GFLOP/s and the fraction of the measured FMA peak of the same width.
 *
 * <pre>java -cp target/benchmarks.jar dev.reliant.bench.BenchReport fma.json gemm.json conv.json</pre>
 */
public final class BenchReport {
    private BenchReport() {}

    public static void main(String[] args) throws IOException {
        List<Map<String, Object>> results = new ArrayList<>();
        for (String file : args) {
            for (Object o : (List<?>) Json.parse(Files.readString(Path.of(file)))) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) o;
                results.add(m);
            }
        }
        double peak256 = Double.NaN;
        double peak512 = Double.NaN;
        String jdk = "";
        for (Map<String, Object> r : results) {
            jdk = r.get("jdkVersion") + " " + r.get("vmName");
            String name = (String) r.get("benchmark");
            if (name.endsWith("fmaSimd256")) {
                peak256 = score(r);
            } else if (name.endsWith("fmaSimd512")) {
                peak512 = score(r);
            }
        }
        System.out.println("JDK: " + jdk);
        System.out.printf(Locale.ROOT, "FMA peak, one core: 256-bit %.1f GFLOP/s, 512-bit %.1f GFLOP/s%n%n", peak256, peak512);
        System.out.println("| benchmark | shape | threads | time/op | GFLOP/s | % of 512-bit peak (× threads) |");
        System.out.println("|---|---|---|---|---|---|");
        for (Map<String, Object> r : results) {
            String name = (String) r.get("benchmark");
            @SuppressWarnings("unchecked")
            Map<String, Object> params = (Map<String, Object>) r.getOrDefault("params", Map.of());
            double flop;
            String shape;
            if (name.contains("GemmBenchmark")) {
                shape = (String) params.get("shape");
                String[] p = shape.split("x");
                flop = 2.0 * Long.parseLong(p[0]) * Long.parseLong(p[1]) * Long.parseLong(p[2]);
            } else if (name.contains("ConvBenchmark")) {
                shape = params.get("layer") + " batch " + params.get("batch");
                String[] p = ((String) params.get("layer")).split("-");
                int cin = Integer.parseInt(p[0]);
                int size = Integer.parseInt(p[1]);
                int cout = Integer.parseInt(p[2]);
                int out = size / Integer.parseInt(p[3]);
                flop = 2.0 * Integer.parseInt((String) params.get("batch")) * cout * out * out * cin * 9;
            } else {
                continue;
            }
            int threads = Integer.parseInt((String) params.get("threads"));
            double ns = score(r);
            double gflops = flop / ns;
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %.1f µs ± %.1f | %.1f | %.0f %% |%n",
                    name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1), shape, threads,
                    ns / 1e3, error(r) / 1e3, gflops, 100 * gflops / (peak512 * threads));
        }
    }

    @SuppressWarnings("unchecked")
    private static double score(Map<String, Object> r) {
        return ((Number) ((Map<String, Object>) r.get("primaryMetric")).get("score")).doubleValue();
    }

    @SuppressWarnings("unchecked")
    private static double error(Map<String, Object> r) {
        Object e = ((Map<String, Object>) r.get("primaryMetric")).get("scoreError");
        return e instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
