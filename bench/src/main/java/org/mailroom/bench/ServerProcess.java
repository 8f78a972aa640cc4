package org.mailroom.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The server under test as seen from /proc: a root process and all its descendants, so that a
 * multi-process server (Postfix's master with smtpd, cleanup, qmgr and virtual; Dovecot with its login and
 * mail processes) is measured whole, the same way as one JVM.
 *
 * <p>CPU: the sum over the tree of utime + stime + cutime + cstime (proc(5) fields 14-17). A child that
 * exits during a run is reaped by its parent, whose cutime/cstime then hold its time, so the sum moves
 * only forward and the difference between two readings is what the server spent in between.
 *
 * <p>Memory: the sum over the tree of Pss from /proc/PID/smaps_rollup (proportional set size: shared pages
 * divided among the processes that share them), which is fair to servers that fork.
 */
final class ServerProcess {

    private final long rootPid;
    private final long ticksPerSecond;

    ServerProcess(long rootPid) {
        this.rootPid = rootPid;
        this.ticksPerSecond = clockTicks();
        if (!Files.isDirectory(Path.of("/proc", Long.toString(rootPid)))) {
            throw new IllegalArgumentException("no process " + rootPid);
        }
    }

    /** CPU seconds used so far by the whole tree. */
    double cpuSeconds() throws IOException {
        long ticks = 0;
        for (long pid : tree()) {
            String[] f = statFields(pid);
            if (f == null) continue;
            // Fields after "(comm)": index 0 is field 3 (state); utime is field 14, so index 11.
            for (int i = 11; i <= 14; i++) ticks += Long.parseLong(f[i]);
        }
        return ticks / (double) ticksPerSecond;
    }

    /** Proportional memory of the whole tree, in KiB. */
    long pssKib() throws IOException {
        long total = 0;
        for (long pid : tree()) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"));
            } catch (IOException e) {
                continue; // exited meanwhile
            }
            for (String line : lines) {
                if (line.startsWith("Pss:")) total += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return total;
    }

    /** How many processes the tree has now. */
    int processCount() throws IOException {
        return tree().size();
    }

    private List<Long> tree() throws IOException {
        Map<Long, List<Long>> children = new HashMap<>();
        try (var dirs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path dir : dirs) {
                long pid = Long.parseLong(dir.getFileName().toString());
                String[] f = statFields(pid);
                if (f != null) children.computeIfAbsent(Long.parseLong(f[1]), k -> new ArrayList<>()).add(pid);
            }
        }
        List<Long> out = new ArrayList<>();
        out.add(rootPid);
        for (int i = 0; i < out.size(); i++) out.addAll(children.getOrDefault(out.get(i), List.of()));
        return out;
    }

    /** The fields of /proc/PID/stat after the command name (which may hold spaces), or null if gone. */
    private static String[] statFields(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            return null;
        }
        return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (Exception e) {
            return 100; // the value on every Linux we know of
        }
    }
}
