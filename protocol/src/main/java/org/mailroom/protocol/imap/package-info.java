/**
 * The IMAP server: IMAP4rev1 (RFC 3501) and IMAP4rev2 (RFC 9051), both announced.
 *
 * <h2>How a command travels</h2>
 * {@link org.mailroom.protocol.imap.ImapDecoder} (on the event loop) cuts bytes into whole commands, literals
 * included, and enforces the limits before buffering; it answers synchronizing literals with "+" itself.
 * {@link org.mailroom.protocol.imap.ImapSession} (on the blocking executor) parses each command with
 * {@link org.mailroom.protocol.imap.ImapParser}, which knows values (atoms, strings, literals, lists) but no
 * commands, finds the command in {@link org.mailroom.protocol.imap.CommandTable} (one class per command in
 * {@code commands/}, with the states it is valid in) and runs it.
 *
 * <h2>Keeping clients in step</h2>
 * The store publishes every change; each session hands the events to its own executor, so all of a session's
 * state is touched by one thread at a time. {@link org.mailroom.protocol.imap.SelectedMailbox} keeps the
 * client's view (the sequence number map and the flags it was told) and, before each tagged reply and at once
 * during IDLE, tells the client the differences: FETCH FLAGS, EXISTS, and EXPUNGE except after FETCH, STORE
 * and SEARCH (RFC 9051 section 7.5.1), when expunged messages keep their numbers until a later command.
 *
 * <h2>Seams</h2>
 * {@link org.mailroom.protocol.imap.MessageStructureSource} gives ENVELOPE, BODYSTRUCTURE, decoded headers and
 * section bytes ({@link org.mailroom.protocol.imap.StoredMessageStructure}: the structure parsed at delivery and
 * kept by the store, sections read from their byte range of the blob).
 *
 * <h2>\Recent, QRESYNC after pruning, SEARCH text</h2>
 * \Recent (IMAP4rev1 only) is per session: the store keeps per mailbox the highest UID some session has claimed,
 * a SELECT (and each arrival the selected session hears of) raises it and keeps the UID range it got, EXAMINE
 * only looks ({@link org.mailroom.protocol.imap.SelectedMailbox}). Expunge records are pruned past a number per
 * mailbox; below the mailbox's floor, VANISHED (EARLIER) lists every UID the client may know that is gone
 * ({@link org.mailroom.protocol.imap.SequenceSet#missing}). SEARCH BODY and TEXT compare with the decoded text
 * parts ({@link org.mailroom.protocol.imap.SearchText}).
 *
 * <h2>Quota and compression</h2>
 * One storage limit per account ({@link org.mailroom.core.store.Quota}), its own from the directory or the
 * default: quota root "" holds every mailbox (RFC 9208); APPEND and COPY check it before storing, MOVE never
 * changes it; SETQUOTA is refused (NOPERM). COMPRESS DEFLATE (RFC 4978) puts
 * Netty's raw deflate codecs next to TLS on the event loop, in the same task as the uncompressed OK.
 *
 * <h2>TLS and logins</h2>
 * Port 143 offers STARTTLS (RFC 9051 section 6.2.1): the decoder stops after {@code tag STARTTLS}, and
 * {@link org.mailroom.protocol.tls.StartTls} writes the OK and starts the handshake, closing the connection if
 * anything was sent behind the command (the one place that rule lives). Port 993 has TLS from the first byte
 * (RFC 8314). Passwords in the clear (LOGIN, AUTHENTICATE PLAIN and LOGIN) only under TLS or from loopback;
 * elsewhere LOGINDISABLED. AUTHENTICATE and LOGIN go through the shared {@code SaslMechanisms} (one login cache)
 * and {@code LoginGuard} (delays, failure limit, rate per client network) of every protocol.
 */
package org.mailroom.protocol.imap;
