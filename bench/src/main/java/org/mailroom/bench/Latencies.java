package org.mailroom.bench;

import java.util.Arrays;

/** Latency samples in nanoseconds, one recorder per client thread, merged at the end of a run. */
final class Latencies {

    private long[] samples = new long[1024];
    private int count;

    void add(long nanos) {
        if (count == samples.length) samples = Arrays.copyOf(samples, count * 2);
        samples[count++] = nanos;
    }

    void addAll(Latencies other) {
        for (int i = 0; i < other.count; i++) add(other.samples[i]);
    }

    int count() {
        return count;
    }

    /** The nearest-rank percentile in milliseconds ({@code p} in 0..100), or NaN without samples. */
    double percentileMillis(double p) {
        if (count == 0) return Double.NaN;
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * count);
        return sorted[Math.max(0, Math.min(count - 1, rank - 1))] / 1e6;
    }
}
