/**
 * Sieve (RFC 5228): a user's mail filter, compiled once when uploaded ({@link SieveCompiler}) and run at local
 * delivery for each recipient ({@link SieveScript#run}). The interpreter decides; it never stores, sends or
 * deletes anything itself: it returns a {@link SieveOutcome} (the actions) and the delivery side carries them
 * out. What the script needs from outside (mailboxes, the duplicate tracker, included scripts, the clock) comes
 * through {@link SieveEnvironment}; the message itself through {@link SieveMessage}.
 */
package org.mailroom.sieve;
