package io.fjord.benchmarks;

import io.fjord.log.LogConfig;
import io.fjord.log.LogEnvironment;
import io.fjord.log.Scheduler;
import io.fjord.log.Time;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/** Config, environment and clean-up for partition logs that benchmarks create in temporary directories. */
final class BenchmarkLogs {
    /**
     * Drops every task: the fsync a roll schedules never runs, so benchmarks measure the log and not the
     * disk, and nothing is deleted behind a benchmark's back.
     */
    static final Scheduler DROPPING = new Scheduler() {
        @Override
        public void scheduleOnce(String name, Runnable task, long delayMs) {
        }

        @Override
        public void schedule(String name, Runnable task, long delayMs, long periodMs) {
        }

        @Override
        public void close() {
        }
    };

    private BenchmarkLogs() {
    }

    /** Kafka's defaults except segment.bytes. */
    static LogConfig config(int segmentBytes) {
        return LogConfig.of(Map.of("segment.bytes", Integer.toString(segmentBytes)), Map.of());
    }

    /** The system clock and a scheduler that never runs background work. */
    static LogEnvironment withoutBackgroundWork() {
        return new LogEnvironment(Time.SYSTEM, DROPPING);
    }

    /** Deletes {@code dir} and everything below it; a missing {@code dir} is left as it is. */
    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
