package dev.reliant.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingLogTest {
    @TempDir
    Path dir;

    private static TrainingLog.Row row(int epoch) {
        return new TrainingLog.Row(epoch, 0.1 / epoch, 2.0 / epoch, 50 + epoch, 2.5 / epoch, 40 + epoch, 1234.5, 60.25);
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    @Test
    void writesHeaderOnceAndOneFlushedRowPerEpoch() throws IOException {
        Path file = dir.resolve("log.csv");
        try (TrainingLog log = TrainingLog.create(file, List.of("noise_sigma"))) {
            log.append(row(1), 0.1);
            // flushed: readable before close
            assertThat(lines(file)).hasSize(2);
            log.append(row(2), Double.NaN);
        }
        List<String> lines = lines(file);
        assertThat(lines.get(0)).isEqualTo(
                "epoch,lr,train_loss,train_acc,test_loss,test_acc,images_per_s,seconds,noise_sigma");
        assertThat(lines.get(1)).isEqualTo("1,0.1,2.000000,51.0000,2.500000,41.0000,1234.5,60.25,0.1");
        assertThat(lines.get(2)).startsWith("2,0.05,1.000000,").endsWith(",60.25,"); // NaN → empty field
        assertThat(lines).hasSize(3);
    }

    @Test
    void resumeKeepsEpochsOfTheCheckpointAndDropsLaterOnes() throws IOException {
        Path file = dir.resolve("log.csv");
        try (TrainingLog log = TrainingLog.create(file, List.of())) {
            for (int e = 1; e <= 5; e++) {
                log.append(row(e));
            }
        }
        // the run was killed in the middle of writing epoch 6's row; the checkpoint holds 3 epochs
        Files.writeString(file, "6,0.01,0.3", StandardOpenOption.APPEND);
        try (TrainingLog log = TrainingLog.resume(file, List.of(), 3)) {
            assertThat(lines(file)).hasSize(4);
            log.append(row(4));
        }
        List<String> lines = lines(file);
        assertThat(lines).hasSize(5);
        for (int e = 1; e <= 4; e++) {
            assertThat(lines.get(e)).startsWith(e + ",");
        }
        assertThat(String.join("\n", lines)).doesNotContain("6,0.01,0.3");
    }

    @Test
    void resumeOfAMissingLogStartsANewOne() throws IOException {
        Path file = dir.resolve("new.csv");
        try (TrainingLog log = TrainingLog.resume(file, List.of(), 7)) {
            log.append(row(8));
        }
        assertThat(lines(file)).hasSize(2);
        assertThat(lines(file).get(1)).startsWith("8,");
    }

    @Test
    void resumeRejectsAnotherHeaderOrABadRowAndLeavesTheFile() throws IOException {
        Path file = dir.resolve("log.csv");
        try (TrainingLog log = TrainingLog.create(file, List.of("extra"))) {
            log.append(row(1), 1);
        }
        assertThatThrownBy(() -> TrainingLog.resume(file, List.of(), 1))
                .hasMessageContaining("line 1 is 'epoch,lr,").hasMessageContaining("expected the header");
        Files.writeString(file, "x,1\n", StandardOpenOption.APPEND);
        assertThatThrownBy(() -> TrainingLog.resume(file, List.of("extra"), 1))
                .hasMessageContaining("line 3: epoch 'x' is not a whole number");
        assertThat(lines(file)).hasSize(3);
    }

    @Test
    void wrongNumberOfExtraValuesAndBadColumnNamesAreRejected() {
        Path file = dir.resolve("log.csv");
        assertThatThrownBy(() -> TrainingLog.create(file, List.of("a,b"))).hasMessageContaining("invalid extra");
        assertThatThrownBy(() -> TrainingLog.create(file, List.of("lr"))).hasMessageContaining("not a standard column");
        try (TrainingLog log = TrainingLog.create(file, List.of("a"))) {
            assertThatThrownBy(() -> log.append(row(1))).hasMessageContaining("1 extra columns [a], got 0 values");
        }
    }
}
