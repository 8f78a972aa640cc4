package org.mailroom.protocol.imap;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Large literals of all connections share one memory budget; what does not fit is refused, never buffered. */
class LiteralBudgetTest {

    private static final int MIB = 1024 * 1024;

    private static EmbeddedChannel connection(LiteralBudget budget) {
        ImapDecoder decoder = new ImapDecoder(1000, 40L * MIB, budget);
        decoder.loggedIn();
        return new EmbeddedChannel(decoder);
    }

    private static List<Object> feed(EmbeddedChannel ch, String text) {
        return feed(ch, text.getBytes(StandardCharsets.US_ASCII));
    }

    private static List<Object> feed(EmbeddedChannel ch, byte[] bytes) {
        ch.writeInbound(Unpooled.wrappedBuffer(bytes));
        List<Object> out = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) out.add(o);
        return out;
    }

    private static String written(EmbeddedChannel ch) {
        StringBuilder s = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            s.append(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
        return s.toString();
    }

    @Test
    void aSecondLargeLiteralIsRefusedUntilTheFirstCommandIsDone() {
        LiteralBudget budget = new LiteralBudget(5L * MIB);
        EmbeddedChannel first = connection(budget);
        EmbeddedChannel second = connection(budget);
        int size = 2 * MIB;

        assertThat(feed(first, "a1 APPEND INBOX {" + size + "}\r\n")).isEmpty();
        assertThat(written(first)).startsWith("+ ");
        assertThat(budget.held()).isEqualTo(2L * size);

        // The client waits for "+": it is told at once to try later, and nothing of it is buffered.
        List<Object> refused = feed(second, "b1 APPEND INBOX {" + size + "}\r\n");
        assertThat(written(second)).isEmpty();
        assertThat(refused).singleElement().isInstanceOfSatisfying(ImapDecoder.Refused.class, r -> {
            assertThat(r.tag()).isEqualTo("b1");
            assertThat(r.reason()).startsWith("[LIMIT]");
            assertThat(r.temporary()).isTrue();
        });

        // A non-synchronizing one cannot be stopped: it is read, thrown away, then refused.
        byte[] text = new byte[size];
        java.util.Arrays.fill(text, (byte) 'x');
        assertThat(feed(second, "b2 APPEND INBOX {" + size + "+}\r\n")).isEmpty();
        assertThat(feed(second, text)).isEmpty();
        assertThat(feed(second, "\r\n")).singleElement().isInstanceOfSatisfying(ImapDecoder.Refused.class,
                r -> assertThat(r.tag() + " " + r.reason()).startsWith("b2 [LIMIT]"));

        List<Object> done = feed(first, new String(text, StandardCharsets.US_ASCII) + "\r\n");
        ImapDecoder.Command command = (ImapDecoder.Command) done.get(0);
        assertThat(command.bytes()).hasSize(("a1 APPEND INBOX {" + size + "}\r\n").length() + size);
        assertThat(budget.held()).isEqualTo(2L * size);
        command.done();
        assertThat(budget.held()).isZero();

        assertThat(feed(second, "b3 APPEND INBOX {" + size + "}\r\n")).isEmpty();
        assertThat(written(second)).startsWith("+ ");
        second.close(); // cut off mid-literal: its share comes back
        assertThat(budget.held()).isZero();
        first.close();
    }

    @Test
    void oneLiteralIsAlwaysAdmittedAndSmallOnesAreNotCounted() {
        LiteralBudget budget = new LiteralBudget(MIB);
        EmbeddedChannel ch = connection(budget);
        assertThat(feed(ch, "a1 APPEND INBOX {" + 3 * MIB + "}\r\n")).isEmpty();
        assertThat(written(ch)).startsWith("+ ");
        EmbeddedChannel other = connection(budget);
        assertThat(feed(other, "b1 APPEND INBOX {5}\r\nhello\r\n")).singleElement()
                .isInstanceOf(ImapDecoder.Command.class);
        ch.close();
        other.close();
        assertThat(budget.held()).isZero();
    }
}
