package dev.itar.archive;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Deterministic CBOR and JSON for the archive's metadata. Maps keep insertion order and every map and
 * array is written with a definite length (as Python's cbor2 does); Jackson's generator only writes
 * definite lengths when it is told the size up front, which is why trees are walked by hand here.
 */
final class Cbor {
    private static final CBORFactory FACTORY = CBORFactory.builder()
            .enable(CBORGenerator.Feature.WRITE_MINIMAL_INTS)
            .disable(CBORGenerator.Feature.WRITE_TYPE_HEADER)
            .disable(CBORGenerator.Feature.STRINGREF)
            .disable(CBORGenerator.Feature.WRITE_MINIMAL_DOUBLES)
            .build();
    private static final ObjectMapper CBOR_MAPPER = new CBORMapper(FACTORY);
    /** JSON as zarr-python reads and writes it: NaN/Infinity are bare literals, not strings. */
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .build();

    private Cbor() {}

    /** Encodes a JSON tree, maps in their iteration order, all lengths definite. */
    static byte[] encode(JsonNode node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator gen = FACTORY.createGenerator(out)) {
            write(gen, node);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory; cannot happen
        }
        return out.toByteArray();
    }

    /** Encodes the index table: a map of three parallel arrays. */
    static byte[] encodeIndex(List<IndexEntry> entriesByOffset) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + entriesByOffset.size() * 48);
        try (JsonGenerator gen = FACTORY.createGenerator(out)) {
            int n = entriesByOffset.size();
            gen.writeStartObject(null, 3);
            gen.writeFieldName("items");
            gen.writeStartArray(null, n);
            for (IndexEntry e : entriesByOffset) {
                writeText(gen, e.key());
            }
            gen.writeEndArray();
            gen.writeFieldName("offset_datas");
            gen.writeStartArray(null, n);
            for (IndexEntry e : entriesByOffset) {
                gen.writeNumber(e.offset());
            }
            gen.writeEndArray();
            gen.writeFieldName("sizes");
            gen.writeStartArray(null, n);
            for (IndexEntry e : entriesByOffset) {
                gen.writeNumber(e.size());
            }
            gen.writeEndArray();
            gen.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator gen, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                gen.writeStartObject(null, node.size());
                for (Map.Entry<String, JsonNode> f : node.properties()) {
                    // SerializableString keeps long keys definite-length (as writeText does for values)
                    gen.writeFieldName(new com.fasterxml.jackson.core.io.SerializedString(f.getKey()));
                    write(gen, f.getValue());
                }
                gen.writeEndObject();
            }
            case ARRAY -> {
                gen.writeStartArray(null, node.size());
                for (JsonNode child : node) {
                    write(gen, child);
                }
                gen.writeEndArray();
            }
            case STRING -> writeText(gen, node.textValue());
            case BOOLEAN -> gen.writeBoolean(node.booleanValue());
            case NULL, MISSING -> gen.writeNull();
            case BINARY -> {
                byte[] b = node.binaryValue();
                gen.writeBinary(b, 0, b.length);
            }
            case NUMBER -> {
                if (node.isIntegralNumber()) {
                    if (node.canConvertToLong()) {
                        gen.writeNumber(node.longValue());
                    } else {
                        gen.writeNumber(node.bigIntegerValue());
                    }
                } else {
                    // Python floats are binary64; cbor2 writes them as 8-byte floats.
                    gen.writeNumber(node.doubleValue());
                }
            }
            default -> throw new IllegalArgumentException("cannot encode JSON node of type " + node.getNodeType());
        }
    }

    /**
     * Text with a definite length, as cbor2 writes it. Jackson's writeString(String) switches to an
     * indefinite-length chunked string for long values; handing it UTF-8 bytes keeps the length definite.
     */
    private static void writeText(JsonGenerator gen, String text) throws IOException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        gen.writeUTF8String(utf8, 0, utf8.length);
    }

    /** Decodes one CBOR data item; throws on malformed input or trailing bytes. */
    static JsonNode decode(byte[] cbor) throws IOException {
        try (var parser = CBOR_MAPPER.createParser(cbor)) {
            JsonNode node = CBOR_MAPPER.readTree(parser);
            if (node == null) {
                throw new IOException("empty CBOR document");
            }
            if (parser.nextToken() != null) {
                throw new IOException("trailing bytes after the CBOR data item");
            }
            return node;
        }
    }

    /** A streaming parser over CBOR bytes. */
    static com.fasterxml.jackson.core.JsonParser parser(byte[] cbor) throws IOException {
        return FACTORY.createParser(cbor);
    }

    static JsonNode parseJson(byte[] json) throws IOException {
        JsonNode node = JSON.readTree(json);
        if (node == null) {
            throw new IOException("empty JSON document");
        }
        return node;
    }

    static byte[] toJson(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
