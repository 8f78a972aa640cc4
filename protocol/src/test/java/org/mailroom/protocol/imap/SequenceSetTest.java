package org.mailroom.protocol.imap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link SequenceSet#missing}: the UIDs of a set that are gone, for VANISHED (EARLIER) after pruning. */
class SequenceSetTest {

    @Test
    void missingIsTheSetMinusWhatIsPresentWithinBounds() throws Exception {
        long[] present = {2, 3, 7, 10};
        assertThat(SequenceSet.parse("1:*").missing(0, 12, present)).isEqualTo("1,4:6,8:9,11:12");
        assertThat(SequenceSet.parse("1:*").missing(3, 12, present)).isEqualTo("4:6,8:9,11:12");
        assertThat(SequenceSet.parse("5,1:3,9:4294967295").missing(0, 10, present)).isEqualTo("1,5,9");
        assertThat(SequenceSet.parse("2:3,7").missing(0, 10, present)).isEmpty();
        assertThat(SequenceSet.parse("6:4,4:5").missing(0, 10, present)).isEqualTo("4:6");
        assertThat(SequenceSet.parse("1:4294967295").missing(0, 4294967295L, new long[0])).isEqualTo("1:4294967295");
    }
}
