package io.fjord.benchmarks;

import io.fjord.broker.BrokerServer;
import io.fjord.broker.config.BrokerConfig;
import io.netty.buffer.ByteBuf;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Produce throughput of a broker with metrics.enabled=true against one with false, measured in short bursts
 * that take turns, so that the noise of a shared machine (other tenants, CPU steal, frequency changes) hits
 * both sides of every pair alike. {@link MetricsOverheadHarness} loads two broker JVMs at the same time and
 * shows that on 2 shared cores the scheduler, not the broker, decides their throughput; here only one broker
 * is loaded at any moment.
 *
 * <p>Both brokers run in this JVM, so they run the same JIT-compiled code (two JVMs of the same code differ by
 * up to 25% in CPU per request for their whole life), each with one partition per connection on /dev/shm when
 * it is writable, segments of 1 GiB and no retention, so no segment is deleted during a run. A burst sends
 * {@code requests} pre-encoded Produce v9 requests (acks=1, one uncompressed batch of {@code batchBytes}) on each
 * of the broker's {@code connections}, one client thread per connection with at most {@code window} unanswered,
 * and reads every response; it is timed by wall clock and by this JVM's CPU time. A cycle is one burst to each
 * broker, the order alternating per cycle. The verdict is on the ratio of the total burst times (throughput
 * on/off over the whole run), with a 95% interval from a bootstrap of blocks of consecutive cycles; the same for
 * CPU per request (throughput at equal CPU).
 *
 * <p>{@code aa} as the sixth argument runs both brokers with metrics off (an A/A run): it shows the spread of the
 * method on this machine. Measured after a warm-up of the same bursts. Single-threaded but for the client's
 * connection threads.
 *
 * <p>Run: {@code scripts/bench-metrics-interleaved [cycles] [requests-per-burst] [batch-bytes] [window]
 * [connections] [ab|aa]}.
 */
public final class InterleavedProduceHarness {
    private static final String TOPIC = "bench";
    private static final double WARM_UP_SECONDS = 30;
    /** Cycles close in time share slow drifts (log segments, page cache), so the bootstrap draws runs of them. */
    private static final int BLOCK = 10;
    private static final int RESAMPLES = 10_000;
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private InterleavedProduceHarness() {
    }

    /** Per cycle, each side's burst wall time and this JVM's CPU time during it, in nanoseconds. */
    private record Samples(long[] onTimes, long[] offTimes, long[] onCpu, long[] offCpu) {
        Samples(int cycles) {
            this(new long[cycles], new long[cycles], new long[cycles], new long[cycles]);
        }
    }

    public static void main(String[] args) throws Exception {
        int cycles = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int batchBytes = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        int window = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        int connections = args.length > 4 ? Integer.parseInt(args[4]) : 4;
        boolean aa = args.length > 5 && args[5].equals("aa");
        String base = System.getProperty("bench.dir", Files.isWritable(Path.of("/dev/shm")) ? "/dev/shm" : null);
        Path root = base == null ? Files.createTempDirectory("fjord-bench-interleaved")
                : Files.createTempDirectory(Path.of(base), "fjord-bench-interleaved");
        String a = aa ? "off-a" : "on";
        String b = aa ? "off-b" : "off";
        System.out.printf(Locale.ROOT, "%s: cycles=%d requests/burst/connection=%d batch=%d B window=%d connections=%d "
                + "logs in %s%n", aa ? "A/A (both metrics off)" : "A/B (metrics on vs off)", cycles, requests, batchBytes,
                window, connections, root);
        try (BrokerServer first = start(root.resolve(a), !aa, connections);
             BrokerServer second = start(root.resolve(b), false, connections);
             Client on = new Client(first, connections, batchBytes);
             Client off = new Client(second, connections, batchBytes)) {
            long warmUpEnd = System.nanoTime() + (long) (WARM_UP_SECONDS * 1e9);
            Samples ignored = new Samples(1);
            for (int c = 0; System.nanoTime() < warmUpEnd; c++) {
                cycle(on, off, requests, window, c, ignored, 0);
            }
            Samples samples = new Samples(cycles);
            for (int c = 0; c < cycles; c++) {
                cycle(on, off, requests, window, c, samples, c);
            }
            report(samples, (long) cycles * requests * connections, on.frameBytes(), a, b);
        } finally {
            deleteRecursively(root);
        }
    }

