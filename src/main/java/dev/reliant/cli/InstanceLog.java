package dev.reliant.cli;

import dev.reliant.cim.MonteCarloEvaluator;
import dev.reliant.io.AtomicText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Every Monte-Carlo instance's accuracy, one CSV row each, rewritten atomically after each scenario. */
final class InstanceLog {
    private final Path file;
    private final List<String> lines = new ArrayList<>(List.of("scenario,method,mask_p,instance,correct,images,accuracy"));

    InstanceLog(Path file) {
        this.file = file;
    }

    void add(String scenario, String method, double maskP, MonteCarloEvaluator.Result r) {
        int[] c = r.correct();
        for (int i = 0; i < c.length; i++) {
            lines.add(SwimResults.csvLine(List.of(scenario, method, Double.toString(maskP), Integer.toString(i),
                    Integer.toString(c[i]), Integer.toString(r.images()),
                    String.format(Locale.ROOT, "%.6f", (double) c[i] / r.images()))));
        }
        AtomicText.writeLines(file, lines, "instance results");
    }
}
