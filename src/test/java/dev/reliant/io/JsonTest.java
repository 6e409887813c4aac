package dev.reliant.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void parsesObjectsInOrderWithEveryKindOfValue() {
        Object v = Json.parse(" {\"b\": [1, -2, 3.5, 1e3], \"a\": {\"t\": true, \"f\": false, \"n\": null},"
                + " \"s\": \"x\\n\\\"\\u00e9\\ud83d\\ude00/\\/\"}  ");
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        assertThat(m.keySet()).containsExactly("b", "a", "s");
        assertThat((List<?>) m.get("b")).isEqualTo(List.of(1L, -2L, 3.5, 1000.0));
        assertThat(((Map<?, ?>) m.get("a")).get("n")).isSameAs(Json.NULL);
        assertThat(((Map<?, ?>) m.get("a")).get("t")).isEqualTo(true);
        assertThat(m.get("s")).isEqualTo("x\n\"é😀//");
    }

    @Test
    void integersBeyond64BitsBecomeBigIntegers() {
        assertThat(Json.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(Json.parse("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        assertThat(Json.parse("9223372036854775808")).isEqualTo(new BigInteger("9223372036854775808"));
    }

    @Test
    void rejectsWhatStrictJsonForbids() {
        for (String bad : new String[] {
            "{\"a\":1,}", "[1,]", "{'a':1}", "01", "1.", ".5", "-", "{\"a\" 1}", "{\"a\":1} x", "",
            "\"a\tb\"", "\"\\x\"", "\"\\ud800\"", "\"\\udc00\"", "tru", "nul", "{\"a\":1 \"b\":2}", "[1 2]",
            "\"unterminated", "/* c */ 1", "NaN", "+1", "\"\\u12\""}) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(Json.JsonException.class)
                    .hasMessageContaining("at character");
        }
    }

    @Test
    void rejectsDuplicateKeys() {
        assertThatThrownBy(() -> Json.parse("{\"w\":1,\"w\":2}"))
                .isInstanceOf(Json.JsonException.class).hasMessageContaining("duplicate key 'w'");
    }

    @Test
    void deepNestingIsAnErrorNotAStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThatThrownBy(() -> Json.parse(deep)).isInstanceOf(Json.JsonException.class)
                .hasMessageContaining("nesting deeper than 64");
        String ok = "[".repeat(64) + "]".repeat(64);
        assertThat(Json.parse(ok)).isInstanceOf(List.class);
    }

    @Test
    void valueBudgetBoundsWhatAnInputCanAllocate() {
        assertThat(Json.parse("[1,2,3]", 4)).isEqualTo(List.of(1L, 2L, 3L));
        assertThatThrownBy(() -> Json.parse("[1,2,3,4]", 4)).isInstanceOf(Json.JsonException.class)
                .hasMessage("more than 4 values at character 7");
    }

    @Test
    void writesCompactlyAndRoundTrips() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", "tab\there \"q\" \\ é \u0001");
        m.put("shape", new int[] {16, 3});
        m.put("offsets", new long[] {0, 1L << 40});
        m.put("list", List.of(1L, true, Json.NULL));
        String s = Json.write(m);
        assertThat(s).isEqualTo("{\"z\":\"tab\\there \\\"q\\\" \\\\ é \\u0001\",\"shape\":[16,3],"
                + "\"offsets\":[0,1099511627776],\"list\":[1,true,null]}");
        @SuppressWarnings("unchecked")
        Map<String, Object> back = (Map<String, Object>) Json.parse(s);
        assertThat(back.get("z")).isEqualTo(m.get("z"));
        assertThat((List<?>) back.get("offsets")).isEqualTo(List.of(0L, 1L << 40));
    }

    @Test
    void quoteKeepsMessagesOnOneLine() {
        assertThat(Json.quote("a\nb")).isEqualTo("'a\\u000ab'");
        assertThat(Json.quote("x".repeat(100))).hasSize(83).endsWith("x…'");
    }
}
