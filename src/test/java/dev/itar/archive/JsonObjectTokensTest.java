package dev.itar.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The token path must produce exactly the bytes of the tree path (parse, build, encode) it replaces. */
class JsonObjectTokensTest {
    static final String[] CHILDREN = {
        "{\"attributes\":{},\"zarr_format\":3,\"node_type\":\"group\"}",
        "{\"zarr_format\":3,\"node_type\":\"group\",\"consolidated_metadata\":null,\"attributes\":{\"a\":1}}",
        "{\"zarr_format\":3,\"consolidated_metadata\":{\"kind\":\"x\"},\"node_type\":\"group\"}",
        "{\"shape\":[2, 3],\"data_type\":\"float32\",\"fill_value\":NaN,\"zarr_format\":3,\"node_type\":\"array\","
                + "\"attributes\":{\"unit\":\"m\\u00e9\\ud83d\\ude00\",\"inf\":-Infinity,\"f\":1e-05,\"g\":30.0,"
                + "\"big\":123456789012345678901234567890,\"neg\":-9223372036854775808,\"u\":4294967296,"
                + "\"i\":-24,\"t\":true,\"n\":null,\"nested\":[[],{},[{\"q\":[1,2.5,\"s\"]}]]}}",
        "{\"node_type\":5,\"attributes\":{\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,\"k8\":8,"
                + "\"k9\":9,\"k10\":10,\"k11\":11}}",
        "{\"attributes\":{\"long\":\"" + "x".repeat(300) + "\",\"" + "k".repeat(2000) + "\":0}}",
        "{\"node_type\":\"group\"} trailing content the tree path ignores",
    };

    static final String[] ROOTS = {
        "{\"attributes\":{\"sequence_id\":\"s1\"},\"zarr_format\":3,\"node_type\":\"group\"}",
        "{\"attributes\":{},\"zarr_format\":3}",
        "{\"consolidated_metadata\":{\"old\":1},\"node_type\":\"group\"}",
        "{}",
    };

    @ParameterizedTest
    @EnumSource(RootDialect.class)
    void tokenPathWritesTheTreePathsBytes(RootDialect dialect) throws Exception {
        for (String rootJson : ROOTS) {
            Map<String, JsonNode> trees = new LinkedHashMap<>();
            Map<String, JsonObjectTokens> tokens = new LinkedHashMap<>();
            for (int i = 0; i < CHILDREN.length; i++) {
                // paths chosen so the casefolded order differs from the raw order
                String path = (i % 2 == 0 ? "B" : "a") + i + (i % 3 == 0 ? "/x" : "") + "/\u00dfn";
                trees.put(path, Cbor.parseJson(bytes(CHILDREN[i])));
                tokens.put(path, JsonObjectTokens.tryParse(bytes(CHILDREN[i])));
            }
            byte[] expected = ConsolidatedRoot.encode(dialect,
                    ConsolidatedRoot.build((ObjectNode) Cbor.parseJson(bytes(rootJson)), trees));
            byte[] actual = ConsolidatedRoot.encodeTokens(dialect, JsonObjectTokens.tryParse(bytes(rootJson)), tokens, 0);
            assertThat(actual).as(rootJson).isEqualTo(expected);
        }
    }

    @Test
    void singleDocumentsReplayAsTheirTrees() throws Exception {
        for (String c : CHILDREN) {
            JsonObjectTokens t = JsonObjectTokens.tryParse(bytes(c));
            assertThat(Cbor.encodeWith(0, t::write)).isEqualTo(Cbor.encode(Cbor.parseJson(bytes(c))));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1]", "\"s\"", "", "{\"a\":1,\"a\":2}", "{\"x\":{\"b\":1,\"b\":1}}",
        "{\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,\"k8\":8,\"k9\":9,\"k10\":10,\"k3\":0}",
        "{\"a\":", "{\"a\" 1}"})
    void documentsATokenListCannotRepresentExactlyAreRefused(String json) {
        assertThat(JsonObjectTokens.tryParse(bytes(json))).isNull();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
