package io.fjord.broker.api;

import io.fjord.broker.group.OffsetsTopic;
import io.fjord.broker.metadata.BrokerMetadata;
import io.fjord.metadata.BrokerRegistration;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.MetadataRecord;
import io.fjord.metadata.PartitionImage;
import io.fjord.metadata.QuorumController;
import io.fjord.metadata.TopicImage;
import io.fjord.metadata.TopicNames;
import io.fjord.protocol.ApiException;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.Uuid;
import io.fjord.protocol.message.MetadataRequest;
import io.fjord.protocol.message.MetadataResponse;
import io.fjord.protocol.message.MetadataResponse.MetadataResponseBroker;
import io.fjord.protocol.message.MetadataResponse.MetadataResponsePartition;
import io.fjord.protocol.message.MetadataResponse.MetadataResponseTopic;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Answers Metadata (API 3, v0-13) from the current {@link MetadataImage}: the brokers with an endpoint on
 * the listener the request came in on, the cluster id, a controller id (as a KRaft broker does, a live
 * broker: this node), and the requested topics (all topics for a null list, or an empty list at v0).
 *
 * <p>Missing topics: with auto-creation (the request's allowAutoTopicCreation and
 * auto.create.topics.enable) a valid name is created through the controller with num.partitions and
 * default.replication.factor and answered LEADER_NOT_AVAILABLE, as Kafka does (the client retries);
 * otherwise UNKNOWN_TOPIC_OR_PARTITION. The internal topics are answered LEADER_NOT_AVAILABLE too, with their
 * coordinator's partition count and configs: __consumer_offsets is created through the group coordinator's creation
 * path (as FindCoordinator does, as Kafka does); __transaction_state is not created (no transaction coordinator yet).
 * Invalid names get INVALID_TOPIC_EXCEPTION, unknown topic ids UNKNOWN_TOPIC_ID (as Kafka, a topic with a non-zero id
 * is looked up by id and its name is ignored). Authorized-operation fields keep Kafka's "not requested" value
 * (Integer.MIN_VALUE) unless asked for; without an authorizer everything the resource type supports is allowed.
 *
 * <p>Thread-safe and non-blocking: reads one image; auto-creation is not waited for.
 */
public final class MetadataHandler implements ApiHandler<MetadataRequest> {
    /** READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS as a bit field. */
    static final int TOPIC_OPERATIONS = bits(3, 4, 5, 6, 7, 8, 10, 11);
    /** CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE. */
    static final int CLUSTER_OPERATIONS = bits(5, 7, 8, 9, 10, 11, 12);
    static final Set<String> INTERNAL_TOPICS = Set.of("__consumer_offsets", "__transaction_state");

    private final BrokerMetadata metadata;
    private final Runnable createOffsetsTopic;

    /** {@code createOffsetsTopic} starts the creation of __consumer_offsets with the group coordinator's settings. */
    public MetadataHandler(BrokerMetadata metadata, Runnable createOffsetsTopic) {
        this.metadata = metadata;
        this.createOffsetsTopic = createOffsetsTopic;
    }

    static int bits(int... codes) {
        int out = 0;
        for (int c : codes) {
            out |= 1 << c;
        }
        return out;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.METADATA;
    }

