package io.fjord.benchmarks;

import io.fjord.broker.BrokerServer;
import io.fjord.broker.config.BrokerConfig;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ProtocolReader;
import io.fjord.protocol.ProtocolWriter;
import io.fjord.protocol.RequestHeader;
import io.fjord.protocol.message.CreateTopicsRequest;
import io.fjord.protocol.message.CreateTopicsResponse;
import io.fjord.protocol.message.ProduceRequest;
import io.fjord.protocol.message.ProduceResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Produce throughput of an in-process broker with metrics.enabled=true against one with false, in one JVM:
 * both brokers run side by side; each round produces to one and then the other (the order alternates per
 * round), over {@code connections} sockets, each to its own partition, with pipelined raw Produce v9 requests
 * (acks=1, one partition, one uncompressed batch of {@code batchBytes} from {@link Batches}), at most
 * {@code window} requests in flight per socket. The requests are encoded once; the client only writes
 * bytes and reads response frames, so the broker is what is measured.
 *
 * <p>Prints MB/s and requests/s of every round and the on/off ratio of each round and of the totals, and the
 * broker's CPU time per request (the JVM's CPU time during a run minus the client threads'), which a loaded,
 * shared machine disturbs far less than throughput. Logs
 * live in /dev/shm when it is writable (else the temp dir; {@code -Dbench.dir=...} chooses), so disk
 * write-back of one run does not slow the next, and are kept small with log.retention.bytes. Each run starts
 * after a GC and a short pause.
 *
 * <p>Run: {@code scripts/bench-metrics [rounds] [seconds-per-round] [batch-bytes] [connections]}, or
 * {@code java -cp benchmarks/target/benchmarks.jar io.fjord.benchmarks.MetricsOverheadHarness ...}.
 */
