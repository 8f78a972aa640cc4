/**
 * POP3 server: RFC 1939, with CAPA and response codes (RFC 2449, RFC 3206) and AUTH (RFC 5034) with the SASL
 * mechanisms shared by all protocols ({@link org.mailroom.core.auth.SaslMechanisms}). USER/PASS and AUTH go through
 * the same {@link org.mailroom.core.auth.LoginGuard}: a failed login's reply is scheduled after the guard's delay
 * (lines queue meanwhile, no thread sleeps), the connection closes after the last allowed failure.
 *
 * <p>Design. One pipeline per connection, built in {@link org.mailroom.protocol.pop3.Pop3Server}:
 * idle timer, then {@link org.mailroom.protocol.pop3.Pop3Decoder} (line framing, length limit enforced before
 * anything is buffered), then {@link org.mailroom.protocol.pop3.Pop3Encoder}, then the
 * {@link org.mailroom.protocol.pop3.Pop3Session} on a blocking executor, because logins hash passwords and the
 * store reads disks. The session is one state enum (AUTHORIZATION, TRANSACTION, UPDATE, the three states of
 * RFC 1939 section 3) and one table of verbs ({@link org.mailroom.protocol.pop3.Pop3CommandTable}), one class
 * per verb (LIST and UIDL share {@link org.mailroom.protocol.pop3.ListingCommand}); USER/PASS and AUTH share
 * {@link org.mailroom.protocol.pop3.Pop3Login}.
 *
 * <p>The maildrop is the account's INBOX as it was at login ({@link org.mailroom.protocol.pop3.Maildrop}):
 * POP3 numbers messages 1..n for the whole session, so later deliveries are invisible until the next login.
 * DELE only marks; the marks become an expunge when the client says QUIT (the UPDATE state), never when the
 * connection just drops. The store's maildrop lock (RFC 1939 section 8) keeps two POP3 sessions apart.
 *
 * <p>RETR and TOP stream the blob in chunks with dot-stuffing ({@link org.mailroom.protocol.pop3.DotStuffingReader}),
 * reading the next chunk only while the channel is writable, so a message is never held whole in memory and a
 * slow client does not pile up buffers. Commands pipelined behind a RETR wait in a queue meanwhile, with reads
 * paused so the queue stays small (RFC 2449 section 6.6 allows pipelining, the replies stay in order).
 */
package org.mailroom.protocol.pop3;
