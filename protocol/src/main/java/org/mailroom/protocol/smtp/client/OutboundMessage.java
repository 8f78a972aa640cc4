package org.mailroom.protocol.smtp.client;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * One message to hand over in one SMTP transaction.
 *
 * @param sender     the reverse path's address, or null for {@code <>}
 * @param recipients the forward paths, with their DSN parameters
 * @param size       octets, for {@code SIZE=} (RFC 1870)
 * @param eightBit   the content has octets above 127: {@code BODY=8BITMIME} (RFC 6152)
 * @param utf8       an address or header needs {@code SMTPUTF8} (RFC 6531)
 * @param envid      DSN ENVID (RFC 3461 section 4.4), decoded, or null
 * @param ret        DSN RET, "FULL" or "HDRS", or null
 * @param content    opens the stored message, which begins with our {@code Return-Path:} line
 */
public record OutboundMessage(String sender, List<Recipient> recipients, long size, boolean eightBit, boolean utf8,
                              String envid, String ret, Content content) {

    public OutboundMessage {
        recipients = List.copyOf(recipients);
    }

    /**
     * @param notifyOn DSN NOTIFY value ("SUCCESS,FAILURE", "NEVER"), or null
     * @param orcpt  DSN ORCPT as "rfc822;address", decoded, or null
     */
    public record Recipient(String address, String notifyOn, String orcpt) {
        public Recipient(String address) {
            this(address, null, null);
        }
    }

    /** Opens the message bytes; may be called again for a second try on another host. */
    public interface Content {
        InputStream open() throws IOException;
    }
}
