/**
 * Sieve at local delivery. {@link org.mailroom.delivery.sieve.SieveRunner} decides (it runs a domain's before
 * script, the account's active script and the domain's after script, compiled once per stored version);
 * {@link org.mailroom.delivery.sieve.SieveDelivery} carries the decision out around {@code LocalDelivery}'s one
 * durable store commit: redirects before it (so a failure there fails the recipient temporarily and nothing is
 * lost), vacation replies, reject notices and the note about a failed script after it (they never fail a
 * delivery). The interpreter itself (module {@code sieve}) never stores or sends anything.
 */
package org.mailroom.delivery.sieve;
