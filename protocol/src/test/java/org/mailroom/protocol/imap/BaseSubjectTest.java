package org.mailroom.protocol.imap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RFC 5256 section 2.1, step by step. */
class BaseSubjectTest {

    @Test
    void leadersTrailersAndWrappersGo() {
        assertThat(BaseSubject.of("Re: lunch")).isEqualTo(new BaseSubject("lunch", true));
        assertThat(BaseSubject.of("lunch")).isEqualTo(new BaseSubject("lunch", false));
        assertThat(BaseSubject.of("RE: Fwd: re[2]: lunch").text()).isEqualTo("lunch");
        assertThat(BaseSubject.of("[list] Fwd: Meeting (fwd)")).isEqualTo(new BaseSubject("Meeting", true));
        assertThat(BaseSubject.of("[fwd: [list] Re: plans]  (fwd) ").text()).isEqualTo("plans");
        assertThat(BaseSubject.of("  tabs\tand\r\n folds  ").text()).isEqualTo("tabs and folds");
        assertThat(BaseSubject.of(null).text()).isEmpty();
    }

    @Test
    void aBlobAloneIsTheSubject() {
        // Step 4: a leading blob goes only if something is left after it.
        assertThat(BaseSubject.of("[announce]").text()).isEqualTo("[announce]");
        assertThat(BaseSubject.of("[announce] release").text()).isEqualTo("release");
        assertThat(BaseSubject.of("Reply all").text()).isEqualTo("Reply all");
    }

    @Test
    void comparisonFoldsAsciiOnly() {
        assertThat(BaseSubject.compareCaseMapped("Lunch", "lUNCH")).isZero();
        assertThat(BaseSubject.compareCaseMapped("a", "B")).isNegative();
        assertThat(BaseSubject.compareCaseMapped("ä", "Ä")).isNotZero();
    }
}
