/**
 * SPF (RFC 7208): whether a client address may send mail for a domain.
 *
 * <p>{@link org.mailroom.mailauth.spf.SpfEvaluator} parses a domain's one {@code v=spf1} record whole
 * ({@code SpfRecord}: a syntax error anywhere is permerror before anything is evaluated), then tries its mechanisms
 * left to right. One evaluation carries the counters that RFC 7208 section 4.6.4 sets against denial of service
 * through every include and redirect: 10 terms that query DNS, 2 void look-ups, 10 MX or PTR names per look-up,
 * and our own time budget (20 s, checked before each DNS question). Include loops end at the term limit.
 * Macros ({@code SpfMacros}, section 7) are checked at parse time and expanded when used, {@code %{p}} only then,
 * since it costs look-ups. DNS failures are temperror, limits and syntax permerror; nothing throws out.
 */
package org.mailroom.mailauth.spf;
