/**
 * Sieve text to a tree, with no meaning yet: {@code Lexer} (tokens of RFC 5228 section 8.1, line numbers, strings
 * with escapes and dot-stuffing undone) and {@code Parser} (the grammar of section 8.2 by recursive descent, nesting
 * bounded). Every error is a {@link org.mailroom.sieve.SieveSyntaxException} with the line of the problem; for an
 * unterminated string or comment, the line where it starts.
 */
package org.mailroom.sieve.syntax;