public final class MetricsOverheadHarness {
    private static final String TOPIC = "bench";
    private static final short PRODUCE_VERSION = 9;
    private static final int WINDOW = 32;
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /** CPU time of this JVM (all threads); the broker's share of a run is this minus the client threads'. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private MetricsOverheadHarness() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        int batchBytes = args.length > 2 ? Integer.parseInt(args[2]) : 16 * 1024;
        int connections = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        String base = System.getProperty("bench.dir", Files.isWritable(Path.of("/dev/shm")) ? "/dev/shm" : null);
        Path root = base == null ? Files.createTempDirectory("fjord-bench-metrics")
                : Files.createTempDirectory(Path.of(base), "fjord-bench-metrics");
        System.out.printf(Locale.ROOT, "rounds=%d seconds/round=%.1f batch=%d B connections=%d window=%d logs in %s%n",
                rounds, seconds, batchBytes, connections, WINDOW, root);
        try (BrokerServer on = start(root.resolve("on"), true, connections);
             BrokerServer off = start(root.resolve("off"), false, connections)) {
            createTopic(on, connections);
            createTopic(off, connections);
            ByteBuf batch = Batches.uncompressed(batchBytes);
            byte[][] frames = new byte[connections][];
            for (int c = 0; c < connections; c++) {
                frames[c] = produceFrame(batch, c);
            }
            System.out.println("warm-up");
            run(on, frames, seconds);
            run(off, frames, seconds);
            run(on, frames, seconds);
            run(off, frames, seconds);
            double onBytes = 0;
            double offBytes = 0;
            double onTime = 0;
            double offTime = 0;
            long onCpu = 0;
            long offCpu = 0;
            long onRequests = 0;
            long offRequests = 0;
            List<Double> ratios = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                Result a;
                Result b;
                if (r % 2 == 0) {
                    a = run(on, frames, seconds);
                    b = run(off, frames, seconds);
                } else {
                    b = run(off, frames, seconds);
                    a = run(on, frames, seconds);
                }
                onCpu += a.brokerCpuNanos;
                offCpu += b.brokerCpuNanos;
                onRequests += a.requests;
                offRequests += b.requests;
                onBytes += a.bytes;
                onTime += a.seconds;
                offBytes += b.bytes;
                offTime += b.seconds;
                double ratio = a.mbPerSec() / b.mbPerSec();
                ratios.add(ratio);
                System.out.printf(Locale.ROOT, "round %d: on %.1f MB/s (%.0f req/s, %.1f us CPU/req)  off %.1f MB/s "
                        + "(%.0f req/s, %.1f us CPU/req)  on/off %.3f%n", r + 1, a.mbPerSec(), a.requestsPerSec(),
                        a.cpuMicrosPerRequest(), b.mbPerSec(), b.requestsPerSec(), b.cpuMicrosPerRequest(), ratio);
            }
            double[] sorted = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
            double total = (onBytes / onTime) / (offBytes / offTime);
            System.out.printf(Locale.ROOT, "total: on %.1f MB/s  off %.1f MB/s  on/off %.3f  median round on/off %.3f  "
                    + "(rounds %s)%n", onBytes / onTime / 1e6, offBytes / offTime / 1e6, total, median,
                    Arrays.toString(ratios.stream().map(x -> String.format(Locale.ROOT, "%.3f", x)).toArray()));
            double onCpuPerRequest = onCpu / 1e3 / onRequests;
            double offCpuPerRequest = offCpu / 1e3 / offRequests;
            System.out.printf(Locale.ROOT, "broker CPU per request: on %.2f us  off %.2f us  on/off %.3f "
                    + "(throughput at equal CPU: on/off %.3f)%n", onCpuPerRequest, offCpuPerRequest,
                    onCpuPerRequest / offCpuPerRequest, offCpuPerRequest / onCpuPerRequest);
        } finally {
            deleteRecursively(root);
        }
    }

    private record Result(long bytes, long requests, double seconds, long brokerCpuNanos) {
        double cpuMicrosPerRequest() {
            return brokerCpuNanos / 1e3 / requests;
        }

        double mbPerSec() {
            return bytes / seconds / 1e6;
        }

        double requestsPerSec() {
            return requests / seconds;
        }
    }

    private static BrokerServer start(Path dir, boolean metrics, int partitions) throws Exception {
        int controllerPort = freePort();
        Map<String, String> props = new HashMap<>();
        props.put("node.id", "1");
        props.put("process.roles", "broker,controller");
        props.put("listeners", "PLAINTEXT://localhost:0,CONTROLLER://localhost:" + controllerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        props.put("log.dirs", dir.toString());
        props.put("http.listener", "localhost:0");
        props.put("offsets.topic.replication.factor", "1");
        props.put("num.partitions", String.valueOf(partitions));
        props.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        props.put("log.retention.bytes", String.valueOf(128L * 1024 * 1024));
        props.put("log.retention.check.interval.ms", "2000");
        props.put("metrics.enabled", String.valueOf(metrics));
        BrokerServer server = new BrokerServer(BrokerConfig.fromMap(props));
        server.start();
        return server;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Socket connect(BrokerServer server) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSendBufferSize(1 << 20);
        socket.setReceiveBufferSize(1 << 20);
        socket.connect(new InetSocketAddress("localhost", server.boundPort("PLAINTEXT")), 5000);
        return socket;
    }

    private static void createTopic(BrokerServer server, int partitions) throws IOException {
        CreateTopicsRequest request = new CreateTopicsRequest().setTimeoutMs(30_000).setTopics(List.of(
                new CreateTopicsRequest.CreatableTopic().setName(TOPIC).setNumPartitions(partitions)
                        .setReplicationFactor((short) 1)));
        short version = 5;
        try (Socket socket = connect(server)) {
            socket.getOutputStream().write(frame(ApiKey.CREATE_TOPICS.id(), version, request));
            ByteBuf response = readFrame(new DataInputStream(socket.getInputStream()));
            try {
                ProtocolReader reader = new ProtocolReader(response);
                reader.readInt32();
                io.fjord.protocol.ResponseHeader.read(reader, io.fjord.protocol.ResponseHeader.headerVersion(
                        ApiKey.CREATE_TOPICS.id(), version));
                CreateTopicsResponse body = new CreateTopicsResponse();
                body.read(reader, version);
                short error = body.topics().get(0).errorCode();
                if (error != 0) {
                    throw new IllegalStateException("CreateTopics failed with error " + error);
                }
            } finally {
                response.release();
            }
        }
    }

    private static byte[] produceFrame(ByteBuf batch, int partition) {
        ProduceRequest request = new ProduceRequest().setAcks((short) 1).setTimeoutMs(30_000).setTopicData(List.of(
                new ProduceRequest.TopicProduceData().setName(TOPIC).setPartitionData(List.of(
                        new ProduceRequest.PartitionProduceData().setIndex(partition).setRecords(batch.duplicate())))));
        return frame(ApiKey.PRODUCE.id(), PRODUCE_VERSION, request);
    }

    private static byte[] frame(short apiKey, short version, io.fjord.protocol.ApiMessage body) {
        RequestHeader header = new RequestHeader(apiKey, version, 1, "bench");
        int size = header.size() + body.size(version);
        ByteBuf out = ByteBufAllocator.DEFAULT.heapBuffer(4 + size);
        try {
            ProtocolWriter writer = new ProtocolWriter(out);
            writer.writeInt32(size);
            header.write(writer);
            body.write(writer, version);
            byte[] bytes = new byte[out.readableBytes()];
            out.readBytes(bytes);
            return bytes;
        } finally {
            out.release();
        }
    }

    /** The response frame, size prefix included. */
    private static ByteBuf readFrame(DataInputStream in) throws IOException {
        int size = in.readInt();
        byte[] bytes = new byte[size];
        in.readFully(bytes);
        ByteBuf buf = Unpooled.buffer(4 + size);
        buf.writeInt(size).writeBytes(bytes);
        return buf;
    }

