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
 * every earlier write (two concurrent creates of one name cannot both succeed). A newly elected leader
 * decides only once Ratis calls it ready (its first entry of the term applied, so every earlier entry too): it
 * decides on the whole log.
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
     * waits until it leads and has applied the whole log (Ratis calls it ready), so {@link #image()} is current.
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

    /**
     * Waits (woken by the state machine's leader-ready notification) until this node leads and has applied its
     * first entry of the term, which makes it caught up (see {@link #catchUpAsLeader}).
     */
    private void awaitLeaderAndCatchUp(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (caughtUpTerm() < 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("metadata quorum: no leader within " + timeout);
            }
            try {
                stateMachine.awaitLeaderReadyNotification(Math.min(TimeUnit.NANOSECONDS.toMillis(left), 10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the metadata leader", e);
            }
        }
    }

    /**
     * The term in which this node leads and is ready, or -1. Ratis calls a leader ready once the entry it appends
     * when it becomes leader (the first of its term) is applied; entries are applied in order and
     * {@link ControllerStateMachine#applyTransaction} publishes each image before it returns, so from then on the
     * image holds every entry of earlier terms (the role of Kafka's leader-change record). The term is read before
     * and after the readiness check, so a ready leader of another term is never taken for this one.
     */
    private long caughtUpTerm() {
        try {
            var info = server.getDivision(GROUP_ID).getInfo();
            long term = info.getCurrentTerm();
            if (info.isLeaderReady() && info.getCurrentTerm() == term) {
                return term;
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
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

    /** Time from {@link #start} to the leader's first entry of its term being applied, for a single voter; null otherwise. */
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

    /** One topic of a CreateTopics request; -1 partitions / replication factor = the configured default. */
    public record NewTopic(String name, int numPartitions, short replicationFactor, Map<String, String> configs) {
        public NewTopic {
            configs = configs == null ? Map.of() : java.util.Collections.unmodifiableMap(new HashMap<>(configs));
        }
    }

    /** Per-topic outcome of {@link #createTopics}: exactly one of {@code result} and {@code error} is set. */
    public record CreateTopicOutcome(CreateTopicResult result, ApiException error) {
    }

    /**
     * Creates a topic (see {@link #createTopics}); the future fails with the topic's {@link ApiException}.
     */
    public CompletableFuture<CreateTopicResult> createTopic(String name, int numPartitions, short replicationFactor,
                                                            Map<String, String> configs, boolean validateOnly) {
        return createTopics(List.of(new NewTopic(name, numPartitions, replicationFactor, configs)), validateOnly)
                .thenApply(outcomes -> {
                    CreateTopicOutcome o = outcomes.get(name);
                    if (o.error() != null) {
                        throw new CompletionException(o.error());
                    }
                    return o.result();
                });
    }

    /**
     * Creates topics as one CreateTopics request does: each topic succeeds or fails on its own (a name given
     * twice fails with INVALID_REQUEST), and every successful topic is written in one log entry, so they
     * become visible together. Replicas are spread round-robin over registered brokers; the first replica
     * leads; ISR = replicas. The future completes (with per-topic outcomes keyed by name) once applied.
     */
    public CompletableFuture<Map<String, CreateTopicOutcome>> createTopics(List<NewTopic> topics, boolean validateOnly) {
        List<NewTopic> request = List.copyOf(topics);
        return submit(() -> {
            MetadataImage image = image();
            Map<String, Integer> counts = new HashMap<>();
            request.forEach(t -> counts.merge(t.name(), 1, Integer::sum));
            Map<String, CreateTopicOutcome> outcomes = new java.util.LinkedHashMap<>();
            Map<String, String> acceptedKeys = new HashMap<>();
            List<MetadataRecord> records = new ArrayList<>();
            java.util.Set<Uuid> newIds = new java.util.HashSet<>();
            for (NewTopic t : request) {
                if (counts.get(t.name()) > 1) {
                    outcomes.put(t.name(), new CreateTopicOutcome(null, new ApiException(ErrorCode.INVALID_REQUEST,
                            "Topic '" + t.name() + "' appears more than once in the request.")));
                    continue;
                }
                try {
                    CreateTopicResult r = decideCreate(image, t, validateOnly, acceptedKeys, records, newIds);
                    outcomes.put(t.name(), new CreateTopicOutcome(r, null));
                } catch (ApiException e) {
                    outcomes.put(t.name(), new CreateTopicOutcome(null, e));
                }
            }
            return new Decision<>(records, Map.copyOf(outcomes));
        });
    }

    private CreateTopicResult decideCreate(MetadataImage image, NewTopic t, boolean validateOnly,
                                           Map<String, String> acceptedKeys, List<MetadataRecord> records,
                                           java.util.Set<Uuid> newIds) {
        String name = t.name();
        TopicNames.validate(name);
        if (image.topic(name) != null) {
            throw new ApiException(ErrorCode.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
        }
        int partitions = t.numPartitions() == -1 ? config.defaultPartitions() : t.numPartitions();
        if (partitions <= 0) {
            throw new ApiException(ErrorCode.INVALID_PARTITIONS,
                    "The number of partitions must be positive (or -1 for the default), got " + t.numPartitions());
        }
        short rf = t.replicationFactor() == -1 ? config.defaultReplicationFactor() : t.replicationFactor();
        if (rf <= 0) {
            throw new ApiException(ErrorCode.INVALID_REPLICATION_FACTOR,
                    "The replication factor must be positive (or -1 for the default), got " + t.replicationFactor());
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
                throw collision(name, existing);
            }
        }
        if (acceptedKeys.containsKey(key)) {
            throw collision(name, acceptedKeys.get(key));
        }
        TopicConfigs.validate(t.configs());
        acceptedKeys.put(key, name);
        if (validateOnly) {
            return new CreateTopicResult(Uuid.ZERO, partitions, rf, t.configs());
        }
        Uuid id;
        do {
            id = newTopicId(image);
        } while (!newIds.add(id));
        records.add(new TopicRecord(name, id));
        for (Map.Entry<String, String> c : new java.util.TreeMap<>(t.configs()).entrySet()) {
            records.add(new ConfigRecord(ConfigResource.Type.TOPIC, name, c.getKey(), c.getValue()));
        }
        records.addAll(assign(id, 0, partitions, rf, brokers));
        return new CreateTopicResult(id, partitions, rf, t.configs());
    }

    private static ApiException collision(String name, String existing) {
        return new ApiException(ErrorCode.INVALID_TOPIC_EXCEPTION, "Topic '" + name
                + "' collides with topic '" + existing + "' ('.' and '_' are interchangeable).");
    }

    /** Per-topic outcome of {@link #deleteTopics}: the deleted topic's id and name, or the error. */
    public record DeleteTopicOutcome(Uuid topicId, String name, ApiException error) {
    }

    /**
     * Deletes topics as one DeleteTopics request does: by name and/or by id, each on its own (unknown name
     * UNKNOWN_TOPIC_OR_PARTITION, unknown id UNKNOWN_TOPIC_ID, a topic named twice INVALID_REQUEST); all
     * removals are written in one log entry. Outcomes are in request order: names first, then ids.
     */
    public CompletableFuture<List<DeleteTopicOutcome>> deleteTopics(List<String> names, List<Uuid> ids) {
        List<String> byName = List.copyOf(names);
        List<Uuid> byId = List.copyOf(ids);
        return submit(() -> {
            MetadataImage image = image();
            Map<Uuid, Integer> counts = new HashMap<>();
            for (String n : byName) {
                TopicImage t = image.topic(n);
                if (t != null) {
                    counts.merge(t.id(), 1, Integer::sum);
                }
            }
            byId.forEach(id -> counts.merge(id, 1, Integer::sum));
            Map<String, Integer> nameCounts = new HashMap<>();
            byName.forEach(n -> nameCounts.merge(n, 1, Integer::sum));
            List<DeleteTopicOutcome> outcomes = new ArrayList<>();
            List<MetadataRecord> records = new ArrayList<>();
            for (String n : byName) {
                TopicImage t = image.topic(n);
                if (nameCounts.get(n) > 1 || (t != null && counts.get(t.id()) > 1)) {
                    outcomes.add(new DeleteTopicOutcome(t == null ? Uuid.ZERO : t.id(), n, new ApiException(
                            ErrorCode.INVALID_REQUEST, "Topic '" + n + "' appears more than once in the request.")));
                } else if (t == null) {
                    outcomes.add(new DeleteTopicOutcome(Uuid.ZERO, n, new ApiException(
                            ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + n + "' does not exist.")));
                } else {
                    outcomes.add(new DeleteTopicOutcome(t.id(), n, null));
                    records.add(new RemoveTopicRecord(t.id()));
                }
            }
            for (Uuid id : byId) {
                TopicImage t = image.topic(id);
                if (counts.get(id) > 1) {
                    outcomes.add(new DeleteTopicOutcome(id, t == null ? null : t.name(), new ApiException(
                            ErrorCode.INVALID_REQUEST, "Topic id " + id + " appears more than once in the request.")));
                } else if (t == null) {
                    outcomes.add(new DeleteTopicOutcome(id, null, new ApiException(
                            ErrorCode.UNKNOWN_TOPIC_ID, "No topic with id " + id + ".")));
                } else {
                    outcomes.add(new DeleteTopicOutcome(id, t.name(), null));
                    records.add(new RemoveTopicRecord(id));
                }
            }
            return new Decision<>(records, List.copyOf(outcomes));
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
        return alterConfigs(resource, current -> copy, validateOnly);
    }

    /**
     * Alters the dynamic configs of a topic or broker (broker name "" = cluster default, else a broker id) by a
     * change computed from the resource's current configs on the controller thread, so read-modify-write
     * changes (AlterConfigs' replace-all, IncrementalAlterConfigs' APPEND/SUBTRACT) are atomic. {@code changes}
     * returns key -> new value, null deleting the key; it may throw an {@link ApiException} to reject the
     * change. Topic configs are validated after the change (INVALID_CONFIG), then the topic must exist
     * (UNKNOWN_TOPIC_OR_PARTITION), as Kafka's controller checks them. validateOnly writes nothing.
     */
    public CompletableFuture<Void> alterConfigs(ConfigResource resource,
                                                java.util.function.Function<Map<String, String>, Map<String, String>> changes,
                                                boolean validateOnly) {
        return submit(() -> {
            MetadataImage image = image();
            if (resource.type() == ConfigResource.Type.BROKER && !resource.name().isEmpty()) {
                try {
                    Integer.parseInt(resource.name());
                } catch (NumberFormatException e) {
                    throw new ApiException(ErrorCode.INVALID_REQUEST,
                            "Broker config resource name must be empty or a broker id, got '" + resource.name() + "'");
                }
            }
            Map<String, String> current = image.configs(resource);
            Map<String, String> copy = new java.util.TreeMap<>();
            changes.apply(current).forEach(copy::put);
            if (resource.type() == ConfigResource.Type.TOPIC) {
                TopicConfigs.validate(TopicConfigs.merge(current, copy));
                if (image.topic(resource.name()) == null) {
                    throw new ApiException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                            "The topic '" + resource.name() + "' does not exist.");
                }
            }
            List<MetadataRecord> records = new ArrayList<>();
            copy.forEach((k, v) -> {
                if (v != null ? !v.equals(current.get(k)) : current.containsKey(k)) {
                    records.add(new ConfigRecord(resource.type(), resource.name(), k, v));
                }
            });
            return new Decision<>(validateOnly ? List.of() : records, null);
        });
    }

    /**
     * A partition leader's ISR change, as AlterPartition carries it: the leader states the leader epoch and
     * partition epoch it acts on, and the new ISR. Completes with the partition after the change (its
     * partition epoch bumped). Errors as Kafka answers them: UNKNOWN_TOPIC_ID / UNKNOWN_TOPIC_OR_PARTITION,
     * STALE_BROKER_EPOCH (the leader re-registered since), NOT_LEADER_OR_FOLLOWER (the sender does not
     * lead), FENCED_LEADER_EPOCH (older leader epoch), INVALID_UPDATE_VERSION (other partition epoch),
     * INELIGIBLE_REPLICA (an ISR member that is not a registered replica), INVALID_REQUEST (empty ISR or the
     * leader not in it).
     */
    public CompletableFuture<PartitionImage> alterPartitionIsr(int brokerId, long brokerEpoch, Uuid topicId,
                                                               int partition, int leaderEpoch, int partitionEpoch,
                                                               List<Integer> newIsr) {
        List<Integer> isr = List.copyOf(newIsr);
        return submit(() -> {
            MetadataImage image = image();
            TopicImage topic = image.topic(topicId);
            if (topic == null) {
                throw new ApiException(ErrorCode.UNKNOWN_TOPIC_ID, "No topic with id " + topicId + ".");
            }
            PartitionImage p = topic.partition(partition);
            if (p == null) {
                throw new ApiException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                        "Topic '" + topic.name() + "' has no partition " + partition + ".");
            }
            BrokerRegistration broker = image.brokers().get(brokerId);
            if (broker == null || broker.epoch() != brokerEpoch) {
                throw new ApiException(ErrorCode.STALE_BROKER_EPOCH, "Broker " + brokerId + " epoch " + brokerEpoch
                        + " is not its current registration.");
            }
            if (p.leader() != brokerId) {
                throw new ApiException(ErrorCode.NOT_LEADER_OR_FOLLOWER, "Broker " + brokerId
                        + " does not lead " + topic.name() + "-" + partition + " (leader " + p.leader() + ").");
            }
            if (leaderEpoch < p.leaderEpoch()) {
                throw new ApiException(ErrorCode.FENCED_LEADER_EPOCH, "Leader epoch " + leaderEpoch
                        + " is older than the current " + p.leaderEpoch() + ".");
            }
            if (leaderEpoch > p.leaderEpoch()) {
                throw new ApiException(ErrorCode.NOT_LEADER_OR_FOLLOWER, "Leader epoch " + leaderEpoch
                        + " is newer than the controller's " + p.leaderEpoch() + ".");
            }
            if (partitionEpoch != p.partitionEpoch()) {
                throw new ApiException(ErrorCode.INVALID_UPDATE_VERSION, "Partition epoch " + partitionEpoch
                        + " is not the current " + p.partitionEpoch() + ".");
            }
            if (isr.isEmpty() || !isr.contains(brokerId) || isr.size() != new java.util.HashSet<>(isr).size()) {
                throw new ApiException(ErrorCode.INVALID_REQUEST,
                        "The ISR must be non-empty, without duplicates, and contain the leader: " + isr);
            }
            for (int replica : isr) {
                if (!p.replicas().contains(replica) || !image.brokers().containsKey(replica)) {
                    throw new ApiException(ErrorCode.INELIGIBLE_REPLICA,
                            "Broker " + replica + " is not an eligible replica of " + topic.name() + "-" + partition + ".");
                }
            }
            PartitionImage after = new PartitionImage(partition, p.replicas(), isr, p.leader(), p.leaderEpoch(),
                    p.partitionEpoch() + 1);
            return new Decision<>(List.of(new MetadataRecord.PartitionChangeRecord(topicId, partition,
                    MetadataRecord.PartitionChangeRecord.NO_LEADER_CHANGE, isr)), after);
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
        CompletableFuture<T> result = tail.handle((ignored, error) -> null)
                .thenComposeAsync(ignored -> catchUpAsLeader(), executor)
                .thenComposeAsync(ignored -> {
                    Decision<T> decision = decide.get();
                    if (decision.records().isEmpty()) {
                        return CompletableFuture.completedFuture(decision.result());
                    }
                    return write(decision.records()).thenApply(reply -> decision.result());
                }, executor);
        tail = result;
        return result.handle((value, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                throw new CompletionException(cause);
            }
            return value;
        });
    }

    /**
     * Fails with NOT_CONTROLLER unless this node leads and is ready in its current term (see {@link #caughtUpTerm}):
     * decisions then see every entry of earlier terms.
     */
    private CompletableFuture<Void> catchUpAsLeader() {
        if (caughtUpTerm() < 0) {
            throw notController();
        }
        return CompletableFuture.completedFuture(null);
    }

    private ApiException notController() {
        return new ApiException(ErrorCode.NOT_CONTROLLER, "Node " + config.nodeId()
                + " is not the active metadata controller.");
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
