package io.fjord.metadata;

import io.fjord.metadata.MetadataRecord.ConfigRecord;
import io.fjord.metadata.MetadataRecord.Endpoint;
import io.fjord.metadata.MetadataRecord.PartitionRecord;
import io.fjord.metadata.MetadataRecord.RegisterBrokerRecord;
import io.fjord.metadata.MetadataRecord.RemoveTopicRecord;
import io.fjord.metadata.MetadataRecord.TopicRecord;
import io.fjord.protocol.ApiException;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.Uuid;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.netty.NettyConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The metadata controller: validates requests against the current {@link MetadataImage} (deciding), turns
 * them into {@link MetadataRecord}s, and writes them to the Raft metadata log in process
 * ({@code RaftServer.submitClientRequestAsync}). Every returned future completes once the records are
 * committed <em>and applied</em>, so {@link #image()} already shows the change; it fails with an
 * {@link ApiException} carrying Kafka's error code (TOPIC_ALREADY_EXISTS, INVALID_TOPIC_EXCEPTION,
 * INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR, UNKNOWN_TOPIC_OR_PARTITION, NOT_CONTROLLER, ...).
 *
 * <p>Quorum: one Raft group with a fixed id ({@link #GROUP_ID}, it names the storage folder) whose peers
 * are {@code controller.quorum.voters}; this node binds the CONTROLLER listener. A single voter is a
 * one-node cluster; more voters need no code change. Only the Raft leader decides; elsewhere writes fail
 * with NOT_CONTROLLER.
 *
 * <p>Thread-safety: public methods are safe from any thread and never block. Operations are decided one at
 * a time on one controller thread, each after the previous one has been applied, so a decision always sees
 * every earlier write (two concurrent creates of one name cannot both succeed).
 *
 * <p>On disk, under the metadata dir: {@code meta.properties} (Kafka's format, cluster id generated on first
 * start) and {@code raft/<group uuid>/} (Ratis' log segments {@code current/log_*}, and snapshots
 * {@code sm/snapshot.<term>_<index>}, see {@link ControllerStateMachine}).
 */
public final class QuorumController implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QuorumController.class);

    /** The metadata group's id: the same on every voter and across restarts ("fjord-metadata"). */
    public static final RaftGroupId GROUP_ID =
            RaftGroupId.valueOf(UUID.fromString("666a6f72-642d-6d65-7461-646174610000"));

    private final QuorumConfig config;
    private final MetaProperties meta;
    private final ControllerStateMachine stateMachine;
    private final RaftServer server;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    private final ExecutorService executor;
    private final Random random = new Random();
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);
    private volatile Duration startupToFirstCommit;

    private QuorumController(QuorumConfig config, MetaProperties meta, ControllerStateMachine sm, RaftServer server) {
        this.config = config;
        this.meta = meta;
        this.stateMachine = sm;
        this.server = server;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fjord-controller-" + config.nodeId());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens (or creates) the metadata dir, starts the Raft server and, when this node is the only voter,
     * waits until it leads and has applied the whole log (a barrier write), so {@link #image()} is current.
     */
    public static QuorumController start(QuorumConfig config) throws IOException {
        long t0 = config.time().nanoseconds();
        MetaProperties meta = MetaProperties.loadOrCreate(config.metadataDir(), config.nodeId(), null);
        ControllerStateMachine sm = new ControllerStateMachine(meta.clusterId());
        List<RaftPeer> peers = new ArrayList<>();
        boolean voter = false;
        for (QuorumConfig.Voter v : config.voterList()) {
            peers.add(RaftPeer.newBuilder().setId(peerId(v.id())).setAddress(v.address()).build());
            voter |= v.id() == config.nodeId();
        }
        if (!voter) {
            throw new IllegalArgumentException("node.id=" + config.nodeId() + " is not in controller.quorum.voters="
                    + config.voters());
        }
        RaftServer server = RaftServer.newBuilder()
                .setServerId(peerId(config.nodeId()))
                .setGroup(RaftGroup.valueOf(GROUP_ID, peers))
                .setStateMachine(sm)
                .setProperties(raftProperties(config, peers.size()))
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        QuorumController controller = new QuorumController(config, meta, sm, server);
        try {
            server.start();
            if (peers.size() == 1) {
                controller.awaitLeaderAndCatchUp(Duration.ofSeconds(30));
                controller.startupToFirstCommit = Duration.ofNanos(config.time().nanoseconds() - t0);
            }
        } catch (IOException | RuntimeException e) {
            controller.close();
            throw e;
        }
        return controller;
    }

    static RaftProperties raftProperties(QuorumConfig config, int voters) {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.NETTY);
        NettyConfigKeys.Server.setHost(p, config.listenerHost());
        NettyConfigKeys.Server.setPort(p, config.listenerPort());
        RaftServerConfigKeys.setStorageDir(p, List.of(config.metadataDir().resolve("raft").toFile()));
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, config.snapshotThreshold());
        RaftServerConfigKeys.Snapshot.setCreationGap(p, Math.min(config.snapshotThreshold(), 1024));
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, config.logPurgeGap());
        SizeInBytes segment = SizeInBytes.valueOf(config.logSegmentBytes());
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, segment);
        if (voters == 1) {
            RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, TimeDuration.valueOf(5, TimeUnit.MILLISECONDS));
            RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, TimeDuration.valueOf(10, TimeUnit.MILLISECONDS));
        }
        return p;
    }

    private static RaftPeerId peerId(int nodeId) {
        return RaftPeerId.valueOf(Integer.toString(nodeId));
    }

    private void awaitLeaderAndCatchUp(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isLeaderReady()) {
            if (System.nanoTime() > deadline) {
                throw new IOException("metadata quorum: no leader within " + timeout);
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the metadata leader", e);
            }
        }
        try {
            write(List.of()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IOException("metadata quorum: first write failed", e);
        }
    }

    /** True when this node leads the metadata group and may write. */
    public boolean isLeaderReady() {
        try {
            return server.getDivision(GROUP_ID).getInfo().isLeaderReady();
        } catch (IOException e) {
            return false;
        }
    }

    public MetadataImage image() {
        return stateMachine.image();
    }

    public ControllerStateMachine stateMachine() {
        return stateMachine;
    }

    public String clusterId() {
        return meta.clusterId();
    }

    public int nodeId() {
        return config.nodeId();
    }

    /** Time from {@link #start} to the first applied write, for a single voter; null otherwise. */
    public Duration startupToFirstCommit() {
        return startupToFirstCommit;
    }

    /** The first index still in the Raft log (grows when the log is purged up to a snapshot). */
    public long raftLogStartIndex() throws IOException {
        return server.getDivision(GROUP_ID).getRaftLog().getStartIndex();
    }

    /** Result of a topic creation: the new id (ZERO for validate-only) and what was created. */
    public record CreateTopicResult(Uuid topicId, int numPartitions, short replicationFactor,
                                    Map<String, String> configs) {
    }

    /**
     * Creates a topic. {@code numPartitions} / {@code replicationFactor} of -1 take the configured defaults.
     * Replicas are spread round-robin over registered brokers; the first replica leads; ISR = replicas.
     */
    public CompletableFuture<CreateTopicResult> createTopic(String name, int numPartitions, short replicationFactor,
                                                            Map<String, String> configs, boolean validateOnly) {
        Map<String, String> topicConfigs = configs == null ? Map.of() : new HashMap<>(configs);
        return submit(() -> {
            MetadataImage image = image();
            TopicNames.validate(name);
            if (image.topic(name) != null) {
                throw new ApiException(ErrorCode.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
            }
            int partitions = numPartitions == -1 ? config.defaultPartitions() : numPartitions;
            if (partitions <= 0) {
                throw new ApiException(ErrorCode.INVALID_PARTITIONS,
                        "The number of partitions must be positive (or -1 for the default), got " + numPartitions);
            }
            short rf = replicationFactor == -1 ? config.defaultReplicationFactor() : replicationFactor;
            if (rf <= 0) {
                throw new ApiException(ErrorCode.INVALID_REPLICATION_FACTOR,
                        "The replication factor must be positive (or -1 for the default), got " + replicationFactor);
            }
            List<Integer> brokers = new ArrayList<>(image.brokers().keySet());
            brokers.sort(null);
            if (rf > brokers.size()) {
                throw new ApiException(ErrorCode.INVALID_REPLICATION_FACTOR, "Replication factor " + rf
                        + " is larger than the " + brokers.size() + " registered broker(s).");
            }
            String key = TopicNames.collisionKey(name);
            for (String existing : image.topicsByName().keySet()) {
                if (TopicNames.collisionKey(existing).equals(key)) {
                    throw new ApiException(ErrorCode.INVALID_TOPIC_EXCEPTION, "Topic '" + name
                            + "' collides with existing topic '" + existing + "' ('.' and '_' are interchangeable).");
                }
            }
            TopicConfigs.validate(topicConfigs);
            if (validateOnly) {
                return new Decision<>(List.of(), new CreateTopicResult(Uuid.ZERO, partitions, rf, Map.copyOf(topicConfigs)));
            }
            Uuid id = newTopicId(image);
            List<MetadataRecord> records = new ArrayList<>();
            records.add(new TopicRecord(name, id));
            topicConfigs.forEach((k, v) -> records.add(new ConfigRecord(ConfigResource.Type.TOPIC, name, k, v)));
            records.addAll(assign(id, 0, partitions, rf, brokers));
            return new Decision<>(records, new CreateTopicResult(id, partitions, rf, Map.copyOf(topicConfigs)));
        });
    }

    /** Deletes a topic by name; completes with its id. UNKNOWN_TOPIC_OR_PARTITION if absent. */
    public CompletableFuture<Uuid> deleteTopic(String name) {
        return submit(() -> {
            TopicImage topic = image().topic(name);
            if (topic == null) {
                throw new ApiException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + name + "' does not exist.");
            }
            return new Decision<>(List.of(new RemoveTopicRecord(topic.id())), topic.id());
        });
    }

    /** Deletes a topic by id; completes with its name. UNKNOWN_TOPIC_ID if absent. */
    public CompletableFuture<String> deleteTopic(Uuid id) {
        return submit(() -> {
            TopicImage topic = image().topic(id);
            if (topic == null) {
                throw new ApiException(ErrorCode.UNKNOWN_TOPIC_ID, "No topic with id " + id + ".");
            }
            return new Decision<>(List.of(new RemoveTopicRecord(id)), topic.name());
        });
    }

    /** Grows a topic to {@code totalCount} partitions, with the replication factor of its partition 0. */
    public CompletableFuture<Void> createPartitions(String name, int totalCount, boolean validateOnly) {
        return submit(() -> {
            MetadataImage image = image();
            TopicImage topic = image.topic(name);
            if (topic == null) {
                throw new ApiException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + name + "' does not exist.");
            }
            int current = topic.partitionCount();
            if (totalCount == current) {
                throw new ApiException(ErrorCode.INVALID_PARTITIONS, "Topic already has " + current + " partitions.");
            }
            if (totalCount < current) {
                throw new ApiException(ErrorCode.INVALID_PARTITIONS, "Topic has " + current
                        + " partitions, more than the requested " + totalCount + "; partitions cannot be removed.");
            }
            int rf = topic.partition(0).replicas().size();
            List<Integer> brokers = new ArrayList<>(image.brokers().keySet());
            brokers.sort(null);
            if (rf > brokers.size()) {
                throw new ApiException(ErrorCode.INVALID_REPLICATION_FACTOR, "Replication factor " + rf
                        + " is larger than the " + brokers.size() + " registered broker(s).");
            }
            List<MetadataRecord> records = validateOnly ? List.of()
                    : List.copyOf(assign(topic.id(), current, totalCount - current, rf, brokers));
            return new Decision<>(records, null);
        });
    }

    /**
     * Sets ({@code value != null}) or deletes ({@code value == null}) dynamic configs of a topic or broker
     * (broker name "" = cluster default, else a broker id).
     */
    public CompletableFuture<Void> alterConfigs(ConfigResource resource, Map<String, String> changes,
                                                boolean validateOnly) {
        Map<String, String> copy = new HashMap<>(changes);
        return submit(() -> {
            MetadataImage image = image();
            if (resource.type() == ConfigResource.Type.TOPIC) {
                if (image.topic(resource.name()) == null) {
                    throw new ApiException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                            "Topic '" + resource.name() + "' does not exist.");
                }
            } else if (!resource.name().isEmpty()) {
                try {
                    Integer.parseInt(resource.name());
                } catch (NumberFormatException e) {
                    throw new ApiException(ErrorCode.INVALID_REQUEST,
                            "Broker config resource name must be empty or a broker id, got '" + resource.name() + "'");
                }
            }
            Map<String, String> current = image.configs(resource);
            if (resource.type() == ConfigResource.Type.TOPIC) {
                TopicConfigs.validate(TopicConfigs.merge(current, copy));
            }
            List<MetadataRecord> records = new ArrayList<>();
            copy.forEach((k, v) -> {
                if (v != null || current.containsKey(k)) {
                    records.add(new ConfigRecord(resource.type(), resource.name(), k, v));
                }
            });
            return new Decision<>(validateOnly ? List.of() : records, null);
        });
    }

    /** Registers (or re-registers) a broker; completes with its new broker epoch (greater than any before). */
    public CompletableFuture<Long> registerBroker(int brokerId, List<Endpoint> endpoints, String rack) {
        List<Endpoint> eps = List.copyOf(endpoints);
        return submit(() -> {
            MetadataImage image = image();
            BrokerRegistration previous = image.brokers().get(brokerId);
            long epoch = Math.max(image.offset() + 1, previous == null ? 0 : previous.epoch() + 1);
            return new Decision<>(List.of(new RegisterBrokerRecord(brokerId, epoch, eps, rack)), epoch);
        });
    }

    private List<PartitionRecord> assign(Uuid topicId, int firstPartition, int count, int rf, List<Integer> brokers) {
        List<PartitionRecord> out = new ArrayList<>(count);
        int start = random.nextInt(brokers.size());
        for (int i = 0; i < count; i++) {
            int partition = firstPartition + i;
            List<Integer> replicas = new ArrayList<>(rf);
            for (int r = 0; r < rf; r++) {
                replicas.add(brokers.get((start + partition + r) % brokers.size()));
            }
            out.add(new PartitionRecord(topicId, partition, replicas, replicas, replicas.get(0), 0, 0));
        }
        return out;
    }

    private static Uuid newTopicId(MetadataImage image) {
        Uuid id;
        do {
            id = Uuid.randomUuid();
        } while (image.topic(id) != null);
        return id;
    }

    private record Decision<T>(List<MetadataRecord> records, T result) {
    }

    /** Runs {@code decide} on the controller thread after every earlier operation was applied. */
    private synchronized <T> CompletableFuture<T> submit(Supplier<Decision<T>> decide) {
        CompletableFuture<T> result = tail.handle((ignored, error) -> null).thenComposeAsync(ignored -> {
            Decision<T> decision = decide.get();
            if (decision.records().isEmpty()) {
                return CompletableFuture.completedFuture(decision.result());
            }
            if (!isLeaderReady()) {
                throw new ApiException(ErrorCode.NOT_CONTROLLER, "Node " + config.nodeId()
                        + " is not the active metadata controller.");
            }
            return write(decision.records()).thenApply(reply -> decision.result());
        }, executor);
        tail = result;
        return result.handle((value, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                throw cause instanceof RuntimeException re ? new CompletionException(re) : new CompletionException(cause);
            }
            return value;
        });
    }

    private CompletableFuture<RaftClientReply> write(List<MetadataRecord> records) {
        byte[] batch = MetadataRecordSerde.encodeBatch(records);
        RaftClientRequest request;
        try {
            request = RaftClientRequest.newBuilder()
                    .setClientId(clientId)
                    .setServerId(server.getId())
                    .setGroupId(GROUP_ID)
                    .setCallId(callIds.incrementAndGet())
                    .setMessage(Message.valueOf(UnsafeByteOperations.unsafeWrap(batch)))
                    .setType(RaftClientRequest.writeRequestType())
                    .build();
            return server.submitClientRequestAsync(request).thenApply(reply -> {
                if (reply.isSuccess()) {
                    return reply;
                }
                if (reply.getNotLeaderException() != null || reply.getLeaderNotReadyException() != null) {
                    throw new ApiException(ErrorCode.NOT_CONTROLLER, "Not the active metadata controller: "
                            + reply.getException());
                }
                throw new ApiException(ErrorCode.UNKNOWN_SERVER_ERROR, "Metadata write failed: " + reply.getException(),
                        reply.getException());
            });
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new ApiException(ErrorCode.UNKNOWN_SERVER_ERROR,
                    "Metadata write failed: " + e, e));
        }
    }

    /** Stops the Raft server (about 1 s) and the controller thread; pending operations fail. */
    @Override
    public void close() throws IOException {
        executor.shutdownNow();
        server.close();
        log.debug("Metadata quorum of node {} closed", config.nodeId());
    }
}