    private static void report(Samples s, long requestsPerSide, int frameBytes, String a, String b) {
        double onSeconds = sum(s.onTimes()) / 1e9;
        double offSeconds = sum(s.offTimes()) / 1e9;
        System.out.printf(Locale.ROOT, "total: %s %.0f req/s (%.1f MB/s)  %s %.0f req/s (%.1f MB/s)%n",
                a, requestsPerSide / onSeconds, requestsPerSide * (double) frameBytes / onSeconds / 1e6,
                b, requestsPerSide / offSeconds, requestsPerSide * (double) frameBytes / offSeconds / 1e6);
        double[] cpuCi = blockBootstrap(s.onCpu(), s.offCpu());
        System.out.printf(Locale.ROOT, "CPU per request (this JVM during the bursts): %s %.1f us  %s %.1f us; "
                + "throughput at equal CPU %s/%s %.3f (95%% CI %.3f-%.3f)%n", a, sum(s.onCpu()) / 1e3 / requestsPerSide,
                b, sum(s.offCpu()) / 1e3 / requestsPerSide, a, b, (double) sum(s.offCpu()) / sum(s.onCpu()), cpuCi[0],
                cpuCi[1]);
        double ratio = offSeconds / onSeconds;
        double[] ci = blockBootstrap(s.onTimes(), s.offTimes());
        String verdict = a.startsWith("off") ? "an A/A run: the spread of the method itself"
                : ci[0] >= 0.97 ? "within 3%" : ci[1] < 0.97 ? "NOT within 3%" : "undecided, the CI straddles 0.97";
        System.out.printf(Locale.ROOT, "verdict: throughput %s/%s %.3f (total time of %d cycles, 95%% CI %.3f-%.3f by "
                + "a bootstrap of blocks of %d cycles): %s%n", a, b, ratio, s.onTimes().length, ci[0], ci[1], BLOCK,
                verdict);
    }

    private static long sum(long[] values) {
        long total = 0;
        for (long v : values) {
            total += v;
        }
        return total;
    }

    /**
     * The 95% interval of sum(off) / sum(on) (throughput on/off over the whole run) by a moving-block bootstrap:
     * each resample strings together random runs of {@link #BLOCK} consecutive cycles (fixed seed).
     */
    private static double[] blockBootstrap(long[] on, long[] off) {
        int n = on.length;
        int block = Math.min(BLOCK, n);
        double[] totals = new double[RESAMPLES];
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        for (int r = 0; r < RESAMPLES; r++) {
            double onSum = 0;
            double offSum = 0;
            for (int drawn = 0; drawn < n; ) {
                int from = random.nextInt(n - block + 1);
                for (int i = from; i < from + block && drawn < n; i++, drawn++) {
                    onSum += on[i];
                    offSum += off[i];
                }
            }
            totals[r] = offSum / onSum;
        }
        Arrays.sort(totals);
        return new double[] {RatioStats.quantile(totals, 0.025), RatioStats.quantile(totals, 0.975)};
    }

    /** One burst to each client, {@code on} first in even cycles, recorded in slot {@code slot} of {@code samples}. */
    private static void cycle(Client on, Client off, int requests, int window, int cycle, Samples samples, int slot)
            throws IOException {
        if (cycle % 2 == 0) {
            burst(on, requests, window, samples.onTimes(), samples.onCpu(), slot);
            burst(off, requests, window, samples.offTimes(), samples.offCpu(), slot);
        } else {
            burst(off, requests, window, samples.offTimes(), samples.offCpu(), slot);
            burst(on, requests, window, samples.onTimes(), samples.onCpu(), slot);
        }
    }

