package org.mailroom.sieve;

/** A compiled script: immutable, safe to cache and to run on many threads at once. */
public interface SieveScript {

    /** The name it was compiled under. */
    String name();

    /**
     * Runs the script against one message for one recipient. Never throws: a runtime error (a missing included
     * script, a loop of includes, too many actions) ends the run with the implicit keep and the error named in
     * {@link SieveOutcome#error()}, so no message is lost because of a script.
     */
    SieveOutcome run(SieveMessage message, SieveEnvironment environment);
}
