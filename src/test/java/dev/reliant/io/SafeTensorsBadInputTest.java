package dev.reliant.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.reliant.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every malformed or hostile file gives one line naming the file and the problem, and no OOM. */
class SafeTensorsBadInputTest {
    @TempDir
    Path dir;

    /** A file with the given header length field, header bytes and data. */
    static Path raw(Path f, long headerLength, byte[] header, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLength).put(header).put(data);
        Files.write(f, b.array());
        return f;
    }

    /** A well-formed frame around a JSON header (padded to 8) and data. */
    static Path file(Path f, String json, byte[] data) throws IOException {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        byte[] padded = Arrays.copyOf(h, (h.length + 7) / 8 * 8);
        Arrays.fill(padded, h.length, padded.length, (byte) ' ');
        return raw(f, padded.length, padded, data);
    }

    private Path header(String json, int dataBytes) throws IOException {
        return file(dir.resolve("bad.safetensors"), json, new byte[dataBytes]);
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":["
                + begin + "," + end + "]}";
    }

    /** Opens the file, expects a rejection, and returns the problem after "file F: ". */
    private static String rejection(Path f) {
        WeightFileException e = catchThrowableOfType(WeightFileException.class, () -> SafeTensors.read(f));
        assertThat(e).as("expected a WeightFileException for " + f).isNotNull();
        assertThat(e.getMessage()).startsWith("file " + f + ": ").doesNotContain("\n");
        assertThat(e.file()).isEqualTo(f);
        return e.problem();
    }

    @Test
    void missingFile() {
        assertThat(rejection(dir.resolve("missing.safetensors"))).isEqualTo("cannot open: no such file or directory");
    }

    @Test
    void tooShortForTheLengthField() throws IOException {
        Path f = Files.write(dir.resolve("short.safetensors"), new byte[] {1, 2, 3});
        assertThat(rejection(f)).isEqualTo("not a safetensors file: 3 bytes, too short for the 8-byte header length");
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        Path f = raw(dir.resolve("h.safetensors"), 1000, "{}".getBytes(StandardCharsets.US_ASCII), new byte[0]);
        assertThat(rejection(f)).isEqualTo("header length 1000 exceeds the 2 bytes that follow it (truncated file?)");
    }

    @Test
    void absurdHeaderLengths() throws IOException {
        Path f = raw(dir.resolve("a.safetensors"), 100_000_001L, new byte[16], new byte[0]);
        assertThat(rejection(f)).startsWith("header length 100000001 is absurd (at most 100000000 bytes accepted)");
        Path g = raw(dir.resolve("b.safetensors"), -1L, new byte[16], new byte[0]);
        assertThat(rejection(g)).startsWith("header length 18446744073709551615 is absurd");
        // A pickle or a zip is not a safetensors file either: its first 8 bytes make an absurd length.
        Path z = Files.write(dir.resolve("z.safetensors"), "PK\u0003\u0004xxxxxxxxxxxxxx".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(rejection(z)).contains("is absurd");
    }

    @Test
    void truncatedFile() throws IOException {
        Path f = dir.resolve("t.safetensors");
        SafeTensors.writeFloats(f, Map.of("w", Tensor.zeros(4, 4)), Map.of());
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, all.length - 10));
        assertThat(rejection(f)).isEqualTo("tensor 'w' ends at byte 64 of the data buffer, which has only 54 bytes"
                + " (truncated file?)");
        Files.write(f, Arrays.copyOf(all, 20)); // cut inside the header
        assertThat(rejection(f)).contains("exceeds the 12 bytes that follow it");
    }

    @Test
    void malformedJson() throws IOException {
        assertThat(rejection(header("{\"w\":{\"dtype\":\"F32\",}}", 0))).startsWith("malformed JSON header: ")
                .contains("at character");
        assertThat(rejection(header("[1,2]", 0))).isEqualTo("header is not a JSON object");
        Path nonUtf8 = raw(dir.resolve("u.safetensors"), 8, new byte[] {'{', '"', (byte) 0xFF, '"', ':', '1', '}', ' '},
                new byte[0]);
        assertThat(rejection(nonUtf8)).isEqualTo("header is not valid UTF-8");
        assertThat(rejection(header("[".repeat(50_000), 0))).contains("nesting deeper than 64 levels");
    }

    @Test
    void headerOfMillionsOfSmallValuesIsRefusedBeforeItFillsTheHeap() throws IOException {
        String json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[" + "[],".repeat(3_000_000) + "1],\"data_offsets\":[0,4]}}";
        assertThat(rejection(header(json, 4))).startsWith("oversized JSON header: more than 2000000 values at character");
    }

    @Test
    void unknownDtype() throws IOException {
        assertThat(rejection(header("{" + entry("conv1.weight", "F33", "[1]", 0, 4) + "}", 4)))
                .startsWith("tensor 'conv1.weight': unknown dtype 'F33' (known: BOOL, U8, I8,");
        assertThat(rejection(header("{" + entry("w", "f32", "[1]", 0, 4) + "}", 4)))
                .startsWith("tensor 'w': unknown dtype 'f32'");
    }

    @Test
    void shapeAndByteLengthDisagree() throws IOException {
        assertThat(rejection(header("{" + entry("w", "F32", "[2,3]", 0, 20) + "}", 20)))
                .isEqualTo("tensor 'w': shape [2,3] of F32 needs 24 bytes, but data_offsets [0, 20] hold 20");
    }

    @Test
    void absurdShapes() throws IOException {
        // 2^40 elements: rejected from the header alone, nothing allocated.
        assertThat(rejection(header("{" + entry("w", "F32", "[1099511627776]", 0, 4) + "}", 4)))
                .isEqualTo("tensor 'w': shape [1099511627776] of F32 needs 4398046511104 bytes, but data_offsets"
                        + " [0, 4] hold 4");
        // Consistent offsets, but far beyond the file.
        assertThat(rejection(header("{" + entry("w", "F32", "[1099511627776]", 0, 4398046511104L) + "}", 4)))
                .isEqualTo("tensor 'w' ends at byte 4398046511104 of the data buffer, which has only 4 bytes"
                        + " (truncated file?)");
        assertThat(rejection(header("{" + entry("w", "F32", "[1099511627776,1099511627776]", 0, 4) + "}", 4)))
                .contains("absurdly large (its byte count overflows 64 bits)");
        assertThat(rejection(header("{" + entry("w", "F32", "[1e3]", 0, 4) + "}", 4)))
                .contains("holds a fraction 1000.0, not an integer dimension");
        assertThat(rejection(header("{" + entry("w", "F32", "[99999999999999999999]", 0, 4) + "}", 4)))
                .contains("out-of-range integer");
    }

    @Test
    void negativeDimensionsAndOffsets() throws IOException {
        assertThat(rejection(header("{" + entry("w", "F32", "[-1]", 0, 4) + "}", 4)))
                .isEqualTo("tensor 'w': negative dimension -1 in shape [-1]");
        assertThat(rejection(header("{" + entry("w", "F32", "[1]", 8, 4) + "}", 8)))
                .isEqualTo("tensor 'w': data_offsets [8, 4] do not form a range");
        assertThat(rejection(header("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4)))
                .isEqualTo("tensor 'w': \"data_offsets\" must be [begin, end], two integers");
        assertThat(rejection(header("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4)))
                .isEqualTo("tensor 'w': missing or non-string \"dtype\"");
        assertThat(rejection(header("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4)))
                .isEqualTo("tensor 'w': missing or non-array \"shape\"");
        assertThat(rejection(header("{\"w\":7}", 0))).isEqualTo("tensor 'w': entry is not a JSON object");
    }

    @Test
    void overlappingGapsAndUncoveredBytes() throws IOException {
        assertThat(rejection(header("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}", 12)))
                .isEqualTo("tensors 'a' [0, 8) and 'b' [4, 12) overlap in the data buffer");
        // Two names for the same bytes (aliasing) is an overlap too.
        assertThat(rejection(header("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 0, 4) + "}", 4)))
                .contains("overlap");
        assertThat(rejection(header("{" + entry("a", "F32", "[1]", 4, 8) + "}", 8)))
                .isEqualTo("bytes [0, 4) of the data buffer belong to no tensor (a gap before 'a')");
        assertThat(rejection(header("{" + entry("a", "F32", "[1]", 0, 4) + "}", 12)))
                .isEqualTo("the tensors cover 4 bytes, but the data buffer has 12 (trailing bytes belong to no tensor)");
    }

    @Test
    void duplicateNames() throws IOException {
        assertThat(rejection(header("{" + entry("w", "F32", "[1]", 0, 4) + "," + entry("w", "F32", "[1]", 4, 8) + "}", 8)))
                .startsWith("malformed JSON header: duplicate key 'w'");
    }

    @Test
    void badMetadata() throws IOException {
        assertThat(rejection(header("{\"__metadata__\":{\"epoch\":3}}", 0)))
                .isEqualTo("__metadata__ entry 'epoch' is not a string (safetensors metadata maps strings to strings)");
        assertThat(rejection(header("{\"__metadata__\":[]}", 0))).isEqualTo("__metadata__ is not a JSON object");
    }

    @Test
    void hostileNamesCannotBreakTheOneLineMessage() throws IOException {
        assertThat(rejection(header("{" + entry("a\\nb", "X", "[1]", 0, 4) + "}", 4)))
                .startsWith("tensor 'a\\u000ab': unknown dtype 'X'");
    }
}