    /** Produces to {@code server} over one socket per frame for {@code seconds}; all sockets stop together. */
    private static Result run(BrokerServer server, byte[][] frames, double seconds) throws Exception {
        System.gc();
        Thread.sleep(500);
        int connections = frames.length;
        long[] requests = new long[connections];
        java.util.concurrent.atomic.AtomicLong clientCpu = new java.util.concurrent.atomic.AtomicLong();
        long cpuStart = processCpuNanos();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        long stopAt = start + (long) (seconds * 1e9);
        for (int c = 0; c < connections; c++) {
            int index = c;
            Thread t = new Thread(() -> {
                try {
                    requests[index] = produce(server, frames[index], stopAt, clientCpu);
                    clientCpu.addAndGet(THREADS.getCurrentThreadCpuTime());
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "bench-producer-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long brokerCpu = processCpuNanos() - cpuStart - clientCpu.get();
        if (failure.get() != null) {
            throw new IllegalStateException("produce failed", failure.get());
        }
        long total = 0;
        long bytes = 0;
        for (int c = 0; c < connections; c++) {
            total += requests[c];
            bytes += requests[c] * (long) frames[c].length;
        }
        return new Result(bytes, total, elapsed, brokerCpu);
    }

    /** Writes {@code frame} with at most {@link #WINDOW} unanswered until {@code stopAt}; returns the answered count. */
    private static long produce(BrokerServer server, byte[] frame, long stopAt,
                                java.util.concurrent.atomic.AtomicLong clientCpu) throws Exception {
        try (Socket socket = connect(server)) {
            Semaphore window = new Semaphore(WINDOW);
            long[] answered = {0};
            AtomicReference<Throwable> readFailure = new AtomicReference<>();
            DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), 1 << 16));
            long sent = 0;
            Thread reader = new Thread(() -> {
                try {
                    byte[] skip = new byte[8192];
                    while (true) {
                        int size = in.readInt();
                        if (size < 8) {
                            throw new IOException("short response " + size);
                        }
                        int correlationId = in.readInt();
                        if (correlationId != 1) {
                            throw new IOException("unexpected correlation id " + correlationId);
                        }
                        int left = size - 4;
                        while (left > 0) {
                            int n = in.read(skip, 0, Math.min(skip.length, left));
                            if (n < 0) {
                                throw new IOException("connection closed");
                            }
                            left -= n;
                        }
                        synchronized (answered) {
                            answered[0]++;
                            answered.notifyAll();
                        }
                        window.release();
                    }
                } catch (IOException e) {
                    readFailure.compareAndSet(null, e);
                    window.release(WINDOW);
                } finally {
                    clientCpu.addAndGet(THREADS.getCurrentThreadCpuTime());
                }
            }, "bench-reader");
            reader.setDaemon(true);
            reader.start();
            OutputStream out = socket.getOutputStream();
            while (System.nanoTime() < stopAt && readFailure.get() == null) {
                window.acquire();
                out.write(frame);
                sent++;
            }
            synchronized (answered) {
                while (answered[0] < sent && readFailure.get() == null) {
                    answered.wait(100);
                }
            }
            if (answered[0] < sent) {
                throw new IOException("only " + answered[0] + " of " + sent + " answered", readFailure.get());
            }
            return sent;
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
