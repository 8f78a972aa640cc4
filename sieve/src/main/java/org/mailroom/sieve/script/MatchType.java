package org.mailroom.sieve.script;

/** How a value is compared with a key: RFC 5228 section 2.7.1, RFC 5231 (relational), the regex draft. */
public enum MatchType { IS, CONTAINS, MATCHES, REGEX, VALUE, COUNT }
