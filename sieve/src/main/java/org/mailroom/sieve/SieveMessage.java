package org.mailroom.sieve;

import java.io.IOException;
import java.io.InputStream;

/** The message a script is run against, with its envelope (RFC 5228 section 5.4: the envelope test). */
public interface SieveMessage {

    /** The reverse path, without angle brackets; "" for the null sender. */
    String envelopeFrom();

    /** The recipient being delivered to, as given at RCPT TO (an alias, if the mail came through one). */
    String envelopeTo();

    /** The size of the message in octets (the size test). */
    long size();

    /** The whole message as received: header section, blank line, body (CRLF line ends). Each call starts over. */
    InputStream open() throws IOException;
}
