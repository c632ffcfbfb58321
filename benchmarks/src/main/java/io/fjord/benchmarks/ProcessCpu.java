package io.fjord.benchmarks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * CPU time of one process: user mode alone (the broker's Java code, where metrics cost; the kernel's share,
 * mostly loopback TCP and tmpfs, is both larger and noisier, since softirq work is charged to whichever task
 * happens to run) and split by the kind of its threads, read from Linux's /proc/&lt;pid&gt;/task/*: JIT
 * compiler threads, garbage collector and VM threads, and the rest (the broker's own work). Per-thread
 * figures have clock-tick resolution (10 ms); a thread that ended since the last reading is missing from the
 * split but not from {@link BrokerProcess#cpuNanos()}. Stateless; safe from any thread.
 */
final class ProcessCpu {
    private static final long NANOS_PER_TICK = 10_000_000L;

    /** What a JVM thread is for, judged by its name. */
    enum Kind {
        JIT, GC, BROKER;

        static Kind of(String threadName) {
            if (threadName.startsWith("C1 Compiler") || threadName.startsWith("C2 Compiler")) {
                return JIT;
            }
            if (threadName.startsWith("GC ") || threadName.startsWith("G1 ") || threadName.startsWith("VM Thread")
                    || threadName.startsWith("VM Periodic")) {
                return GC;
            }
            return BROKER;
        }
    }

    private ProcessCpu() {
    }

    /**
     * User-mode CPU nanoseconds of the whole process (ended threads included), from /proc/&lt;pid&gt;/stat; 0 when
     * /proc is not there.
     */
    static long userNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) * NANOS_PER_TICK;
        } catch (IOException e) {
            return 0;
        }
    }

    /** CPU nanoseconds per kind of thread of {@code pid}; all zero when /proc is not there. */
    static Map<Kind, Long> byKind(long pid) {
        Map<Kind, Long> cpu = new EnumMap<>(Kind.class);
        for (Kind kind : Kind.values()) {
            cpu.put(kind, 0L);
        }
        Path tasks = Path.of("/proc", String.valueOf(pid), "task");
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            for (Path thread : threads) {
                try {
                    String stat = Files.readString(thread.resolve("stat"));
                    int close = stat.lastIndexOf(')');
                    String name = stat.substring(stat.indexOf('(') + 1, close);
                    String[] fields = stat.substring(close + 2).split(" ");
                    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    cpu.merge(Kind.of(name), ticks * NANOS_PER_TICK, Long::sum);
                } catch (NoSuchFileException e) {
                    // the thread ended while we listed
                }
            }
        } catch (IOException e) {
            return cpu;
        }
        return cpu;
    }
}
