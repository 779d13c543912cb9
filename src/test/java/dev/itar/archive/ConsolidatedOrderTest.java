package dev.itar.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Precomputed sort keys (with the ASCII casefold shortcut) order exactly as the per-comparison definitions. */
class ConsolidatedOrderTest {
    static final List<String> PATHS = List.of("b", "B", "a/Z", "a/z", "A/y", "\u00df", "ss", "SS", "\ufb01x", "fix",
            "Fix", "cameras/cam0/frames/10", "cameras/Cam0/frames/9", "x/y/z", "x_y", "x-y", "X[", "x{", "@", "`",
            "\u212b", "\u00c5", "a", "");

    @Test
    void consolidatedOrderIsSlashesThenNfkcCasefoldThenRaw() {
        Comparator<String> reference = Comparator.comparingLong((String k) -> k.chars().filter(c -> c == '/').count())
                .thenComparing((String s) -> Normalizer.normalize(s, Normalizer.Form.NFKC)
                        .toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT))
                .thenComparing(Comparator.naturalOrder());
        List<String> expected = new ArrayList<>(PATHS);
        expected.sort(reference);
        assertThat(ConsolidatedRoot.sortedConsolidated(PATHS)).containsExactlyElementsOf(expected);
    }

    @Test
    void writeOrderIsSlashesThenRaw() {
        List<String> expected = new ArrayList<>(PATHS);
        expected.sort(Comparator.comparingLong((String k) -> k.chars().filter(c -> c == '/').count())
                .thenComparing(Comparator.naturalOrder()));
        assertThat(ConsolidatedRoot.sortedForWrite(PATHS)).containsExactlyElementsOf(expected);
        assertThat(expected.get(0)).isEqualTo("");
    }
}
