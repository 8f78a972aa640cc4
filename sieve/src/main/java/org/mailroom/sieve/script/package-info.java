/**
 * The meaning of a parsed script. {@code Grammar} lists every command, test and tag with the extension that brings
 * it; {@code Checker} walks the tree against it and produces a {@code Program} of {@code Call}s: tags resolved into
 * a map, positional arguments typed, comparator, match type and relation chosen, literal {@code :matches} and
 * {@code :regex} keys compiled to patterns once. Everything that does not depend on a message is refused here, so
 * that a script that compiled fails at run time only on what the message, the variables or the store decide.
 */
package org.mailroom.sieve.script;
