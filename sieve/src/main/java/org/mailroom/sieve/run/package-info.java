/**
 * Running a {@code Program} against one message for one recipient. An {@code Interpreter} is made per run and
 * dropped after it; the program is shared by every thread.
 *
 * <p><b>Cost.</b> Nothing is read until a test needs it: the header section is read once, on the first header,
 * address, exists, date or vacation test ({@code MessageView}), the whole message only for a body test
 * ({@code BodyText}, through core's MIME parser). Regex and wildcard matching read their subject through a
 * {@code Budget} that counts characters, so a pathological pattern ends the run with an error, not a stuck thread.
 *
 * <p><b>Failure.</b> A run never throws: a script error ({@code SieveRuntimeException}), an exhausted budget, an
 * I/O error of the message or an exception of the environment all end in
 * {@link org.mailroom.sieve.SieveOutcome#failed}: the implicit keep, with the reason (RFC 5228 section 2.10.6).
 */
package org.mailroom.sieve.run;
