/**
 * Message structure for IMAP: ENVELOPE, BODYSTRUCTURE, BODY and FETCH sections, computed once.
 *
 * <p><b>Design.</b> {@link org.mailroom.core.mime.MessageStructure#parse} reads a message once, line by line
 * ({@code LineReader}), and builds an immutable tree of {@link org.mailroom.core.mime.MimePart}s with the
 * byte range of every header and body ({@code MimeParser}). Only header blocks and open boundaries are held;
 * a 50 MB attachment costs the same heap as a 5 KB one. The tree, the ENVELOPE strings and the decoded
 * header fields are then kept by the store as a small BLOB ({@code toBytes}), so FETCH ENVELOPE or
 * BODYSTRUCTURE over a whole mailbox reads no message file, and BODY[1.2] reads just its range.
 *
 * <p><b>Why not mime4j.</b> DEPENDENCIES.md names Apache mime4j, and 0.8.14/0.8.15 resolve here, but its
 * token stream does not report byte offsets of parts, and serving BODY[section] from ranges of the blob is
 * the point; its buffered reader hides the position of each token, and its line handling would have
 * to be re-done anyway for body-fld-lines. The grammar needed (headers, boundaries, parameters, addresses)
 * is small, so it is written here (about 2,000 lines).
 *
 * <p><b>Robustness.</b> Nothing in a message makes the parser throw: RFC 2045's defaults stand in for
 * missing or invalid fields (text/plain; charset=us-ascii, 7bit), a missing close delimiter ends a
 * multipart at its parent's boundary or at the end, a multipart without boundary is text/plain, header
 * bytes are UTF-8 when valid (RFC 6532) and ISO-8859-1 otherwise. Nesting and part counts are bounded.
 *
 * <p><b>Compatibility.</b> The output was compared with Dovecot 2.3's FETCH on the test messages; it
 * differs only where Dovecot is odd ({@code Content-Type: text} gives us text/plain, not "text" "";
 * 8-bit legacy header bytes are sent as UTF-8) or where both forms are valid (quoted string or literal).
 */
package org.mailroom.core.mime;
