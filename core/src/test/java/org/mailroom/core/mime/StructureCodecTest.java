package org.mailroom.core.mime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stored form gives back the same structure, and refuses what it cannot read. */
class StructureCodecTest {

    @Test
    void everySampleSurvivesTheRoundTrip() {
        for (Map.Entry<String, byte[]> e : Messages.all().entrySet()) {
            MessageStructure m = MessageStructure.parse(e.getValue());
            byte[] stored = m.toBytes();
            assertThat(stored[0]).as(e.getKey()).isEqualTo((byte) StructureCodec.VERSION);
            MessageStructure back = MessageStructure.fromBytes(stored);
            assertThat(back.envelope()).as(e.getKey()).isEqualTo(m.envelope());
            assertThat(back.bodyStructure()).as(e.getKey()).isEqualTo(m.bodyStructure());
            assertThat(back.body()).as(e.getKey()).isEqualTo(m.body());
            assertThat(back.size()).as(e.getKey()).isEqualTo(m.size());
            assertThat(back.headers()).as(e.getKey()).isEqualTo(m.headers());
            for (String section : new String[] {"", "1", "1.MIME", "2", "2.HEADER", "TEXT", "1.2.1"}) {
                assertThat(range(back, section)).as(e.getKey() + " " + section).isEqualTo(range(m, section));
            }
            assertThat(back.toBytes()).as(e.getKey()).isEqualTo(stored);
        }
    }

    private static String range(MessageStructure m, String section) {
        return m.locate(section).map(l -> l.offset() + "+" + l.length() + " " + l.part().type()).orElse("none");
    }

    @Test
    void storedFormIsCompact() {
        assertThat(MessageStructure.parse(Messages.SIMPLE).toBytes().length).isLessThan(700);
    }

    @Test
    void unknownVersionAndCorruptBytesAreRefused() {
        byte[] stored = MessageStructure.parse(Messages.FORWARDED).toBytes();
        byte[] otherVersion = stored.clone();
        otherVersion[0] = 99;
        assertThatThrownBy(() -> MessageStructure.fromBytes(otherVersion)).isInstanceOf(IllegalArgumentException.class);
        for (int cut = 0; cut < stored.length; cut += 7) {
            byte[] truncated = Arrays.copyOf(stored, cut);
            assertThatThrownBy(() -> MessageStructure.fromBytes(truncated)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> MessageStructure.fromBytes(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }
}
