package io.fjord.broker;

import io.fjord.broker.config.BrokerConfig;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.ProtocolWriter;
import io.fjord.protocol.RequestHeader;
import io.fjord.protocol.message.ApiVersionsRequest;
import io.fjord.protocol.message.CreateTopicsRequest;
import io.fjord.protocol.message.CreateTopicsRequest.CreatableTopic;
import io.fjord.protocol.message.DescribeGroupsRequest;
import io.fjord.protocol.message.FetchRequest;
import io.fjord.protocol.message.FetchRequest.FetchPartition;
import io.fjord.protocol.message.FetchRequest.FetchTopic;
import io.fjord.protocol.message.FindCoordinatorRequest;
import io.fjord.protocol.message.JoinGroupRequest;
import io.fjord.protocol.message.ListGroupsRequest;
import io.fjord.protocol.message.ListOffsetsRequest;
import io.fjord.protocol.message.ListOffsetsRequest.ListOffsetsPartition;
import io.fjord.protocol.message.ListOffsetsRequest.ListOffsetsTopic;
import io.fjord.protocol.message.MetadataRequest;
import io.fjord.protocol.message.MetadataRequest.MetadataRequestTopic;
import io.fjord.protocol.message.OffsetCommitRequest;
import io.fjord.protocol.message.OffsetFetchRequest;
import io.fjord.protocol.message.ProduceRequest;
import io.fjord.protocol.message.ProduceRequest.PartitionProduceData;
import io.fjord.protocol.message.ProduceRequest.TopicProduceData;
import io.fjord.protocol.records.CompressionType;
import io.fjord.protocol.records.RecordBatchBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The training run behind bin/broker's class-data-sharing archive: {@code bin/broker} runs this class once
 * (after a build, with {@code -XX:ArchiveClassesAtExit}) so that the JVM records every class a broker
 * loads while it starts and serves its first requests; later starts map that archive instead of loading
 * and verifying those classes again.
 *
 * <p>It starts a full single-node broker over a fresh temporary directory on ephemeral loopback ports,
 * sends a few typical requests (ApiVersions, Metadata, CreateTopics, Produce, ListOffsets, Fetch, and the group APIs:
 * FindCoordinator, which creates a one-partition {@code __consumer_offsets}, then once it is loaded JoinGroup,
 * OffsetCommit, OffsetFetch, DescribeGroups, ListGroups) over a plain socket, asks the HTTP listener for /health, stops the broker, deletes the directory and exits 0 (any
 * failure exits 1, and bin/broker then runs without an archive; so does a run that takes over two minutes,
 * halted without writing the archive). Single-threaded; not used by the broker.
 */
public final class ClassDataTraining {
    private static final String TOPIC = "class-data-training";
    /** A training run that takes longer is stopped without an archive, so bin/broker never hangs on it. */
    private static final long TIME_LIMIT_MS = 120_000;
    private static int correlationId;

    private ClassDataTraining() {
    }

