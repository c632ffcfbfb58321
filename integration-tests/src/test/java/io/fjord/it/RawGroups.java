package io.fjord.it;

import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The classic group protocol spoken by hand through a {@link RawClient}, one request per connection, at the
 * newest versions Kafka 4.1 serves (FindCoordinator v6, JoinGroup v9, SyncGroup v5, Heartbeat v4, OffsetCommit
 * v9, DescribeGroups v5 and v6): the way the ITs send what a well-behaved KafkaConsumer never would (a stale
 * generation, a made-up member id, metadata over the limit) and read the exact error code of each answer.
 *
 * <p>Not thread-safe: one test thread uses it.
 */
final class RawGroups {
    static final int SESSION_TIMEOUT_MS = 30_000;

    /** A member that joined and synced: its id and generation. */
    record Member(String group, String memberId, int generation) {
    }

    /** One partition's commit: offset and metadata. */
    record Commit(long offset, String metadata) {
    }

    private final RawClient raw;

    RawGroups(int port) {
        this.raw = new RawClient(port);
    }

    /** FindCoordinator v6 for {@code group} until it answers NONE (the first creates __consumer_offsets). */
    FindCoordinatorResponseData.Coordinator awaitCoordinator(String group) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            FindCoordinatorResponse response = raw.send(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                    .setKeyType(FindCoordinatorRequest.CoordinatorType.GROUP.id())
                    .setCoordinatorKeys(List.of(group))).build((short) 6));
            FindCoordinatorResponseData.Coordinator coordinator = response.data().coordinators().get(0);
            if (coordinator.errorCode() == Errors.NONE.code()) {
                return coordinator;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no coordinator for " + group + " within 30 s: " + response.data());
            }
            Thread.sleep(100);
        }
    }

    /** JoinGroup v9 with protocol type "consumer" and one "range" protocol subscribing to {@code topic}. */
    JoinGroupResponseData join(String group, String memberId, String topic) throws IOException {
        return join(group, memberId, null, topic);
    }

    /** JoinGroup v9 as {@link #join(String, String, String)}, as static member {@code instanceId} (null: dynamic). */
    JoinGroupResponseData join(String group, String memberId, String instanceId, String topic) throws IOException {
        return join(group, memberId, instanceId, "consumer", "range", topic);
    }

    /** JoinGroup v9 with the given protocol type and a single protocol {@code protocolName}. */
    JoinGroupResponseData join(String group, String memberId, String instanceId, String protocolType,
                               String protocolName, String topic) throws IOException {
        return join(group, memberId, instanceId, protocolType, protocolName, bytes(ConsumerProtocol.serializeSubscription(
                new ConsumerPartitionAssignor.Subscription(List.of(topic)))));
    }

    /** JoinGroup v9 with a single protocol {@code protocolName} whose member metadata is {@code metadata}. */
    JoinGroupResponseData join(String group, String memberId, String instanceId, String protocolType,
                               String protocolName, byte[] metadata) throws IOException {
        JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols =
                new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName(protocolName)
                .setMetadata(metadata));
        JoinGroupResponse response = raw.send(new JoinGroupRequest.Builder(new JoinGroupRequestData()
                .setGroupId(group)
                .setSessionTimeoutMs(SESSION_TIMEOUT_MS)
                .setRebalanceTimeoutMs(SESSION_TIMEOUT_MS)
                .setMemberId(memberId)
                .setGroupInstanceId(instanceId)
                .setProtocolType(protocolType)
                .setProtocols(protocols)).build((short) 9));
        return response.data();
    }

    /** SyncGroup v5; {@code assignments} (member id to partitions) are what a leader sends, empty otherwise. */
    SyncGroupResponseData sync(String group, int generation, String memberId,
                               Map<String, List<TopicPartition>> assignments) throws IOException {
        return sync(group, generation, memberId, null, assignments);
    }

    /** SyncGroup v5 as {@link #sync(String, int, String, Map)}, as static member {@code instanceId}. */
    SyncGroupResponseData sync(String group, int generation, String memberId, String instanceId,
                               Map<String, List<TopicPartition>> assignments) throws IOException {
        List<SyncGroupRequestData.SyncGroupRequestAssignment> encoded = new ArrayList<>();
        assignments.forEach((member, partitions) -> encoded.add(new SyncGroupRequestData.SyncGroupRequestAssignment()
                .setMemberId(member)
                .setAssignment(bytes(ConsumerProtocol.serializeAssignment(
                        new ConsumerPartitionAssignor.Assignment(partitions))))));
        SyncGroupResponse response = raw.send(new SyncGroupRequest.Builder(new SyncGroupRequestData()
                .setGroupId(group)
                .setGenerationId(generation)
                .setMemberId(memberId)
                .setGroupInstanceId(instanceId)
                .setProtocolType("consumer")
                .setProtocolName("range")
                .setAssignments(encoded)).build((short) 5));
        return response.data();
    }

    /**
     * The two-step join of a new group's only member (MEMBER_ID_REQUIRED, then the join with the given id, which
     * makes it leader) and its SyncGroup assigning it {@code partitions}: the group is Stable afterwards.
     */
    Member joinAsOnlyMember(String group, String topic, List<TopicPartition> partitions) throws Exception {
        awaitCoordinator(group);
        JoinGroupResponseData first = join(group, "", topic);
        if (first.errorCode() != Errors.MEMBER_ID_REQUIRED.code()) {
            throw new AssertionError("first JoinGroup v9 without a member id: " + first);
        }
        JoinGroupResponseData second = join(group, first.memberId(), topic);
        if (second.errorCode() != Errors.NONE.code() || !second.leader().equals(first.memberId())) {
            throw new AssertionError("second JoinGroup v9 of the only member: " + second);
        }
        SyncGroupResponseData synced = sync(group, second.generationId(), first.memberId(),
                Map.of(first.memberId(), partitions));
        if (synced.errorCode() != Errors.NONE.code()) {
            throw new AssertionError("the leader's SyncGroup v5: " + synced);
        }
        return new Member(group, first.memberId(), second.generationId());
    }

    /** Heartbeat v4; its error. */
    Errors heartbeat(String group, int generation, String memberId) throws IOException {
        return heartbeat(group, generation, memberId, null);
    }

    /** Heartbeat v4 as static member {@code instanceId} (null: dynamic); its error. */
    Errors heartbeat(String group, int generation, String memberId, String instanceId) throws IOException {
        HeartbeatResponse response = raw.send(new HeartbeatRequest.Builder(new HeartbeatRequestData()
                .setGroupId(group)
                .setGenerationId(generation)
                .setMemberId(memberId)
                .setGroupInstanceId(instanceId)).build((short) 4));
        return Errors.forCode(response.data().errorCode());
    }

    /** OffsetCommit v9 by topic name; the error of each partition. */
    Map<TopicPartition, Errors> commit(String group, int generation, String memberId,
                                       Map<TopicPartition, Commit> offsets) throws IOException {
        return commit(group, generation, memberId, null, offsets);
    }

    /** OffsetCommit v9 as static member {@code instanceId} (null: dynamic); the error of each partition. */
    Map<TopicPartition, Errors> commit(String group, int generation, String memberId, String instanceId,
                                       Map<TopicPartition, Commit> offsets) throws IOException {
        Map<String, OffsetCommitRequestData.OffsetCommitRequestTopic> topics = new LinkedHashMap<>();
        offsets.forEach((tp, commit) -> topics.computeIfAbsent(tp.topic(),
                        t -> new OffsetCommitRequestData.OffsetCommitRequestTopic().setName(t).setPartitions(new ArrayList<>()))
                .partitions().add(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                        .setPartitionIndex(tp.partition())
                        .setCommittedOffset(commit.offset())
                        .setCommittedMetadata(commit.metadata())));
        OffsetCommitResponse response = raw.send(OffsetCommitRequest.Builder.forTopicNames(new OffsetCommitRequestData()
                .setGroupId(group)
                .setGenerationIdOrMemberEpoch(generation)
                .setMemberId(memberId)
                .setGroupInstanceId(instanceId)
                .setTopics(new ArrayList<>(topics.values()))).build((short) 9));
        Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
        response.data().topics().forEach(topic -> topic.partitions().forEach(partition -> errors.put(
                new TopicPartition(topic.name(), partition.partitionIndex()), Errors.forCode(partition.errorCode()))));
        return errors;
    }

    /** DescribeGroups at {@code version} for one group. */
    DescribeGroupsResponseData.DescribedGroup describe(String group, short version) throws IOException {
        DescribeGroupsResponse response = raw.send(new DescribeGroupsRequest.Builder(new DescribeGroupsRequestData()
                .setGroups(List.of(group))).build(version));
        return response.data().groups().get(0);
    }

    /** DescribeGroups v5 for {@code group}, repeated while its coordinator is not (yet) loaded. */
    DescribeGroupsResponseData.DescribedGroup describeLoaded(String group) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            awaitCoordinator(group);
            DescribeGroupsResponseData.DescribedGroup described = describe(group, (short) 5);
            Errors error = Errors.forCode(described.errorCode());
            if (error != Errors.COORDINATOR_LOAD_IN_PROGRESS && error != Errors.NOT_COORDINATOR
                    && error != Errors.COORDINATOR_NOT_AVAILABLE) {
                return described;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(group + " not loaded within 30 s: " + described);
            }
            Thread.sleep(100);
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
