package dev.reliant.io;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal, strict JSON reader and a compact writer, enough for safetensors headers (RFC 8259,
 * no extensions).
 *
 * <p>Values map to Java as follows: object → {@code LinkedHashMap<String, Object>} (key order
 * kept), array → {@code List<Object>}, string → {@link String}, integer → {@link Long} (or
 * {@link BigInteger} beyond 64 bits), number with a fraction or exponent → {@link Double},
 * {@code true}/{@code false} → {@link Boolean}, {@code null} → {@link #NULL}.
 *
 * <p>Strict means: no comments, no trailing commas, no leading zeros, no single quotes, no
 * unescaped control characters, no lone surrogates from escapes, no duplicate keys in an object,
 * nesting at most {@value #MAX_DEPTH} deep (so a hostile input cannot overflow the stack), and
 * nothing but whitespace after the value. Errors are {@link JsonException}s that say what was
 * wrong and at which character.
 */
public final class Json {
    /** The JSON {@code null}. */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** Deepest nesting of arrays and objects accepted. */
    public static final int MAX_DEPTH = 64;

    /** A syntax error, with the character index where it was found. */
    public static final class JsonException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int position;

        JsonException(String message, int position) {
            super(message + " at character " + position);
            this.position = position;
        }

        /** Index of the offending character in the input. */
        public int position() {
            return position;
        }
    }

    private final String s;
    private final long maxValues;
    private long values;
    private int pos;

    private Json(String s, long maxValues) {
        this.s = s;
        this.maxValues = maxValues;
    }

    /** Parses one JSON value; surrounding whitespace is allowed, anything else after it is not. */
    public static Object parse(String text) {
        return parse(text, Long.MAX_VALUE);
    }

    /**
     * Parses one JSON value holding at most {@code maxValues} values (every number, string,
     * literal, array and object counts one), which bounds the memory a hostile input can make the
     * parser use to a small multiple of that count.
     */
    public static Object parse(String text, long maxValues) {
        Json p = new Json(text, maxValues);
        p.skipWhitespace();
        Object v = p.value(0);
        p.skipWhitespace();
        if (p.pos != text.length()) {
            throw p.error("unexpected " + p.describeHere() + " after the JSON value");
        }
        return v;
    }

    private Object value(int depth) {
        if (pos >= s.length()) {
            throw error("unexpected end of input");
        }
        if (++values > maxValues) {
            throw error("more than " + maxValues + " values");
        }
        char c = s.charAt(pos);
        switch (c) {
            case '{':
                return object(depth + 1);
            case '[':
                return array(depth + 1);
            case '"':
                return string();
            case 't':
                literal("true");
                return Boolean.TRUE;
            case 'f':
                literal("false");
                return Boolean.FALSE;
            case 'n':
                literal("null");
                return NULL;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected " + describeHere());
        }
    }

    private Map<String, Object> object(int depth) {
        checkDepth(depth);
        pos++; // {
        LinkedHashMap<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a string key, found " + describeHere());
            }
            int keyPos = pos;
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object v = value(depth);
            if (map.containsKey(key)) {
                throw new JsonException("duplicate key " + quote(key), keyPos);
            }
            map.put(key, v);
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c == '}') {
                pos++;
                return map;
            } else {
                throw error("expected ',' or '}', found " + describeHere());
            }
        }
    }

    private List<Object> array(int depth) {
        checkDepth(depth);
        pos++; // [
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return list;
        }
        while (true) {
            skipWhitespace();
            list.add(value(depth));
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c == ']') {
                pos++;
                return list;
            } else {
                throw error("expected ',' or ']', found " + describeHere());
            }
        }
    }

    private String string() {
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("unescaped control character U+" + String.format("%04X", (int) c)
                        + " in a string");
            }
            if (c != '\\') {
                sb.append(c);
                pos++;
                continue;
            }
            if (pos + 1 >= s.length()) {
                throw error("unterminated escape");
            }
            char e = s.charAt(pos + 1);
            pos += 2;
            switch (e) {
                case '"': sb.append('"'); break;
                case '\\': sb.append('\\'); break;
                case '/': sb.append('/'); break;
                case 'b': sb.append('\b'); break;
                case 'f': sb.append('\f'); break;
                case 'n': sb.append('\n'); break;
                case 'r': sb.append('\r'); break;
                case 't': sb.append('\t'); break;
                case 'u': {
                    char u = hex4();
                    if (Character.isHighSurrogate(u)) {
                        if (pos + 1 < s.length() && s.charAt(pos) == '\\' && s.charAt(pos + 1) == 'u') {
                            pos += 2;
                            char low = hex4();
                            if (!Character.isLowSurrogate(low)) {
                                throw error("high surrogate escape not followed by a low surrogate");
                            }
                            sb.append(u).append(low);
                        } else {
                            throw error("lone high surrogate escape");
                        }
                    } else if (Character.isLowSurrogate(u)) {
                        throw error("lone low surrogate escape");
                    } else {
                        sb.append(u);
                    }
                    break;
                }
                default:
                    pos -= 2;
                    throw error("invalid escape '\\" + printable(e) + "'");
            }
        }
    }

    private char hex4() {
        if (pos + 4 > s.length()) {
            throw error("truncated \\u escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(s.charAt(pos + i), 16);
            if (d < 0 || s.charAt(pos + i) > 'f') {
                throw error("invalid hex digit in \\u escape");
            }
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    private Object number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
            if (isDigit(peek())) {
                throw error("leading zero in a number");
            }
        } else if (isDigit(peek())) {
            while (isDigit(peek())) {
                pos++;
            }
        } else {
            throw error("expected a digit");
        }
        boolean integer = true;
        if (peek() == '.') {
            integer = false;
            pos++;
            if (!isDigit(peek())) {
                throw error("expected a digit after the decimal point");
            }
            while (isDigit(peek())) {
                pos++;
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            integer = false;
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw error("expected a digit in the exponent");
            }
            while (isDigit(peek())) {
                pos++;
            }
        }
        String text = s.substring(start, pos);
        if (!integer) {
            return Double.parseDouble(text);
        }
        if (text.length() <= 18) {
            return Long.parseLong(text);
        }
        BigInteger b = new BigInteger(text);
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }

    private void literal(String word) {
        if (!s.startsWith(word, pos)) {
            throw error("unexpected " + describeHere());
        }
        pos += word.length();
    }

    private void checkDepth(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH + " levels");
        }
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "', found " + describeHere());
        }
        pos++;
    }

    private char peek() {
        return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private void skipWhitespace() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                pos++;
            } else {
                return;
            }
        }
    }

    private String describeHere() {
        return pos >= s.length() ? "end of input" : "'" + printable(s.charAt(pos)) + "'";
    }

    private static String printable(char c) {
        return c < 0x20 || c == 0x7F || Character.isSurrogate(c)
                ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }

    private JsonException error(String message) {
        return new JsonException(message, pos);
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes a value compactly (no spaces), in the style of serde_json and Python's
     * {@code json.dumps(separators=(",", ":"), ensure_ascii=False)}: maps in iteration order,
     * non-ASCII characters as they are, {@code "}, {@code \} and control characters escaped.
     * Accepts {@link Map} with string keys, {@link List}, arrays of int or long, {@link String},
     * integral {@link Number}s, finite {@link Double}s, {@link Boolean} and {@link #NULL}.
     */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("JSON value nested deeper than " + MAX_DEPTH);
        }
        if (v == null || v == NULL) {
            sb.append("null");
        } else if (v instanceof String) {
            writeString(sb, (String) v);
        } else if (v instanceof Boolean) {
            sb.append(v.toString());
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short
                || v instanceof Byte || v instanceof BigInteger) {
            sb.append(v.toString());
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("JSON cannot hold " + d);
            }
            sb.append(Double.toString(d));
        } else if (v instanceof Map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (!(e.getKey() instanceof String)) {
                    throw new IllegalArgumentException("JSON object keys must be strings");
                }
                if (!first) {
                    sb.append(',');
                }
                first = false;
                writeString(sb, (String) e.getKey());
                sb.append(':');
                write(sb, e.getValue(), depth + 1);
            }
            sb.append('}');
        } else if (v instanceof List) {
            sb.append('[');
            boolean first = true;
            for (Object o : (List<?>) v) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                write(sb, o, depth + 1);
            }
            sb.append(']');
        } else if (v instanceof long[]) {
            sb.append('[');
            long[] a = (long[]) v;
            for (int i = 0; i < a.length; i++) {
                sb.append(i > 0 ? "," : "").append(a[i]);
            }
            sb.append(']');
        } else if (v instanceof int[]) {
            sb.append('[');
            int[] a = (int[]) v;
            for (int i = 0; i < a.length; i++) {
                sb.append(i > 0 ? "," : "").append(a[i]);
            }
            sb.append(']');
        } else {
            throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as JSON");
        }
    }

    private static void writeString(StringBuilder sb, String str) {
        sb.append('"');
        for (int i = 0; i < str.length(); i++) {
            char c = str.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                default:
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }

    /**
     * A string for an error message: in single quotes, with control characters escaped and cut
     * to 80 characters, so that a hostile name cannot break the one-line message.
     */
    static String quote(String name) {
        StringBuilder sb = new StringBuilder("'");
        int n = Math.min(name.length(), 80);
        for (int i = 0; i < n; i++) {
            sb.append(printable(name.charAt(i)));
        }
        if (name.length() > n) {
            sb.append("…");
        }
        return sb.append('\'').toString();
    }
}
