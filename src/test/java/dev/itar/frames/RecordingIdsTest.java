package dev.itar.frames;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordingIdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/b", "", ".hidden", "..", "-dash", "_under", "a b", "a\\b", "drive\n1",
            "fahrt-ä", "日本", "a\u0000b", "x:y"})
    void invalid(String id) {
        assertThat(RecordingIds.isValid(id)).isFalse();
        assertThatThrownBy(() -> RecordingIds.requireValid(id))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("recording id")
                .hasMessageContaining("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    }

    @Test
    void lengthLimit() {
        String max = "a".repeat(128);
        assertThat(RecordingIds.isValid(max)).isTrue();
        assertThat(RecordingIds.isValid(max + "a")).isFalse();
        assertThatThrownBy(() -> RecordingIds.requireValid(max + "a")).hasMessageContaining("129 chars");
        assertThat(RecordingIds.isValid(null)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "0", "Z9", "a.", "a..b", "drive_2024-07-01.run.3", "A-_."})
    void valid(String id) {
        assertThat(RecordingIds.isValid(id)).isTrue();
        assertThat(RecordingIds.requireValid(id)).isSameAs(id);
    }
}
