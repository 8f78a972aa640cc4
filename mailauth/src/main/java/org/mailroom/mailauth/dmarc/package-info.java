/**
 * DMARC (RFC 7489): whether the From domain's owner vouches for a message, through an SPF or DKIM pass aligned
 * with it, and what the owner asks for when not.
 *
 * <p>{@link org.mailroom.mailauth.dmarc.DmarcEvaluator} looks for the policy at {@code _dmarc.<From domain>}, then at
 * {@code _dmarc.<organizational domain>} ({@link org.mailroom.mailauth.dmarc.OrganizationalDomain}: the Public
 * Suffix List, both its ICANN and private sections, from Guava), reads it ({@code DmarcRecord}), checks alignment
 * (relaxed: same organizational domain; strict: same name) and applies {@code pct=} with the next lower policy for
 * messages not sampled. Report tags (rua, ruf, fo, rf, ri) are read and ignored: we send no reports.
 */
package org.mailroom.mailauth.dmarc;
