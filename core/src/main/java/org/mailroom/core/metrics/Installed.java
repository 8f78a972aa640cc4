package org.mailroom.core.metrics;

/** Holds the process's {@link Metrics}; volatile, so a read on the hot path is one plain load. */
final class Installed {

    static volatile Metrics current = Metrics.NONE;

    private Installed() {}
}
