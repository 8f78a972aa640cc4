package org.mailroom.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs N simulated clients, one platform thread each (fine for the 10 to 100 clients of these loads), that
 * share a budget of work units (messages, sessions or commands). The clock runs from the moment all
 * clients are connected and released together until the last one is done.
 */
final class Clients {

    /** The body of one client: takes units from {@code work} until it is empty. */
    interface Body {
        void run(int client, Work work, Latencies latencies) throws Exception;
    }

    /** The shared budget; {@link #take} hands out unit numbers 0, 1, 2... until the total is reached. */
    static final class Work {
        private final int total;
        private final AtomicInteger next = new AtomicInteger();
        private volatile boolean failed;

        Work(int total) {
            this.total = total;
        }

        /** The next unit's number, or -1 when all are taken (or another client failed). */
        int take() {
            if (failed) return -1;
            int n = next.getAndIncrement();
            return n < total ? n : -1;
        }
    }

    /** What one run did: wall time, merged latencies. */
    record Outcome(double seconds, Latencies latencies) {}

    private Clients() {}

    static Outcome run(int clients, int units, Body body) throws Exception {
        Work work = new Work(units);
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Latencies> perClient = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Latencies latencies = new Latencies();
            perClient.add(latencies);
            int client = c;
            Thread t = new Thread(() -> {
                try {
                    ready.countDown();
                    go.await();
                    body.run(client, work, latencies);
                } catch (Throwable e) {
                    work.failed = true;
                    failure.compareAndSet(null, e);
                }
            }, "client-" + c);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        for (Thread t : threads) t.join();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failure.get() != null) {
            throw new Exception("a client failed: " + failure.get(), failure.get());
        }
        Latencies all = new Latencies();
        perClient.forEach(all::addAll);
        return new Outcome(seconds, all);
    }
}
