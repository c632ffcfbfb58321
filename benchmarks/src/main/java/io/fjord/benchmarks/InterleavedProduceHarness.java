package io.fjord.benchmarks;

import io.fjord.broker.BrokerServer;
import io.fjord.broker.config.BrokerConfig;
import io.fjord.metrics.BrokerMetrics;
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
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
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
 * side, in random order. Two broker instances of the same code differ by up to 10% for their
 * whole life (measured with both off), so a run is {@code -Dbench.trials} (default 8) trials, each with a fresh
 * pair of brokers started in alternating order, the first trial after a JIT warm-up of 30 s, the others after
 * 5 s. {@code -Dbench.brokerProps=k=v,k=v} overrides broker configs of both sides (e.g. {@code num.io.threads=1}:
 * which I/O thread serves a connection follows the hash of its client address, so with several I/O threads two
 * instances place the same connections differently). The verdict is on the ratio of the total burst times (throughput on/off over the whole run), with a 95%
 * interval from a bootstrap of the trials; the same for CPU per request (throughput at equal CPU).
 *
 * <p>The sixth argument picks the sides. {@code ab} (default): two brokers, metrics.enabled=true and false.
 * {@code aa}: two brokers with metrics off, an A/A run that shows the spread between instances on this machine
 * (up to 12% per trial, on a quiet machine too). {@code same}: one broker with metrics enabled per trial, its
 * recording resumed before the "on" bursts and paused ({@link BrokerMetrics#pauseRecording}) before the "paused"
 * ones, on the same connections: the instance's own bias cancels out, so this is the mode that resolves a few
 * percent; paused recording costs one volatile read per recording site. {@code same-aa}: one broker, recording on
 * for both sides, the method's spread within one instance. Measured after a warm-up of the same bursts.
 * Single-threaded but for the client's connection threads.
 *
 * <p>Run: {@code scripts/bench-metrics-interleaved [cycles-per-trial] [requests-per-burst] [batch-bytes] [window]
 * [connections] [ab|aa|same|same-aa]}.
 */
public final class InterleavedProduceHarness {
    private static final String TOPIC = "bench";
    private static final double WARM_UP_SECONDS = 30;
    /** The warm-up of every trial after the first (the JIT has compiled the code by then). */
    private static final double TRIAL_WARM_UP_SECONDS = 5;
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

    /** What the two sides of a cycle are. */
    private enum Mode {
        /** Two brokers, metrics.enabled=true and false. */
        AB("A/B (metrics on vs off, two brokers)", "on", "off", false),
        /** Two brokers, both metrics.enabled=false: the spread between instances. */
        AA("A/A (two brokers, both metrics off)", "off-a", "off-b", false),
        /** One broker with metrics enabled, its recording resumed for one side and paused for the other. */
        SAME("A/B in one broker (recording on vs paused)", "on", "paused", true),
        /** One broker, recording on for both sides: the spread of the method within one instance. */
        SAME_AA("A/A in one broker (recording on for both)", "on-a", "on-b", true);

        final String title;
        final String a;
        final String b;
        final boolean oneBroker;

        Mode(String title, String a, String b, boolean oneBroker) {
            this.title = title;
            this.a = a;
            this.b = b;
            this.oneBroker = oneBroker;
        }

        static Mode of(String arg) {
            return valueOf(arg.toUpperCase(Locale.ROOT).replace('-', '_'));
        }

        boolean isAa() {
            return this == AA || this == SAME_AA;
        }
    }

    /** One side of a cycle: the client that loads it and what to do before each of its bursts. */
    private record Side(Client client, Runnable prepare) {
    }

    public static void main(String[] args) throws Exception {
        int cycles = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int batchBytes = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        int window = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        int connections = args.length > 4 ? Integer.parseInt(args[4]) : 4;
        Mode mode = Mode.of(args.length > 5 ? args[5] : "ab");
        int trials = Integer.getInteger("bench.trials", 8);
        String base = System.getProperty("bench.dir", Files.isWritable(Path.of("/dev/shm")) ? "/dev/shm" : null);
        Path root = base == null ? Files.createTempDirectory("fjord-bench-interleaved")
                : Files.createTempDirectory(Path.of(base), "fjord-bench-interleaved");
        String a = mode.a;
        String b = mode.b;
        System.out.printf(Locale.ROOT, "%s: %d trials of %d cycles, requests/burst/connection=%d batch=%d B window=%d "
                + "connections=%d logs in %s%n", mode.title, trials, cycles, requests, batchBytes, window, connections,
                root);
        List<Samples> all = new ArrayList<>();
        int frameBytes = 0;
        try {
            for (int t = 0; t < trials; t++) {
                Path dir = root.resolve("trial-" + t);
                boolean aFirst = t % 2 == 0;
                Samples samples = new Samples(cycles);
                if (mode.oneBroker) {
                    try (BrokerServer broker = start(dir, true, connections);
                         Client client = new Client(broker, connections, batchBytes)) {
                        BrokerMetrics metrics = broker.metrics();
                        Side on = new Side(client, metrics::resumeRecording);
                        Side off = new Side(client, mode == Mode.SAME ? metrics::pauseRecording : metrics::resumeRecording);
                        frameBytes = client.frameBytes();
                        run(on, off, requests, window, t == 0 ? WARM_UP_SECONDS : TRIAL_WARM_UP_SECONDS, samples);
                    }
                } else {
                    boolean aa = mode == Mode.AA;
                    try (BrokerServer first = start(dir.resolve(aFirst ? a : b), aFirst && !aa, connections);
                         BrokerServer second = start(dir.resolve(aFirst ? b : a), !aFirst && !aa, connections);
                         Client on = new Client(aFirst ? first : second, connections, batchBytes);
                         Client off = new Client(aFirst ? second : first, connections, batchBytes)) {
                        frameBytes = on.frameBytes();
                        run(new Side(on, () -> { }), new Side(off, () -> { }), requests, window,
                                t == 0 ? WARM_UP_SECONDS : TRIAL_WARM_UP_SECONDS, samples);
                    }
                }
                all.add(samples);
                System.out.printf(Locale.ROOT, "trial %d%s: throughput %s/%s %.3f, throughput at equal CPU %.3f%n",
                        t + 1, mode.oneBroker ? "" : " (" + (aFirst ? a : b) + " started first)", a, b,
                        (double) sum(samples.offTimes()) / sum(samples.onTimes()),
                        (double) sum(samples.offCpu()) / sum(samples.onCpu()));
                BenchmarkLogs.deleteRecursively(dir);
            }
            report(all, (long) cycles * requests * connections, frameBytes, mode);
        } finally {
            BenchmarkLogs.deleteRecursively(root);
        }
    }

    /** A warm-up of {@code warmUpSeconds}, then {@code samples.length} measured cycles. */
    private static void run(Side on, Side off, int requests, int window, double warmUpSeconds, Samples samples)
            throws IOException {
        long warmUpEnd = System.nanoTime() + (long) (warmUpSeconds * 1e9);
        Samples ignored = new Samples(1);
        SplittableRandom order = new SplittableRandom();
        while (System.nanoTime() < warmUpEnd) {
            cycle(on, off, requests, window, order, ignored, 0);
        }
        for (int c = 0; c < samples.onTimes().length; c++) {
            cycle(on, off, requests, window, order, samples, c);
        }
    }

    private static void report(List<Samples> trials, long requestsPerTrial, int frameBytes, Mode mode) {
        String a = mode.a;
        String b = mode.b;
        long[] onTimes = trials.stream().mapToLong(s -> sum(s.onTimes())).toArray();
        long[] offTimes = trials.stream().mapToLong(s -> sum(s.offTimes())).toArray();
        long[] onCpu = trials.stream().mapToLong(s -> sum(s.onCpu())).toArray();
        long[] offCpu = trials.stream().mapToLong(s -> sum(s.offCpu())).toArray();
        long requests = requestsPerTrial * trials.size();
        double onSeconds = sum(onTimes) / 1e9;
        double offSeconds = sum(offTimes) / 1e9;
        System.out.printf(Locale.ROOT, "total: %s %.0f req/s (%.1f MB/s)  %s %.0f req/s (%.1f MB/s)%n",
                a, requests / onSeconds, requests * (double) frameBytes / onSeconds / 1e6,
                b, requests / offSeconds, requests * (double) frameBytes / offSeconds / 1e6);
        double[] cpuCi = bootstrap(onCpu, offCpu);
        System.out.printf(Locale.ROOT, "CPU per request (this JVM during the bursts): %s %.1f us  %s %.1f us; "
                + "throughput at equal CPU %s/%s %.3f (95%% CI %.3f-%.3f)%n", a, sum(onCpu) / 1e3 / requests,
                b, sum(offCpu) / 1e3 / requests, a, b, (double) sum(offCpu) / sum(onCpu), cpuCi[0], cpuCi[1]);
        double ratio = offSeconds / onSeconds;
        double[] ci = bootstrap(onTimes, offTimes);
        String verdict = mode.isAa() ? "an A/A run: the spread of the method itself"
                : ci[0] >= 0.97 ? "within 3%" : ci[1] < 0.97 ? "NOT within 3%" : "undecided, the CI straddles 0.97";
        System.out.printf(Locale.ROOT, "verdict: throughput %s/%s %.3f (total time of %d trials, 95%% CI %.3f-%.3f by a "
                + "bootstrap of the trials): %s%n", a, b, ratio, trials.size(), ci[0], ci[1], verdict);
        System.out.printf(Locale.ROOT, "per cycle, throughput %s/%s: %s%n", a, b,
                RatioStats.of(perCycle(trials, Samples::offTimes, Samples::onTimes)).describe());
        System.out.printf(Locale.ROOT, "per cycle, throughput at equal CPU %s/%s: %s%n", a, b,
                RatioStats.of(perCycle(trials, Samples::offCpu, Samples::onCpu)).describe());
    }

    /**
     * Per trial, each cycle's ratio {@code numerator / denominator} of its two bursts: robust to the odd burst that
     * a GC pause or another tenant hit, which moves a ratio of totals by a few percent.
     */
    private static List<double[]> perCycle(List<Samples> trials, java.util.function.Function<Samples, long[]> numerator,
                                           java.util.function.Function<Samples, long[]> denominator) {
        List<double[]> ratios = new ArrayList<>();
        for (Samples s : trials) {
            long[] n = numerator.apply(s);
            long[] d = denominator.apply(s);
            double[] r = new double[n.length];
            for (int i = 0; i < n.length; i++) {
                r[i] = (double) n[i] / d[i];
            }
            ratios.add(r);
        }
        return ratios;
    }

    private static long sum(long[] values) {
        long total = 0;
        for (long v : values) {
            total += v;
        }
        return total;
    }

    /**
     * The 95% interval of sum(off) / sum(on) over the trials by a bootstrap that resamples whole trials (fixed
     * seed): each broker instance carries a bias of its own (A/A pairs differ by up to 12%), so the trials, not
     * the cycles, are the independent samples.
     */
    private static double[] bootstrap(long[] on, long[] off) {
        int n = on.length;
        double[] ratios = new double[RESAMPLES];
        SplittableRandom random = new SplittableRandom(42);
        for (int r = 0; r < RESAMPLES; r++) {
            double onSum = 0;
            double offSum = 0;
            for (int i = 0; i < n; i++) {
                int drawn = random.nextInt(n);
                onSum += on[drawn];
                offSum += off[drawn];
            }
            ratios[r] = offSum / onSum;
        }
        Arrays.sort(ratios);
        return new double[] {RatioStats.quantile(ratios, 0.025), RatioStats.quantile(ratios, 0.975)};
    }

    /**
     * One burst to each side in an order drawn by {@code order} (a fair coin, not strict alternation: the broker's
     * allocation per burst is the same every time, so GC pauses recur with a period of a few bursts, and with
     * strict alternation they fell on the same side's bursts: an A/A run in one broker read 1.033, 95% CI
     * 1.015-1.052), recorded in slot {@code slot} of {@code samples}.
     */
    private static void cycle(Side on, Side off, int requests, int window, SplittableRandom order, Samples samples,
                              int slot) throws IOException {
        if (order.nextBoolean()) {
            burst(on, requests, window, samples.onTimes(), samples.onCpu(), slot);
            burst(off, requests, window, samples.offTimes(), samples.offCpu(), slot);
        } else {
            burst(off, requests, window, samples.offTimes(), samples.offCpu(), slot);
            burst(on, requests, window, samples.onTimes(), samples.onCpu(), slot);
        }
    }

    private static void burst(Side side, int requests, int window, long[] times, long[] cpu, int slot)
            throws IOException {
        side.prepare().run();
        long cpuStart = PROCESS.getProcessCpuTime();
        times[slot] = side.client().burst(requests, window);
        cpu[slot] = PROCESS.getProcessCpuTime() - cpuStart;
    }

    private static BrokerServer start(Path dir, boolean metrics, int partitions) throws Exception {
        java.util.Map<String, String> config = HarnessBroker.config(dir, metrics, partitions);
        config.put("log.segment.bytes", String.valueOf(1024 * 1024 * 1024));
        config.put("log.retention.bytes", "-1");
        for (String override : System.getProperty("bench.brokerProps", "").split(",")) {
            int eq = override.indexOf('=');
            if (eq > 0) {
                config.put(override.substring(0, eq).trim(), override.substring(eq + 1).trim());
            }
        }
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
}
