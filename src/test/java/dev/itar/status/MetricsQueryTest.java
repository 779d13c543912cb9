package dev.itar.status;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetricsQueryTest {
    @Test
    void noQueryOrNoNameAsksForEverything() {
        assertThat(MetricsQuery.names(null)).isEmpty();
        assertThat(MetricsQuery.names("")).isEmpty();
        assertThat(MetricsQuery.names("format=text&name[]=")).isEmpty();
        assertThat(MetricsQuery.names("name[]")).isEmpty();
    }

    @Test
    void repeatedNamesEncodedOrNotAndCountersUnderBothSpellings() {
        assertThat(MetricsQuery.names("name%5B%5D=itar_records_accepted_total&name[]=itar_open_recordings&x=1"))
                .containsExactly("itar_open_recordings", "itar_records_accepted", "itar_records_accepted_total");
    }
}
