package dev.itar.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3SettingsTest {
    @Test
    void urisParseToBucketAndKeyAndResolveNames() {
        assertThat(S3Uri.parse("s3://b-1/archives/fleet/")).isEqualTo(new S3Uri("b-1", "archives/fleet"));
        assertThat(S3Uri.parse("s3://b-1")).isEqualTo(new S3Uri("b-1", ""));
        assertThat(S3Uri.parse("S3://b-1/x").toString()).isEqualTo("s3://b-1/x");
        assertThat(S3Uri.parse("s3://b-1/p").resolve("r.itar").toString()).isEqualTo("s3://b-1/p/r.itar");
        assertThat(S3Uri.parse("s3://b-1/").resolve("r.itar").key()).isEqualTo("r.itar");
        assertThat(S3Uri.parse("s3://b-1/p").listPrefix()).isEqualTo("p/");
        for (String bad : new String[] {"s3://", "s3:///key", "s3://b/a//c", "s3://a", "/local/path"}) {
            assertThatThrownBy(() -> S3Uri.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad.isEmpty() ? "" : "'" + bad + "'");
        }
    }

    @Test
    void settingsComeFromKeysAndDefaultToTheSdkChains() {
        S3Settings none = S3Settings.from(k -> null);
        assertThat(none).isEqualTo(S3Settings.defaults());
        assertThat(none.endpoint()).isEmpty();
        assertThat(none.partBytes()).isEqualTo(8 << 20);

        Map<String, String> values = Map.of(S3Settings.ENDPOINT, "http://127.0.0.1:9000", S3Settings.REGION, "eu-west-1",
                S3Settings.PATH_STYLE, "TRUE", S3Settings.ACCESS_KEY_ID, "id", S3Settings.SECRET_ACCESS_KEY, "sec",
                S3Settings.PART_BYTES, "16_777_216", S3Settings.PARTS_IN_FLIGHT, "4");
        S3Settings s = S3Settings.from(values::get);
        assertThat(s.endpoint()).contains(URI.create("http://127.0.0.1:9000"));
        assertThat(s.region()).contains("eu-west-1");
        assertThat(s.pathStyle()).contains(true);
        assertThat(s.partBytes()).isEqualTo(16 << 20);
        assertThat(s.partsInFlight()).isEqualTo(4);
        assertThat(s.toString()).doesNotContain("sec");
    }

    @Test
    void invalidSettingsNameTheirKey() {
        assertThatThrownBy(() -> S3Settings.from(Map.of(S3Settings.ENDPOINT, "ftp://x")::get))
                .hasMessageContaining(S3Settings.ENDPOINT);
        assertThatThrownBy(() -> S3Settings.from(Map.of(S3Settings.PART_BYTES, "1000")::get))
                .hasMessageContaining(S3Settings.PART_BYTES).hasMessageContaining("5 MiB");
        assertThatThrownBy(() -> S3Settings.from(Map.of(S3Settings.PATH_STYLE, "yes")::get))
                .hasMessageContaining(S3Settings.PATH_STYLE);
        assertThatThrownBy(() -> S3Settings.from(Map.of(S3Settings.ACCESS_KEY_ID, "id")::get))
                .hasMessageContaining(S3Settings.SECRET_ACCESS_KEY);
    }
}
