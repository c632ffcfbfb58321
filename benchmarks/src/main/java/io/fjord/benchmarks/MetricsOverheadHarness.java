package io.fjord.benchmarks;

import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Produce throughput of a broker with metrics.enabled=true against one with false, measured concurrently:
 * each broker runs in its own child JVM ({@link BrokerProcess}: same java, class path and heap options,
 * identical configs but for metrics.enabled), and this JVM loads both at the same time with the same
 * {@link ProduceLoad} ({@code connections} sockets per broker, each to its own partition, pipelined raw
 * Produce v9 requests, acks=1, one uncompressed batch of {@code batch-bytes} from {@link Batches}, at most
 * {@code bench.window} unanswered per socket). Whatever else runs on the machine then hits both brokers at
 * the same moments, and neither shares a heap, a GC or a JIT with the other.
 *
 * <p>A run is {@code bench.trials} trials, each with a fresh pair of JVMs (launched together; which one is
 * launched and loaded first alternates), because two JVMs running the same code differ in CPU per request
 * for as long as they live (measured A/A: up to 25% on the shared 2-core machine); only fresh pairs average
 * that out, and the interval of the median resamples whole trials ({@link RatioStats}). In a trial the load
 * runs without a break; rounds are cut by sampling, every {@code seconds}, each broker's answered requests
 * and its child's CPU time (the two samples' order alternates per round). The warm-up lasts at least
 * {@code bench.warmup} seconds and until the JIT compiler threads used under 3% of both children's CPU in a
 * round, but at most {@code bench.warmupMax} seconds. CPU per request leaves out the JIT compiler threads.
 *
 * <p>Per round it prints MB/s, requests/s, CPU and user-mode CPU microseconds per request of each broker
 * (with the JIT and GC threads' share of its CPU) and three ratios: throughput, CPU per request, and
 * "user-est", the throughput at equal CPU estimated from the user-mode CPU alone (A's extra user CPU per
 * request added to the two brokers' mean CPU per request): metrics run in user mode, while the kernel's
 * larger share (loopback TCP, tmpfs) is the noisiest part, as softirq work is charged to whichever task
 * runs. At the end: the totals, each ratio's median, quartiles, extremes and 95% interval of the median, and
 * a verdict per figure (throughput only with an unlimited load). A verdict says "within 3%" only when the
 * whole interval is at or above 0.97; an A/A verdict says a 3% difference is resolved only when the interval
 * lies within 1% of 1.
 *
 * <p>By default each socket sends as fast as its window allows: the throughput ratio is then measured, but
 * on a loaded machine it mostly shows which broker the scheduler favoured. {@code bench.rate} (requests/s per
 * broker) offers both brokers the same fixed load instead, so only CPU per request tells them apart. With
 * mode {@code aa} both brokers run with metrics off: the ratios then show the harness's own noise and bias,
 * which must be well under the 3% it is to resolve.
 *
 * <p>Run: {@code scripts/bench-metrics [rounds=20] [seconds=3] [batch-bytes=16384] [connections=2] [ab|aa]}
 * ({@code rounds} in all, split over the trials; {@code -Dbench.aa=true} also selects A/A). System
 * properties: {@code bench.trials} (3), {@code bench.window} (32), {@code bench.rate} (0: unlimited),
 * {@code bench.warmup} (20) and {@code bench.warmupMax} (45) seconds per trial, {@code bench.brokerJvmOpts}
 * ("-Xms1g -Xmx1g -XX:+AlwaysPreTouch"), {@code bench.dir} (/dev/shm when writable, else the temp dir, so no
 * disk write-back disturbs a run; a partition keeps at most 128 MiB). The run directory, with each child's
 * output in {@code <name>.log}, is deleted after a clean run and kept after a failure.
 *
 * <p>Single-threaded apart from the load's connection threads; children are stopped at the end of their
 * trial, in a finally block and by a shutdown hook, and stop by themselves when this JVM dies.
 */
public final class MetricsOverheadHarness {
    private static final String TOPIC = "bench";
    private static final double TARGET_RATIO = 0.97;
    private static final double AA_TOLERANCE = 0.01;
    private static final double WARM_JIT_SHARE = 0.03;

    private MetricsOverheadHarness() {
    }

    /**
     * What one run measures; broker A's metrics.enabled follows the mode, broker B's is false. {@code rounds} is
     * the measured rounds of one trial (the command line's total split evenly over the trials, rounded up).
     */
    private record Settings(int rounds, double seconds, int batchBytes, int connections, boolean aa, int trials,
                            int window, double rate, double warmupSeconds, double warmupMaxSeconds,
                            List<String> brokerJvmOptions) {
        static Settings parse(String[] args) {
            String mode = args.length > 4 ? args[4] : (Boolean.getBoolean("bench.aa") ? "aa" : "ab");
            if (!mode.equals("aa") && !mode.equals("ab")) {
                throw new IllegalArgumentException("mode must be aa or ab, not " + mode);
            }
            String jvm = System.getProperty("bench.brokerJvmOpts", "-Xms1g -Xmx1g -XX:+AlwaysPreTouch");
            List<String> options = new ArrayList<>(Arrays.asList(jvm.trim().split("\\s+")));
            options.removeIf(String::isEmpty);
            options.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
            int trials = Integer.getInteger("bench.trials", 3);
            int totalRounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
            return new Settings(
                    (totalRounds + trials - 1) / trials,
                    args.length > 1 ? Double.parseDouble(args[1]) : 3,
                    args.length > 2 ? Integer.parseInt(args[2]) : 16 * 1024,
                    args.length > 3 ? Integer.parseInt(args[3]) : 2,
                    mode.equals("aa"),
                    trials,
                    Integer.getInteger("bench.window", 32),
                    Double.parseDouble(System.getProperty("bench.rate", "0")),
                    Double.parseDouble(System.getProperty("bench.warmup", "20")),
                    Double.parseDouble(System.getProperty("bench.warmupMax", "45")),
                    List.copyOf(options));
        }

        String labelA() {
            return aa ? "a" : "on";
        }

        String labelB() {
            return aa ? "b" : "off";
        }
    }

    /** A broker's counters at one instant. */
    private record Sample(long nanos, long answered, long cpuNanos, long userNanos,
                          Map<ProcessCpu.Kind, Long> cpuByKind) {
    }

    /** What one broker did between two samples. */
    private record Interval(double seconds, long requests, long cpuNanos, long userNanos, long jitNanos,
                            long gcNanos) {
        static Interval between(Sample from, Sample to) {
            return new Interval((to.nanos - from.nanos) / 1e9, to.answered - from.answered, to.cpuNanos - from.cpuNanos,
                    to.userNanos - from.userNanos,
                    to.cpuByKind.get(ProcessCpu.Kind.JIT) - from.cpuByKind.get(ProcessCpu.Kind.JIT),
                    to.cpuByKind.get(ProcessCpu.Kind.GC) - from.cpuByKind.get(ProcessCpu.Kind.GC));
        }

        double requestsPerSec() {
            return requests / seconds;
        }

        /** CPU per request of all but the JIT compiler threads, whose work belongs to the warm-up. */
        double cpuMicrosPerRequest() {
            return (cpuNanos - jitNanos) / 1e3 / requests;
        }

        /** User-mode CPU per request of all but the JIT compiler threads. */
        double userMicrosPerRequest() {
            return (userNanos - jitNanos) / 1e3 / requests;
        }

        double jitShare() {
            return (double) jitNanos / cpuNanos;
        }

        String cpuSplit() {
            return String.format(Locale.ROOT, "+jit %2.0f%% gc %2.0f%%", 100.0 * jitNanos / cpuNanos,
                    100.0 * gcNanos / cpuNanos);
        }
    }

    /** A broker under load: its process and the load on it. */
    private record Target(BrokerProcess broker, ProduceLoad load) {
        Sample sample() {
            long answered = load.answered();
            long cpu = broker.cpuNanos();
            return new Sample(System.nanoTime(), answered, cpu, ProcessCpu.userNanos(broker.pid()),
                    ProcessCpu.byKind(broker.pid()));
        }
    }

    /** Sums over the measured rounds of all trials; index 0 is broker A, 1 broker B. Owned by the main thread. */
    private static final class Totals {
        final long[] requests = new long[2];
        final long[] cpuNanos = new long[2];
        final double[] seconds = new double[2];
        final List<double[]> throughputRatios = new ArrayList<>();
        final List<double[]> cpuRatios = new ArrayList<>();
        final List<double[]> userEstimates = new ArrayList<>();
        final long[] userNanos = new long[2];
        long clientCpuNanos;

        void add(Interval a, Interval b) {
            Interval[] both = {a, b};
            for (int i = 0; i < 2; i++) {
                requests[i] += both[i].requests;
                cpuNanos[i] += both[i].cpuNanos - both[i].jitNanos;
                userNanos[i] += both[i].userNanos - both[i].jitNanos;
                seconds[i] += both[i].seconds;
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.parse(args);
        String base = System.getProperty("bench.dir", Files.isWritable(Path.of("/dev/shm")) ? "/dev/shm" : null);
        Path runDir = base == null ? Files.createTempDirectory("fjord-bench-metrics")
                : Files.createTempDirectory(Path.of(base), "fjord-bench-metrics");
        System.out.printf(Locale.ROOT, "mode=%s trials=%d rounds/trial=%d seconds/round=%.1f batch=%d B connections=%d "
                        + "per broker window=%d rate=%s warm-up=%.0f s/trial broker JVM %s, run dir %s, load average %s%n",
                settings.aa ? "A/A (both metrics off)" : "A/B (metrics on vs off)", settings.trials, settings.rounds,
                settings.seconds, settings.batchBytes, settings.connections, settings.window,
                settings.rate > 0 ? String.format(Locale.ROOT, "%.0f req/s per broker", settings.rate) : "unlimited",
                settings.warmupSeconds, String.join(" ", settings.brokerJvmOptions), runDir, loadAverage());
        List<AutoCloseable> resources = new CopyOnWriteArrayList<>();
        Thread hook = new Thread(() -> closeAll(resources), "bench-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean clean = false;
        try {
            ByteBuf batch = Batches.uncompressed(settings.batchBytes);
            byte[][] frames = new byte[settings.connections][];
            for (int c = 0; c < settings.connections; c++) {
                frames[c] = RawKafkaRequests.produceFrame(batch, TOPIC, c);
            }
            batch.release();
            Totals totals = new Totals();
            for (int t = 0; t < settings.trials; t++) {
                runTrial(settings, runDir.resolve("trial-" + (t + 1)), t, frames, totals, resources);
            }
            report(settings, frames[0].length / 1e6, totals);
            clean = true;
        } finally {
            closeAll(resources);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
            if (clean) {
                BenchmarkLogs.deleteRecursively(runDir);
            } else {
                System.err.println("run directory with the brokers' logs kept: " + runDir);
            }
        }
    }

    /** Starts a fresh pair of brokers, loads both, prints and adds up the rounds, and stops the pair. */
    private static void runTrial(Settings settings, Path trialDir, int trial, byte[][] frames, Totals totals,
                                 List<AutoCloseable> resources) throws Exception {
        Files.createDirectories(trialDir);
        BrokerProcess[] brokers = new BrokerProcess[2];
        int first = trial % 2;
        for (int i : new int[] {first, 1 - first}) {
            brokers[i] = BrokerProcess.launch(i == 0 ? settings.labelA() : settings.labelB(), trialDir,
                    i == 0 && !settings.aa, settings.connections, settings.brokerJvmOptions);
            resources.add(brokers[i]);
        }
        for (BrokerProcess broker : brokers) {
            broker.awaitStarted();
        }
        Target[] targets = new Target[2];
        for (int i = 0; i < 2; i++) {
            RawKafkaRequests.createTopic(brokers[i].port(), TOPIC, settings.connections);
            targets[i] = new Target(brokers[i], new ProduceLoad(brokers[i].name(), brokers[i].port(), frames,
                    settings.window, settings.rate));
            resources.add(0, targets[i].load());
        }
        System.out.printf(Locale.ROOT, "trial %d: %s pid %d, %s pid %d (%s launched and loaded first)%n", trial + 1,
                brokers[0].name(), brokers[0].pid(), brokers[1].name(), brokers[1].pid(), brokers[first].name());
        for (int c = 0; c < settings.connections; c++) {
            targets[(c + trial) % 2].load().start(c);
            targets[(c + trial + 1) % 2].load().start(c);
        }
        double megabytesPerRequest = frames[0].length / 1e6;
        double[] throughputRatios = new double[settings.rounds];
        double[] cpuRatios = new double[settings.rounds];
        double[] userEstimates = new double[settings.rounds];
        Sample[] previous = {targets[0].sample(), targets[1].sample()};
        long clientCpuPrevious = clientCpuNanos();
        long start = System.nanoTime();
        int warmupRounds = 0;
        boolean warm = false;
        for (int r = 0; !warm || r < warmupRounds + settings.rounds; r++) {
            sleepUntil(start + (long) ((r + 1) * settings.seconds * 1e9));
            Sample[] now = new Sample[2];
            int sampledFirst = r % 2;
            now[sampledFirst] = targets[sampledFirst].sample();
            now[1 - sampledFirst] = targets[1 - sampledFirst].sample();
            long clientCpu = clientCpuNanos();
            Interval a = Interval.between(previous[0], now[0]);
            Interval b = Interval.between(previous[1], now[1]);
            double throughputRatio = a.requestsPerSec() / b.requestsPerSec();
            double cpuRatio = a.cpuMicrosPerRequest() / b.cpuMicrosPerRequest();
            double userEstimate = equalCpuThroughput(a.userMicrosPerRequest(), b.userMicrosPerRequest(),
                    (a.cpuMicrosPerRequest() + b.cpuMicrosPerRequest()) / 2);
            System.out.printf(Locale.ROOT, "%-9s %s %6.1f MB/s %6.0f req/s %6.1f us/req user %5.1f (%s) | %s %6.1f "
                            + "MB/s %6.0f req/s %6.1f us/req user %5.1f (%s) | thr %s/%s %.3f  CPU/req %.3f  "
                            + "user-est %.3f | client %.2f cores%n",
                    warm ? "round " + (r - warmupRounds + 1) + ":" : "warm-up", settings.labelA(),
                    a.requestsPerSec() * megabytesPerRequest, a.requestsPerSec(), a.cpuMicrosPerRequest(),
                    a.userMicrosPerRequest(), a.cpuSplit(), settings.labelB(), b.requestsPerSec() * megabytesPerRequest,
                    b.requestsPerSec(), b.cpuMicrosPerRequest(), b.userMicrosPerRequest(), b.cpuSplit(),
                    settings.labelA(), settings.labelB(), throughputRatio, cpuRatio, userEstimate,
                    (clientCpu - clientCpuPrevious) / 1e9 / a.seconds);
            if (warm) {
                throughputRatios[r - warmupRounds] = throughputRatio;
                cpuRatios[r - warmupRounds] = cpuRatio;
                userEstimates[r - warmupRounds] = userEstimate;
                totals.add(a, b);
                totals.clientCpuNanos += clientCpu - clientCpuPrevious;
            } else {
                double elapsed = (r + 1) * settings.seconds;
                warm = elapsed >= settings.warmupMaxSeconds || elapsed >= settings.warmupSeconds
                        && a.jitShare() < WARM_JIT_SHARE && b.jitShare() < WARM_JIT_SHARE;
                warmupRounds = r + 1;
            }
            previous = now;
            clientCpuPrevious = clientCpu;
        }
        for (int i = 0; i < 2; i++) {
            targets[i].load().close();
            brokers[i].close();
        }
        totals.throughputRatios.add(throughputRatios);
        totals.cpuRatios.add(cpuRatios);
        totals.userEstimates.add(userEstimates);
        System.out.printf(Locale.ROOT, "trial %d: median thr %s/%s %.3f  CPU/req %.3f  user-est %.3f%n", trial + 1,
                settings.labelA(), settings.labelB(), RatioStats.median(throughputRatios), RatioStats.median(cpuRatios),
                RatioStats.median(userEstimates));
    }

    private static void report(Settings settings, double megabytesPerRequest, Totals totals) {
        String a = settings.labelA();
        String b = settings.labelB();
        double rateA = totals.requests[0] / totals.seconds[0];
        double rateB = totals.requests[1] / totals.seconds[1];
        double cpuA = totals.cpuNanos[0] / 1e3 / totals.requests[0];
        double cpuB = totals.cpuNanos[1] / 1e3 / totals.requests[1];
        System.out.printf(Locale.ROOT, "total throughput: %s %.1f MB/s (%.0f req/s)  %s %.1f MB/s (%.0f req/s)  "
                        + "%s/%s %.3f  (client %.2f cores, load average %s)%n", a, rateA * megabytesPerRequest, rateA,
                b, rateB * megabytesPerRequest, rateB, a, b, rateA / rateB,
                totals.clientCpuNanos / 1e9 / totals.seconds[0], loadAverage());
        RatioStats throughput = RatioStats.of(totals.throughputRatios);
        RatioStats cpuPerRequest = RatioStats.of(totals.cpuRatios);
        System.out.printf(Locale.ROOT, "throughput %s/%s per round: %s%n", a, b, throughput.describe());
        System.out.printf(Locale.ROOT, "broker CPU per request: %s %.1f us  %s %.1f us  %s/%s %.3f; per round: %s%n",
                a, cpuA, b, cpuB, a, b, cpuA / cpuB, cpuPerRequest.describe());
        double userA = totals.userNanos[0] / 1e3 / totals.requests[0];
        double userB = totals.userNanos[1] / 1e3 / totals.requests[1];
        RatioStats userEstimate = RatioStats.of(totals.userEstimates);
        System.out.printf(Locale.ROOT, "broker user-mode CPU per request: %s %.1f us  %s %.1f us; throughput at equal "
                        + "CPU estimated from it: %.3f; per round: %s%n", a, userA, b, userB,
                equalCpuThroughput(userA, userB, (cpuA + cpuB) / 2), userEstimate.describe());
        if (settings.rate == 0) {
            System.out.println(verdict(settings, throughput, "throughput"));
        }
        System.out.println(verdict(settings, inverse(cpuPerRequest), "throughput at equal CPU"));
        System.out.println(verdict(settings, userEstimate, "throughput at equal CPU from user CPU"));
    }

    /**
     * A's throughput over B's when each had the same CPU, if A's extra CPU per request is the difference of
     * their user-mode CPU per request (metrics run in user mode) on top of {@code cpuPerRequest}, the CPU per
     * request they share.
     */
    private static double equalCpuThroughput(double userA, double userB, double cpuPerRequest) {
        return cpuPerRequest / (cpuPerRequest + userA - userB);
    }

    /** The stats of 1/x, for reading CPU per request as throughput per CPU second. */
    private static RatioStats inverse(RatioStats s) {
        return new RatioStats(s.trials(), s.count(), 1 / s.median(), 1 / s.q3(), 1 / s.q1(), 1 / s.max(), 1 / s.min(),
                1 / s.ciHigh(), 1 / s.ciLow());
    }

    private static String verdict(Settings settings, RatioStats s, String figure) {
        String figures = String.format(Locale.ROOT, "%s %s/%s %.3f (median of %d rounds in %d trials, IQR "
                        + "%.3f-%.3f, 95%% CI %.3f-%.3f)", figure, settings.labelA(), settings.labelB(), s.median(),
                s.count(), s.trials(), s.q1(), s.q3(), s.ciLow(), s.ciHigh());
        if (settings.aa) {
            boolean tight = s.ciLow() >= 1 - AA_TOLERANCE && s.ciHigh() <= 1 + AA_TOLERANCE;
            return "A/A verdict: " + figures + ": " + (tight
                    ? "the CI lies within +-1% of 1, so a 3% difference is resolved"
                    : "the CI is NOT within +-1% of 1, so a 3% difference is not reliably resolved");
        }
        if (s.ciLow() >= TARGET_RATIO) {
            return "verdict: " + figures + ": within 3%";
        }
        if (s.ciHigh() < TARGET_RATIO) {
            return "verdict: " + figures + ": NOT within 3%";
        }
        return "verdict: " + figures + ": undecided, the CI straddles " + TARGET_RATIO;
    }

    private static long clientCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "n/a";
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("closing " + resource + ": " + e);
            }
        }
    }
}
