package dev.itar.archive;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON object held as a flat token list, with every container's element count known, so it can be replayed
 * into Cbor's definite-length generator without building a Jackson tree (a LinkedHashMap per object).
 *
 * <p>Replaying makes exactly the generator calls {@link Cbor#encode} makes for the tree
 * {@code Cbor.parseJson} would build from the same bytes: the same parser (features included) reads the
 * document, integers keep the parser's int/long/BigInteger choice, floats are the parser's double, strings
 * and names are the parser's text. Documents where the tree would differ from a plain token list are refused
 * ({@link #tryParse} returns null) so callers fall back to the tree: a top-level value that is not an object,
 * a repeated name in any object (the tree keeps one entry), or anything the parser rejects.
 */
final class JsonObjectTokens {
    private static final byte START_OBJECT = 1;
    private static final byte START_ARRAY = 2;
    private static final byte END_OBJECT = 3;
    private static final byte END_ARRAY = 4;
    private static final byte NAME = 5;
    private static final byte TEXT = 6;
    private static final byte LONG = 7;
    private static final byte BIG = 8;
    private static final byte DOUBLE = 9;
    private static final byte TRUE = 10;
    private static final byte FALSE = 11;
    private static final byte NULL = 12;
    /** Objects with more names than this check for repeats with a hash set instead of a scan. */
    private static final int SCAN_LIMIT = 8;

    private byte[] kinds = new byte[32];
    /** LONG value, DOUBLE raw bits, or a container's element count (at its start token). */
    private long[] numbers = new long[32];
    /** NAME SerializedString, TEXT string, BIG integer. */
    private Object[] refs = new Object[32];
    private int size;

    /** Top-level fields: token index of each name; its value runs to the next name (or the final end). */
    private final List<Integer> topNames = new ArrayList<>();

    private final Map<String, SerializedString> encodedNames;

    private JsonObjectTokens(Map<String, SerializedString> encodedNames) {
        this.encodedNames = encodedNames;
    }

    /** Tokens of {@code json}'s first value if it is an object the token list represents exactly, else null. */
    static JsonObjectTokens tryParse(byte[] json) {
        return tryParse(json, new HashMap<>());
    }

    /**
     * As {@link #tryParse(byte[])}, sharing {@code names} (name → its encoded form) between documents: node
     * metadata repeats the same few names thousands of times, and each is then UTF-8 encoded once.
     */
    static JsonObjectTokens tryParse(byte[] json, Map<String, SerializedString> names) {
        try (JsonParser p = Cbor.JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonObjectTokens t = new JsonObjectTokens(names);
            return t.readObject(p, true) ? t : null;
        } catch (IOException | RuntimeException e) {
            return null; // the tree path reports it
        }
    }

    /** Reads an object whose START_OBJECT is the current token; false if a name repeats. */
    private boolean readObject(JsonParser p, boolean top) throws IOException {
        int start = add(START_OBJECT, 0, null);
        int firstName = -1;
        Set<String> names = null;
        long count = 0;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            // repeated names: the tree keeps one entry, a token list would keep both
            if (names != null) {
                if (!names.add(name)) {
                    return false;
                }
            } else if (count < SCAN_LIMIT) {
                for (int i = firstName; i >= 0 && i < size; i = nextSibling(i)) {
                    if (name.equals(nameAt(i))) {
                        return false;
                    }
                }
            } else {
                names = new HashSet<>();
                for (int i = firstName; i < size; i = nextSibling(i)) {
                    names.add(nameAt(i));
                }
                if (!names.add(name)) {
                    return false;
                }
            }
            int nameAt = add(NAME, 0, encodedNames.computeIfAbsent(name, SerializedString::new));
            if (firstName < 0) {
                firstName = nameAt;
            }
            if (top) {
                topNames.add(nameAt);
            }
            if (!readValue(p, p.nextToken())) {
                return false;
            }
            count++;
        }
        if (t != JsonToken.END_OBJECT) {
            throw new IOException("unexpected token " + t);
        }
        numbers[start] = count;
        add(END_OBJECT, 0, null);
        return true;
    }

    private String nameAt(int i) {
        return ((SerializedString) refs[i]).getValue();
    }

    /** Index of the name after the field whose name is at {@code nameAt} (or the object's end). */
    private int nextSibling(int nameAt) {
        return skipValue(nameAt + 1);
    }

    /** Index just past the value starting at {@code i}. */
    private int skipValue(int i) {
        byte k = kinds[i];
        if (k != START_OBJECT && k != START_ARRAY) {
            return i + 1;
        }
        int depth = 0;
        do {
            byte c = kinds[i++];
            if (c == START_OBJECT || c == START_ARRAY) {
                depth++;
            } else if (c == END_OBJECT || c == END_ARRAY) {
                depth--;
            }
        } while (depth > 0);
        return i;
    }

    private boolean readValue(JsonParser p, JsonToken t) throws IOException {
        if (t == null) {
            throw new IOException("truncated document");
        }
        switch (t) {
            case START_OBJECT -> {
                return readObject(p, false);
            }
            case START_ARRAY -> {
                int start = add(START_ARRAY, 0, null);
                long count = 0;
                JsonToken n;
                while ((n = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (!readValue(p, n)) {
                        return false;
                    }
                    count++;
                }
                numbers[start] = count;
                add(END_ARRAY, 0, null);
            }
            case VALUE_STRING -> add(TEXT, 0, p.getText());
            case VALUE_NUMBER_INT -> {
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    BigInteger b = p.getBigIntegerValue();
                    // the tree's BigIntegerNode is written as a long when it fits
                    if (b.bitLength() < 64) {
                        add(LONG, b.longValue(), null);
                    } else {
                        add(BIG, 0, b);
                    }
                } else {
                    add(LONG, p.getLongValue(), null);
                }
            }
            case VALUE_NUMBER_FLOAT -> add(DOUBLE, Double.doubleToRawLongBits(p.getDoubleValue()), null);
            case VALUE_TRUE -> add(TRUE, 0, null);
            case VALUE_FALSE -> add(FALSE, 0, null);
            case VALUE_NULL -> add(NULL, 0, null);
            default -> throw new IOException("unexpected token " + t);
        }
        return true;
    }

    private int add(byte kind, long number, Object ref) {
        if (size == kinds.length) {
            int cap = size * 2;
            kinds = Arrays.copyOf(kinds, cap);
            numbers = Arrays.copyOf(numbers, cap);
            refs = Arrays.copyOf(refs, cap);
        }
        kinds[size] = kind;
        numbers[size] = number;
        refs[size] = ref;
        return size++;
    }

    /** Number of top-level fields. */
    int fieldCount() {
        return topNames.size();
    }

    /** Index of the top-level field called {@code name}, or -1. */
    int field(String name) {
        for (int i = 0; i < topNames.size(); i++) {
            if (name.equals(nameAt(topNames.get(i)))) {
                return i;
            }
        }
        return -1;
    }

    SerializedString encodedFieldName(int field) {
        return (SerializedString) refs[topNames.get(field)];
    }

    /** True if top-level field {@code field}'s value is JSON null. */
    boolean isNull(int field) {
        return kinds[topNames.get(field) + 1] == NULL;
    }

    /** True if top-level field {@code field}'s value is the string {@code text}. */
    boolean isText(int field, String text) {
        int v = topNames.get(field) + 1;
        return kinds[v] == TEXT && text.equals(refs[v]);
    }

    /** Writes top-level field {@code field}'s value. */
    void writeValue(JsonGenerator gen, int field) throws IOException {
        int from = topNames.get(field) + 1;
        replay(gen, from, skipValue(from));
    }

    /** Writes the whole object. */
    void write(JsonGenerator gen) throws IOException {
        replay(gen, 0, size);
    }

    private void replay(JsonGenerator gen, int from, int to) throws IOException {
        for (int i = from; i < to; i++) {
            switch (kinds[i]) {
                case START_OBJECT -> gen.writeStartObject(null, (int) numbers[i]);
                case START_ARRAY -> gen.writeStartArray(null, (int) numbers[i]);
                case END_OBJECT -> gen.writeEndObject();
                case END_ARRAY -> gen.writeEndArray();
                case NAME -> gen.writeFieldName((SerializedString) refs[i]);
                case TEXT -> {
                    byte[] utf8 = ((String) refs[i]).getBytes(StandardCharsets.UTF_8);
                    gen.writeUTF8String(utf8, 0, utf8.length);
                }
                case LONG -> gen.writeNumber(numbers[i]);
                case BIG -> gen.writeNumber((BigInteger) refs[i]);
                case DOUBLE -> gen.writeNumber(Double.longBitsToDouble(numbers[i]));
                case TRUE -> gen.writeBoolean(true);
                case FALSE -> gen.writeBoolean(false);
                case NULL -> gen.writeNull();
                default -> throw new IllegalStateException("token kind " + kinds[i]);
            }
        }
    }
}
