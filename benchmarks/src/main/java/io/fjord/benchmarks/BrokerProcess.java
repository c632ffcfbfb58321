package io.fjord.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@link HarnessBroker} child JVM of {@link MetricsOverheadHarness}: the same java binary and class path
 * as this JVM, the given JVM options; the child's stdout and stderr go to {@code <name>.log} in the run
 * directory, its logs to {@code <name>/}.
 *
 * <p>Invariant: once {@link #awaitStarted()} returns, the broker serves on {@link #port()}. {@link #close()} stops the
 * child (end of file on its stdin, then SIGTERM, then SIGKILL) and may be called more than once; a child
 * also stops by itself when this JVM dies, since its stdin then reaches end of file.
 *
 * <p>Thread-safe: {@link #close()} is synchronized (the harness calls it from a shutdown hook too); the
 * port is published through a volatile field.
 */
final class BrokerProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final String name;
    private final Process process;
    private final Path portFile;
    private final Path log;
    private volatile int port;
    private boolean closed;

    private BrokerProcess(String name, Process process, Path portFile, Path log) {
        this.name = name;
        this.process = process;
        this.portFile = portFile;
        this.log = log;
    }

    /** Launches the child; {@link #awaitStarted()} waits until it serves. */
    static BrokerProcess launch(String name, Path runDir, boolean metrics, int partitions, List<String> jvmOptions)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(HarnessBroker.class.getName());
        command.add(runDir.resolve(name).toString());
        command.add(runDir.resolve(name + ".port").toString());
        command.add(String.valueOf(metrics));
        command.add(String.valueOf(partitions));
        Path log = runDir.resolve(name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new BrokerProcess(name, process, runDir.resolve(name + ".port"), log);
    }

    /** Waits until the broker serves (its port file exists); fails if the child exits or takes too long. */
    void awaitStarted() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!Files.exists(portFile)) {
            if (!process.isAlive()) {
                throw new IOException("broker " + name + " exited with " + process.exitValue() + " before it "
                        + "served; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("broker " + name + " did not start within " + START_TIMEOUT + "; see " + log);
            }
            Thread.sleep(20);
        }
        port = Integer.parseInt(Files.readString(portFile, StandardCharsets.US_ASCII).trim());
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /**
     * User plus system CPU time of the child so far, from /proc (clock-tick resolution, 10 ms on Linux);
     * fails if the child is gone.
     */
    long cpuNanos() {
        return process.toHandle().info().totalCpuDuration().map(Duration::toNanos)
                .orElseThrow(() -> new IllegalStateException("no CPU time for broker " + name + " (pid "
                        + process.pid() + ", alive " + process.isAlive() + "); see " + log));
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                // the child is gone already; the waits below return at once
            }
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