    @Override
    public CompletableFuture<MetadataResponse> handle(RequestContext context, MetadataRequest request) {
        short version = context.apiVersion();
        MetadataImage image = metadata.image();
        MetadataResponse response = new MetadataResponse()
                .setBrokers(brokers(image, context.listenerName()))
                .setClusterId(metadata.clusterId())
                .setControllerId(metadata.nodeId());
        if (version >= 8 && version <= 10 && request.includeClusterAuthorizedOperations()) {
            response.setClusterAuthorizedOperations(CLUSTER_OPERATIONS);
        }
        List<MetadataResponseTopic> topics = new ArrayList<>();
        boolean all = request.topics() == null || (version == 0 && request.topics().isEmpty());
        if (all) {
            for (TopicImage t : image.topicsByName().values()) {
                topics.add(topic(t, image));
            }
        } else {
            boolean autoCreate = metadata.config().autoCreateTopicsEnable()
                    && (version < 4 || request.allowAutoTopicCreation());
            Set<String> toCreate = new LinkedHashSet<>();
            Set<String> seen = new LinkedHashSet<>();
            Set<Uuid> seenIds = new LinkedHashSet<>();
            for (MetadataRequest.MetadataRequestTopic requested : request.topics()) {
                Uuid id = requested.topicId();
                if (id != null && !Uuid.ZERO.equals(id)) {
                    if (!seenIds.add(id)) {
                        continue;
                    }
                    TopicImage t = image.topic(id);
                    topics.add(t != null ? topic(t, image) : new MetadataResponseTopic()
                            .setErrorCode(ErrorCode.UNKNOWN_TOPIC_ID.code()).setName(null).setTopicId(id)
                            .setIsInternal(false).setPartitions(List.of()));
                    continue;
                }
                String name = requested.name();
                if (name == null || !seen.add(name)) {
                    continue;
                }
                TopicImage t = image.topic(name);
                if (t != null) {
                    topics.add(topic(t, image));
                    continue;
                }
                ErrorCode error;
                if (!validName(name)) {
                    error = ErrorCode.INVALID_TOPIC_EXCEPTION;
                } else if (autoCreate) {
                    error = ErrorCode.LEADER_NOT_AVAILABLE;
                    if (name.equals(OffsetsTopic.NAME)) {
                        createOffsetsTopic.run();
                    } else if (!INTERNAL_TOPICS.contains(name)) {
                        toCreate.add(name);
                    }
                } else {
                    error = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
                }
                topics.add(new MetadataResponseTopic().setErrorCode(error.code()).setName(name).setTopicId(Uuid.ZERO)
                        .setIsInternal(INTERNAL_TOPICS.contains(name)).setPartitions(List.of()));
            }
            if (!toCreate.isEmpty()) {
                List<QuorumController.NewTopic> create = new ArrayList<>();
                toCreate.forEach(n -> create.add(new QuorumController.NewTopic(n, -1, (short) -1, Map.of())));
                metadata.controller().createTopics(create, false);
            }
        }
        if (version >= 8 && request.includeTopicAuthorizedOperations()) {
            for (MetadataResponseTopic t : topics) {
                if (t.errorCode() == ErrorCode.NONE.code()) {
                    t.setTopicAuthorizedOperations(TOPIC_OPERATIONS);
                }
            }
        }
        response.setTopics(topics);
        return CompletableFuture.completedFuture(response);
    }

    private static boolean validName(String name) {
        try {
            TopicNames.validate(name);
            return true;
        } catch (ApiException e) {
            return false;
        }
    }

    static List<MetadataResponseBroker> brokers(MetadataImage image, String listenerName) {
        List<MetadataResponseBroker> out = new ArrayList<>();
        for (BrokerRegistration b : image.brokers().values()) {
            MetadataRecord.Endpoint e = endpoint(b, listenerName);
            if (e != null) {
                out.add(new MetadataResponseBroker().setNodeId(b.id()).setHost(e.host()).setPort(e.port())
                        .setRack(b.rack()));
            }
        }
        out.sort((a, b) -> Integer.compare(a.nodeId(), b.nodeId()));
        return out;
    }

    static MetadataRecord.Endpoint endpoint(BrokerRegistration b, String listenerName) {
        for (MetadataRecord.Endpoint e : b.endpoints()) {
            if (e.name().equals(listenerName)) {
                return e;
            }
        }
        return null;
    }

    private static MetadataResponseTopic topic(TopicImage t, MetadataImage image) {
        List<MetadataResponsePartition> partitions = new ArrayList<>();
        for (PartitionImage p : t.partitions().values()) {
            List<Integer> offline = new ArrayList<>();
            for (int r : p.replicas()) {
                if (!image.brokers().containsKey(r)) {
                    offline.add(r);
                }
            }
            boolean leaderAlive = p.leader() >= 0 && image.brokers().containsKey(p.leader());
            partitions.add(new MetadataResponsePartition()
                    .setErrorCode(leaderAlive ? ErrorCode.NONE.code() : ErrorCode.LEADER_NOT_AVAILABLE.code())
                    .setPartitionIndex(p.partition())
                    .setLeaderId(leaderAlive ? p.leader() : -1)
                    .setLeaderEpoch(p.leaderEpoch())
                    .setReplicaNodes(p.replicas())
                    .setIsrNodes(p.isr())
                    .setOfflineReplicas(offline));
        }
        return new MetadataResponseTopic()
                .setErrorCode(ErrorCode.NONE.code())
                .setName(t.name())
                .setTopicId(t.id())
                .setIsInternal(INTERNAL_TOPICS.contains(t.name()))
                .setPartitions(partitions);
    }

    @Override
    public MetadataResponse errorResponse(MetadataRequest request, ErrorCode error) {
        List<MetadataResponseTopic> topics = new ArrayList<>();
        if (request.topics() != null) {
            for (MetadataRequest.MetadataRequestTopic t : request.topics()) {
                topics.add(new MetadataResponseTopic().setErrorCode(error.code()).setName(t.name())
                        .setTopicId(t.topicId() == null ? Uuid.ZERO : t.topicId()).setPartitions(List.of()));
            }
        }
        return new MetadataResponse().setErrorCode(error.code()).setTopics(topics);
    }
}
