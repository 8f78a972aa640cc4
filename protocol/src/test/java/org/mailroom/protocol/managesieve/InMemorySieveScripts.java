package org.mailroom.protocol.managesieve;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.mailroom.core.store.SieveScripts;

/** SieveScripts in memory, for protocol tests (the stores' contract suite covers the real ones). */
final class InMemorySieveScripts implements SieveScripts {

    private final Map<String, TreeMap<String, String>> texts = new TreeMap<>();
    private final Map<String, String> active = new TreeMap<>();
    private final Map<String, Instant> marks = new TreeMap<>();
    private final AtomicLong version = new AtomicLong();

    @Override
    public synchronized List<Script> list(String owner) {
        List<Script> out = new ArrayList<>();
        for (String name : scripts(owner).keySet()) {
            out.add(new Script(owner, name, null, name.equals(active.get(owner)), version.get()));
        }
        return out;
    }

    @Override
    public synchronized Optional<Script> get(String owner, String name) {
        String text = scripts(owner).get(name);
        return text == null ? Optional.empty()
                : Optional.of(new Script(owner, name, text, name.equals(active.get(owner)), version.get()));
    }

    @Override
    public synchronized void put(String owner, String name, String text) {
        scripts(owner).put(name, text);
        version.incrementAndGet();
    }

    @Override
    public synchronized boolean delete(String owner, String name) {
        if (name.equals(active.get(owner)) || scripts(owner).remove(name) == null) return false;
        version.incrementAndGet();
        return true;
    }

    @Override
    public synchronized boolean rename(String owner, String from, String to) {
        TreeMap<String, String> mine = scripts(owner);
        if (!mine.containsKey(from) || mine.containsKey(to)) return false;
        mine.put(to, mine.remove(from));
        if (from.equals(active.get(owner))) active.put(owner, to);
        version.incrementAndGet();
        return true;
    }

    @Override
    public synchronized boolean activate(String owner, String name) {
        if (name == null) {
            active.remove(owner);
        } else {
            if (!scripts(owner).containsKey(name)) return false;
            active.put(owner, name);
        }
        version.incrementAndGet();
        return true;
    }

    @Override
    public synchronized Optional<Script> active(String owner) {
        String name = active.get(owner);
        return name == null ? Optional.empty() : get(owner, name);
    }

    @Override
    public long version(String owner) {
        return version.get();
    }

    @Override
    public synchronized boolean seenBefore(String owner, String key, Duration period, Instant now) {
        Instant at = marks.get(owner + "\0" + key);
        if (at != null && at.isAfter(now.minus(period))) return true;
        marks.put(owner + "\0" + key, now);
        return false;
    }

    private TreeMap<String, String> scripts(String owner) {
        return texts.computeIfAbsent(owner, o -> new TreeMap<>());
    }
}