    private static void burst(Client client, int requests, int window, long[] times, long[] cpu, int slot)
            throws IOException {
        long cpuStart = PROCESS.getProcessCpuTime();
        times[slot] = client.burst(requests, window);
        cpu[slot] = PROCESS.getProcessCpuTime() - cpuStart;
    }

    private static BrokerServer start(Path dir, boolean metrics, int partitions) throws Exception {
        java.util.Map<String, String> config = HarnessBroker.config(dir, metrics, partitions);
        config.put("log.segment.bytes", String.valueOf(1024 * 1024 * 1024));
        config.put("log.retention.bytes", "-1");
        BrokerServer server = new BrokerServer(BrokerConfig.fromMap(config));
        server.start();
        RawKafkaRequests.createTopic(server.boundPort("PLAINTEXT"), TOPIC, partitions);
        return server;
    }

    /**
     * The client side of one broker: {@code connections} sockets, each to its own partition and driven by its own
     * thread during a burst; a burst ends when every connection has its answers.
     */
    private static final class Client implements AutoCloseable {
        private final List<Connection> connections = new ArrayList<>();
        private final ExecutorService threads;

        Client(BrokerServer server, int connections, int batchBytes) throws IOException {
            ByteBuf batch = Batches.uncompressed(batchBytes, Math.max(16, Math.min(1024, batchBytes / 10)));
            try {
                for (int c = 0; c < connections; c++) {
                    this.connections.add(new Connection(server.boundPort("PLAINTEXT"),
                            RawKafkaRequests.produceFrame(batch, TOPIC, c)));
                }
            } finally {
                batch.release();
            }
            threads = Executors.newFixedThreadPool(connections);
        }

        int frameBytes() {
            return connections.get(0).frame.length;
        }

        /** {@code requests} Produce requests on each connection at once; returns the burst's wall time in nanos. */
        long burst(int requests, int window) throws IOException {
            List<Callable<Void>> bursts = new ArrayList<>();
            for (Connection connection : connections) {
                bursts.add(() -> {
                    connection.burst(requests, window);
                    return null;
                });
            }
            long start = System.nanoTime();
            try {
                for (Future<Void> done : threads.invokeAll(bursts)) {
                    done.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (ExecutionException e) {
                throw new IOException("a burst failed", e.getCause());
            }
            return System.nanoTime() - start;
        }

        @Override
        public void close() throws IOException {
            threads.shutdownNow();
            for (Connection connection : connections) {
                connection.socket.close();
            }
        }
    }

    /** One socket and the Produce frame it sends; used by one thread at a time. */
    private static final class Connection {
        private final Socket socket;
        private final OutputStream out;
        private final DataInputStream in;
        private final byte[] frame;
        private byte[] response = new byte[256];
        private long answered;

        Connection(int port, byte[] frame) throws IOException {
            this.socket = RawKafkaRequests.connect(port);
            this.out = socket.getOutputStream();
            this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
            this.frame = frame;
        }

        /** Sends {@code requests} frames, at most {@code window} unanswered, and reads every answer. */
        void burst(int requests, int window) throws IOException {
            int sent = 0;
            while (sent < Math.min(window, requests)) {
                out.write(frame);
                sent++;
            }
            for (int read = 0; read < requests; read++) {
                readResponse();
                if (sent < requests) {
                    out.write(frame);
                    sent++;
                }
            }
        }

        /** Reads one response; every 1024th is decoded and must answer error NONE. */
        private void readResponse() throws IOException {
            int size = in.readInt();
            if (size > response.length) {
                response = new byte[size];
            }
            in.readFully(response, 0, size);
            if (answered++ % 1024 == 0) {
                RawKafkaRequests.checkProduceResponse(response, 0, size);
            }
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