    public static void main(String[] args) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(TIME_LIMIT_MS);
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("fjord: class-data training run did not finish within " + TIME_LIMIT_MS + " ms");
            Runtime.getRuntime().halt(1);
        }, "fjord-training-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        int status = 0;
        Path dir = null;
        try {
            dir = Files.createTempDirectory("fjord-cds-training");
            train(dir);
        } catch (Exception e) {
            System.err.println("fjord: class-data training run failed: " + e);
            status = 1;
        } finally {
            if (dir != null) {
                deleteRecursively(dir);
            }
        }
        System.exit(status);
    }

    /** Runs a broker over {@code dir} and sends it the training requests; throws if any step fails. */
    static void train(Path dir) throws Exception {
        int controllerPort = freePort();
        BrokerConfig config = BrokerConfig.fromMap(Map.of(
                "node.id", "1",
                "process.roles", "broker,controller",
                "listeners", "PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:" + controllerPort,
                "controller.listener.names", "CONTROLLER",
                "controller.quorum.voters", "1@127.0.0.1:" + controllerPort,
                "http.listener", "127.0.0.1:0",
                "log.dirs", dir.resolve("data").toString(),
                "offsets.topic.num.partitions", "1",
                "offsets.topic.replication.factor", "1",
                "group.initial.rebalance.delay.ms", "0"));
        try (BrokerServer server = new BrokerServer(config)) {
            server.start();
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.boundPort("PLAINTEXT"))) {
                exchange(socket, (short) 0, new ApiVersionsRequest());
                exchange(socket, (short) 4, new ApiVersionsRequest().setClientSoftwareName("fjord-training")
                        .setClientSoftwareVersion("1"));
                exchange(socket, (short) 7, new CreateTopicsRequest().setTimeoutMs(30_000).setTopics(List.of(
                        new CreatableTopic().setName(TOPIC).setNumPartitions(1).setReplicationFactor((short) 1))));
                exchange(socket, (short) 12, new MetadataRequest().setTopics(List.of(
                        new MetadataRequestTopic().setName(TOPIC))));
                exchange(socket, (short) 9, new ProduceRequest().setAcks((short) -1).setTimeoutMs(30_000)
                        .setTopicData(List.of(new TopicProduceData().setName(TOPIC).setPartitionData(List.of(
                                new PartitionProduceData().setIndex(0).setRecords(batch()))))));
                exchange(socket, (short) 8, new ListOffsetsRequest().setReplicaId(-1).setTopics(List.of(
                        new ListOffsetsTopic().setName(TOPIC).setPartitions(List.of(
                                new ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-2))))));
                exchange(socket, (short) 12, new FetchRequest().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(1)
                        .setMaxBytes(1 << 20).setSessionEpoch(-1).setTopics(List.of(new FetchTopic().setTopic(TOPIC)
                                .setPartitions(List.of(new FetchPartition().setPartition(0).setFetchOffset(0)
                                        .setPartitionMaxBytes(1 << 20))))));
                trainGroups(socket, server);
            }
            if (server.httpPort() > 0) {
                HttpURLConnection http = (HttpURLConnection) URI.create("http://127.0.0.1:" + server.httpPort()
                        + "/health").toURL().openConnection();
                http.getInputStream().readAllBytes();
                http.disconnect();
            }
        }
    }

    /** FindCoordinator (creating __consumer_offsets), then, once its partition is loaded, the other group APIs. */
    private static void trainGroups(Socket socket, BrokerServer server) throws Exception {
        String group = "class-data-training-group";
        exchange(socket, (short) 4, new FindCoordinatorRequest().setKeyType((byte) 0).setCoordinatorKeys(List.of(group)));
        long deadline = System.currentTimeMillis() + 30_000;
        while (server.groupCoordinator().coordinator().fetchOffsets(group, null, false).join().error() != ErrorCode.NONE) {
            if (System.currentTimeMillis() > deadline) {
                throw new IOException("the group coordinator did not load __consumer_offsets");
            }
            Thread.sleep(10);
        }
        exchange(socket, (short) 9, new JoinGroupRequest().setGroupId(group).setMemberId("").setSessionTimeoutMs(10_000)
                .setRebalanceTimeoutMs(10_000).setProtocolType("consumer").setProtocols(List.of(
                        new JoinGroupRequest.Protocol().setName("range").setMetadata(new byte[0]))));
        exchange(socket, (short) 9, new OffsetCommitRequest().setGroupId(group).setGenerationIdOrMemberEpoch(-1)
                .setMemberId("").setTopics(List.of(new OffsetCommitRequest.Topic().setName(TOPIC).setPartitions(
                        List.of(new OffsetCommitRequest.Partition().setPartitionIndex(0).setCommittedOffset(1))))));
        exchange(socket, (short) 9, new OffsetFetchRequest().setGroups(List.of(
                new OffsetFetchRequest.Group().setGroupId(group).setTopics(null))));
        exchange(socket, (short) 6, new DescribeGroupsRequest().setGroups(List.of(group)));
        exchange(socket, (short) 5, new ListGroupsRequest());
    }

    private static ByteBuf batch() {
        ByteBuf value = Unpooled.copiedBuffer("training", StandardCharsets.UTF_8);
        return new RecordBatchBuilder(CompressionType.NONE).append(System.currentTimeMillis(), null, value, List.of())
                .build();
    }

    /** Sends one request and reads its response frame, checking only its correlation id. */
    private static void exchange(Socket socket, short version, ApiMessage request) throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), version, ++correlationId, "fjord-training");
        ProtocolWriter writer = ProtocolWriter.gathering(UnpooledByteBufAllocator.DEFAULT, 256);
        header.write(writer);
        request.write(writer, version);
        ByteBuf frame = writer.finish();
        try {
            OutputStream out = socket.getOutputStream();
            int size = frame.readableBytes();
            out.write(new byte[] {(byte) (size >>> 24), (byte) (size >>> 16), (byte) (size >>> 8), (byte) size});
            frame.getBytes(frame.readerIndex(), out, size);
            out.flush();
        } finally {
            frame.release();
        }
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] response = new byte[in.readInt()];
        in.readFully(response);
        int answered = ByteBuffer.wrap(response).getInt();
        if (answered != header.correlationId()) {
            throw new IOException("response to correlation id " + answered + ", expected " + header.correlationId());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("fjord: could not delete " + dir + ": " + e);
        }
    }
}
