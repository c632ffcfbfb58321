package io.fjord.it;

import io.fjord.broker.RawConnection;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DeleteGroupsResponse;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.ListGroupsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.OffsetDeleteRequest;
import org.apache.kafka.common.requests.OffsetDeleteResponse;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The classic group APIs as raw requests at every served version (encoded and parsed by kafka-clients) against an
 * in-process node: FindCoordinator until __consumer_offsets exists and the group's partition is loaded, a full
 * join/sync/heartbeat/commit/fetch/describe/list/leave/offset-delete/delete cycle per version, Kafka's errors for
 * bad input, and committed offsets read back after a restart.
 */
class GroupRequestsIT {
    private static final int OFFSETS_PARTITIONS = 5;
    private static final String CLIENT_ID = "fjord-it";

    @RegisterExtension
    final InProcessBrokerExtension broker = new InProcessBrokerExtension(
            Map.of("offsets.topic.num.partitions", String.valueOf(OFFSETS_PARTITIONS)));

    @BeforeEach
    void createTopics() throws Exception {
        broker.createTopics(new NewTopic("t", 3, (short) 1));
    }

    private static byte[] subscription(String... topics) {
        return Utils.toArray(ConsumerProtocol.serializeSubscription(
                new ConsumerPartitionAssignor.Subscription(List.of(topics))));
    }

    private static byte[] assignment(TopicPartition... partitions) {
        return Utils.toArray(ConsumerProtocol.serializeAssignment(
                new ConsumerPartitionAssignor.Assignment(List.of(partitions))));
    }

    private FindCoordinatorResponse findCoordinator(short version, byte keyType, String... keys) throws Exception {
        FindCoordinatorRequestData data = new FindCoordinatorRequestData().setKeyType(keyType);
        if (version < 4) {
            data.setKey(keys[0]);
        } else {
            data.setCoordinatorKeys(List.of(keys));
        }
        return broker.raw().send(new FindCoordinatorRequest.Builder(data).build(version));
    }

    /**
     * Asks FindCoordinator v0 until it names this node (the first call creates __consumer_offsets), then DescribeGroups
     * until the group's partition is loaded (no NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS).
     */
    private void awaitCoordinator(String group) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        Errors found;
        do {
            found = findCoordinator((short) 0, (byte) 0, group).error();
            if (found == Errors.NONE) {
                break;
            }
            assertEquals(Errors.COORDINATOR_NOT_AVAILABLE, found);
            Thread.sleep(50);
        } while (System.currentTimeMillis() < deadline);
        assertEquals(Errors.NONE, found, "FindCoordinator for " + group);
        Errors described;
        do {
            described = Errors.forCode(describe((short) 0, group).errorCode());
            if (described == Errors.NONE) {
                return;
            }
            assertTrue(described == Errors.COORDINATOR_LOAD_IN_PROGRESS || described == Errors.NOT_COORDINATOR,
                    described.name());
            Thread.sleep(50);
        } while (System.currentTimeMillis() < deadline);
        fail("the coordinator of " + group + " did not load: " + described);
    }

    private JoinGroupResponseData join(short version, String group, String memberId, int sessionTimeoutMs)
            throws Exception {
        JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols =
                new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(subscription("t")));
        JoinGroupRequestData data = new JoinGroupRequestData().setGroupId(group).setMemberId(memberId)
                .setSessionTimeoutMs(sessionTimeoutMs).setRebalanceTimeoutMs(10_000).setProtocolType("consumer")
                .setProtocols(protocols);
        JoinGroupResponse response = broker.raw().send(new JoinGroupRequest.Builder(data).build(version));
        return response.data();
    }

    /** A one-member group at JoinGroup {@code version}: the two-step join from v4 on. */
    private JoinGroupResponseData joinAsOnlyMember(short version, String group) throws Exception {
        JoinGroupResponseData first = join(version, group, "", 30_000);
        if (version >= 4) {
            assertEquals(Errors.MEMBER_ID_REQUIRED.code(), first.errorCode(), "v" + version);
            assertTrue(first.memberId().startsWith(CLIENT_ID + "-"), first.memberId());
            JoinGroupResponseData second = join(version, group, first.memberId(), 30_000);
            assertEquals(first.memberId(), second.memberId());
            return second;
        }
        return first;
    }

    private SyncGroupResponseData sync(short version, String group, int generation, String memberId,
                                       byte[] assignment) throws Exception {
        SyncGroupRequestData data = new SyncGroupRequestData().setGroupId(group).setGenerationId(generation)
                .setMemberId(memberId).setProtocolType("consumer").setProtocolName("range");
        if (assignment != null) {
            data.setAssignments(List.of(new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId(memberId)
                    .setAssignment(assignment)));
        }
        SyncGroupResponse response = broker.raw().send(new SyncGroupRequest.Builder(data).build(version));
        return response.data();
    }

    private Errors heartbeat(short version, String group, int generation, String memberId) throws Exception {
        HeartbeatResponse response = broker.raw().send(new HeartbeatRequest.Builder(new HeartbeatRequestData()
                .setGroupId(group).setGenerationId(generation).setMemberId(memberId)).build(version));
        return response.error();
    }

    private List<OffsetCommitResponsePartition> commit(short version, String group, int generation, String memberId,
                                                       String topic, int partition, long offset, String metadata)
            throws Exception {
        OffsetCommitRequestData data = new OffsetCommitRequestData().setGroupId(group)
                .setGenerationIdOrMemberEpoch(generation).setMemberId(memberId);
        data.topics().add(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName(topic).setPartitions(List.of(
                new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(partition)
                        .setCommittedOffset(offset).setCommittedLeaderEpoch(7).setCommittedMetadata(metadata))));
        OffsetCommitResponse response = broker.raw().send(OffsetCommitRequest.Builder.forTopicNames(data).build(version));
        return response.data().topics().get(0).partitions();
    }

    private OffsetFetchResponse fetchOffsets(short version, List<String> groups, List<TopicPartition> partitions)
            throws Exception {
        OffsetFetchRequestData data = new OffsetFetchRequestData();
        for (String group : groups) {
            OffsetFetchRequestData.OffsetFetchRequestGroup g = new OffsetFetchRequestData.OffsetFetchRequestGroup()
                    .setGroupId(group);
            if (partitions == null) {
                g.setTopics(null);
            } else {
                List<OffsetFetchRequestData.OffsetFetchRequestTopics> topics = new ArrayList<>();
                for (TopicPartition tp : partitions) {
                    topics.add(new OffsetFetchRequestData.OffsetFetchRequestTopics().setName(tp.topic())
                            .setPartitionIndexes(List.of(tp.partition())));
                }
                g.setTopics(topics);
            }
            data.groups().add(g);
        }
        return broker.raw().send(OffsetFetchRequest.Builder.forTopicNames(data, false).build(version));
    }

    private static OffsetFetchResponsePartitions partitionOf(OffsetFetchResponseGroup group, String topic, int index) {
        for (OffsetFetchResponseTopics t : group.topics()) {
            for (OffsetFetchResponsePartitions p : t.partitions()) {
                if (t.name().equals(topic) && p.partitionIndex() == index) {
                    return p;
                }
            }
        }
        throw new AssertionError(topic + "-" + index + " missing from " + group);
    }

    private DescribedGroup describe(short version, String group) throws Exception {
        DescribeGroupsResponse response = broker.raw().send(new DescribeGroupsRequest.Builder(
                new DescribeGroupsRequestData().setGroups(List.of(group)).setIncludeAuthorizedOperations(version >= 3))
                .build(version));
        return response.data().groups().get(0);
    }

    private List<ListedGroup> list(short version) throws Exception {
        ListGroupsResponse response = broker.raw().send(new ListGroupsRequest.Builder(new ListGroupsRequestData())
                .build(version));
        assertEquals(Errors.NONE.code(), response.data().errorCode());
        return response.data().groups();
    }

    private LeaveGroupResponse leave(short version, String group, String memberId) throws Exception {
        return broker.raw().send(new LeaveGroupRequest.Builder(group,
                List.of(new MemberIdentity().setMemberId(memberId))).build(version));
    }

    private Errors deleteGroup(short version, String group) throws Exception {
        DeleteGroupsResponse response = broker.raw().send(new DeleteGroupsRequest.Builder(
                new DeleteGroupsRequestData().setGroupsNames(List.of(group))).build(version));
        return Errors.forCode(response.data().results().find(group).errorCode());
    }

    private OffsetDeleteResponse deleteOffset(String group, String topic, int partition) throws Exception {
        OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection topics =
                new OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection();
        topics.add(new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName(topic).setPartitions(List.of(
                new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(partition))));
        return broker.raw().send(new OffsetDeleteRequest.Builder(new OffsetDeleteRequestData().setGroupId(group)
                .setTopics(topics)).build((short) 0));
    }

    @Test
    @Timeout(120)
    void findCoordinatorCreatesTheInternalOffsetsTopicThenNamesThisNodeAtEveryVersion() throws Exception {
        awaitCoordinator("g");

        for (short v = 0; v <= 6; v++) {
            List<Coordinator> coordinators = findCoordinator(v, (byte) 0, "g", "other").coordinators();
            assertEquals(v < 4 ? 1 : 2, coordinators.size(), "v" + v);
            for (Coordinator c : coordinators) {
                assertEquals(Errors.NONE.code(), c.errorCode(), "v" + v);
                assertEquals(1, c.nodeId(), "v" + v);
                assertEquals("localhost", c.host(), "v" + v);
                assertEquals(broker.port(), c.port(), "v" + v);
            }
            if (v >= 1 && v < 4) {
                assertEquals("NONE", findCoordinator(v, (byte) 0, "g").data().errorMessage(), "v" + v);
            }
        }
        for (short v = 1; v <= 6; v++) {
            Coordinator txn = findCoordinator(v, (byte) 1, "txn").coordinators().get(0);
            assertEquals(Errors.COORDINATOR_NOT_AVAILABLE.code(), txn.errorCode(), "v" + v);
            assertTrue(txn.errorMessage().contains("Transactions are not supported"), txn.errorMessage());
            assertEquals(-1, txn.nodeId());
        }

        MetadataResponse metadata = broker.raw().send(new MetadataRequest.Builder(new MetadataRequestData()
                .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("__consumer_offsets"))))
                .build((short) 12));
        MetadataResponseTopic offsets = metadata.data().topics().find("__consumer_offsets");
        assertEquals(Errors.NONE.code(), offsets.errorCode());
        assertTrue(offsets.isInternal());
        assertEquals(OFFSETS_PARTITIONS, offsets.partitions().size());
        assertFalse(metadata.data().topics().find("__consumer_offsets").partitions().isEmpty());

        ProduceRequestData produce = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(5000);
        produce.topicData().add(new ProduceRequestData.TopicProduceData().setName("__consumer_offsets")
                .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(
                        MemoryRecords.withRecords(Compression.NONE,
                                new SimpleRecord("k".getBytes(), "v".getBytes()))))));
        ProduceResponse produced = broker.raw().send(new ProduceRequest.Builder((short) 9, (short) 9, produce).build((short) 9));
        assertEquals(Errors.INVALID_TOPIC_EXCEPTION.code(), produced.data().responses().iterator().next()
                .partitionResponses().get(0).errorCode());
    }

    @Test
    @Timeout(60)
    void metadataAskingForTheOffsetsTopicWithAutoCreationCreatesItWithTheCoordinatorsSettings() throws Exception {
        MetadataRequestData ask = new MetadataRequestData().setAllowAutoTopicCreation(true)
                .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("__consumer_offsets")));
        MetadataResponse answer = broker.raw().send(new MetadataRequest.Builder(ask).build((short) 12));
        MetadataResponseTopic first = answer.data().topics().find("__consumer_offsets");
        assertEquals(Errors.LEADER_NOT_AVAILABLE.code(), first.errorCode());
        assertTrue(first.isInternal());

        long deadline = System.currentTimeMillis() + 30_000;
        MetadataResponseTopic offsets = first;
        while (offsets.errorCode() != Errors.NONE.code()) {
            assertTrue(System.currentTimeMillis() < deadline, "__consumer_offsets was not created: "
                    + Errors.forCode(offsets.errorCode()));
            Thread.sleep(50);
            answer = broker.raw().send(new MetadataRequest.Builder(ask).build((short) 12));
            offsets = answer.data().topics().find("__consumer_offsets");
        }
        assertTrue(offsets.isInternal());
        assertEquals(OFFSETS_PARTITIONS, offsets.partitions().size());
    }

    @Test
    @Timeout(180)
    void aFullGroupCycleWorksAtEveryVersion() throws Exception {
        for (short v = 0; v <= 9; v++) {
            String group = "cycle-" + v;
            awaitCoordinator(group);
            short syncV = (short) Math.min(v, 5);
            short heartbeatV = (short) Math.min(v, 4);
            short leaveV = (short) Math.min(v, 5);
            short commitV = (short) Math.max(2, v);
            short fetchV = (short) Math.max(1, v);
            short describeV = (short) Math.min(v, 6);
            short listV = (short) Math.min(v, 5);
            short deleteV = (short) Math.min(v, 2);
            String at = "JoinGroup v" + v;

            JoinGroupResponseData joined = joinAsOnlyMember(v, group);
            assertEquals(Errors.NONE.code(), joined.errorCode(), at);
            String member = joined.memberId();
            int generation = joined.generationId();
            assertEquals(1, generation, at);
            assertEquals(member, joined.leader(), at);
            assertEquals("range", joined.protocolName(), at);
            if (v >= 7) {
                assertEquals("consumer", joined.protocolType(), at);
            }
            assertEquals(1, joined.members().size(), at);
            assertArrayEquals(subscription("t"), joined.members().get(0).metadata(), at);

            byte[] assigned = assignment(new TopicPartition("t", 0), new TopicPartition("t", 1));
            SyncGroupResponseData synced = sync(syncV, group, generation, member, assigned);
            assertEquals(Errors.NONE.code(), synced.errorCode(), "SyncGroup v" + syncV);
            assertArrayEquals(assigned, synced.assignment(), "SyncGroup v" + syncV);
            if (syncV >= 5) {
                assertEquals("consumer", synced.protocolType());
                assertEquals("range", synced.protocolName());
            }

            assertEquals(Errors.NONE, heartbeat(heartbeatV, group, generation, member), "Heartbeat v" + heartbeatV);

            List<OffsetCommitResponsePartition> committed = commit(commitV, group, generation, member, "t", 1, 42,
                    "meta-" + v);
            assertEquals(Errors.NONE.code(), committed.get(0).errorCode(), "OffsetCommit v" + commitV);

            OffsetFetchResponseGroup fetched = fetchOffsets(fetchV, List.of(group),
                    List.of(new TopicPartition("t", 1), new TopicPartition("t", 2))).group(group);
            assertEquals(Errors.NONE.code(), fetched.errorCode(), "OffsetFetch v" + fetchV);
            OffsetFetchResponsePartitions p1 = partitionOf(fetched, "t", 1);
            assertEquals(42, p1.committedOffset(), "OffsetFetch v" + fetchV);
            assertEquals("meta-" + v, p1.metadata(), "OffsetFetch v" + fetchV);
            if (fetchV >= 5) {
                assertEquals(commitV >= 6 ? 7 : -1, p1.committedLeaderEpoch(), "OffsetFetch v" + fetchV);
            }
            assertEquals(-1, partitionOf(fetched, "t", 2).committedOffset(), "OffsetFetch v" + fetchV);
            if (fetchV >= 2) {
                OffsetFetchResponseGroup all = fetchOffsets(fetchV, List.of(group), null).group(group);
                assertEquals(42, partitionOf(all, "t", 1).committedOffset(), "all offsets, OffsetFetch v" + fetchV);
                assertEquals(1, all.topics().stream().mapToInt(t -> t.partitions().size()).sum());
            }

            DescribedGroup described = describe(describeV, group);
            assertEquals(Errors.NONE.code(), described.errorCode(), "DescribeGroups v" + describeV);
            assertEquals("Stable", described.groupState());
            assertEquals("consumer", described.protocolType());
            assertEquals("range", described.protocolData());
            assertEquals(1, described.members().size());
            assertEquals(member, described.members().get(0).memberId());
            assertEquals(CLIENT_ID, described.members().get(0).clientId());
            assertEquals("/127.0.0.1", described.members().get(0).clientHost());
            assertArrayEquals(assigned, described.members().get(0).memberAssignment());
            if (describeV >= 3) {
                assertNotEquals(Integer.MIN_VALUE, described.authorizedOperations());
            }

            ListedGroup listed = list(listV).stream().filter(g -> g.groupId().equals(group)).findFirst()
                    .orElseThrow(() -> new AssertionError(group + " not listed at ListGroups v" + listV));
            assertEquals("consumer", listed.protocolType());
            if (listV >= 4) {
                assertEquals("Stable", listed.groupState());
            }
            if (listV >= 5) {
                assertEquals("classic", listed.groupType());
            }

            assertEquals(Errors.NON_EMPTY_GROUP, deleteGroup(deleteV, group), "DeleteGroups v" + deleteV);

            LeaveGroupResponse left = leave(leaveV, group, member);
            assertEquals(Errors.NONE, left.error(), "LeaveGroup v" + leaveV);
            if (leaveV >= 3) {
                LeaveGroupResponseData.MemberResponse m = left.data().members().get(0);
                assertEquals(member, m.memberId());
                assertEquals(Errors.NONE.code(), m.errorCode());
            }
            assertEquals("Empty", describe(describeV, group).groupState(), "after LeaveGroup v" + leaveV);

            OffsetDeleteResponse offsetDeleted = deleteOffset(group, "t", 1);
            assertEquals(Errors.NONE.code(), offsetDeleted.data().errorCode());
            assertEquals(Errors.NONE.code(), offsetDeleted.data().topics().find("t").partitions().find(1).errorCode());
            assertEquals(-1, partitionOf(fetchOffsets(fetchV, List.of(group), List.of(new TopicPartition("t", 1)))
                    .group(group), "t", 1).committedOffset(), "after OffsetDelete");

            assertEquals(Errors.NONE, deleteGroup(deleteV, group), "DeleteGroups v" + deleteV);
            DescribedGroup gone = describe(describeV, group);
            if (describeV >= 6) {
                assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), gone.errorCode());
            } else {
                assertEquals(Errors.NONE.code(), gone.errorCode());
                assertEquals("Dead", gone.groupState());
            }
            assertTrue(list(listV).stream().noneMatch(g -> g.groupId().equals(group)), "listed after deletion");
        }
    }

    @Test
    @Timeout(120)
    void offsetFetchV8AndV9AnswerSeveralGroupsEachOnItsOwn() throws Exception {
        awaitCoordinator("multi-a");
        awaitCoordinator("multi-b");
        assertEquals(Errors.NONE.code(), commit((short) 9, "multi-a", -1, "", "t", 0, 5, null).get(0).errorCode());
        assertEquals(Errors.NONE.code(), commit((short) 9, "multi-b", -1, "", "t", 2, 9, "b").get(0).errorCode());

        for (short v = 8; v <= 9; v++) {
            OffsetFetchResponse response = fetchOffsets(v, List.of("multi-a", "multi-b", "multi-unknown"),
                    List.of(new TopicPartition("t", 0), new TopicPartition("t", 2)));
            assertEquals(3, response.data().groups().size());
            assertEquals(5, partitionOf(response.group("multi-a"), "t", 0).committedOffset());
            assertEquals(-1, partitionOf(response.group("multi-a"), "t", 2).committedOffset());
            assertEquals(9, partitionOf(response.group("multi-b"), "t", 2).committedOffset());
            assertEquals("b", partitionOf(response.group("multi-b"), "t", 2).metadata());
            OffsetFetchResponseGroup unknown = response.group("multi-unknown");
            assertEquals(Errors.NONE.code(), unknown.errorCode());
            assertEquals(-1, partitionOf(unknown, "t", 0).committedOffset());
        }
    }

    @Test
    @Timeout(120)
    void badRequestsGetKafkasErrors() throws Exception {
        String group = "errors";
        awaitCoordinator(group);

        assertEquals(Errors.UNKNOWN_MEMBER_ID, heartbeat((short) 4, group, 1, "nobody"), "unknown group");
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), join((short) 9, group, "nobody", 30_000).errorCode());
        assertEquals(Errors.INVALID_SESSION_TIMEOUT.code(), join((short) 9, group, "", 10).errorCode());

        JoinGroupResponseData joined = joinAsOnlyMember((short) 9, group);
        String member = joined.memberId();
        int generation = joined.generationId();
        assertEquals(Errors.NONE.code(), sync((short) 5, group, generation, member, assignment()).errorCode());

        assertEquals(Errors.UNKNOWN_MEMBER_ID, heartbeat((short) 4, group, generation, "nobody"));
        assertEquals(Errors.ILLEGAL_GENERATION, heartbeat((short) 4, group, generation + 1, member));
        assertEquals(Errors.ILLEGAL_GENERATION.code(),
                sync((short) 5, group, generation + 1, member, null).errorCode());
        SyncGroupResponse withoutProtocol = broker.raw().send(new SyncGroupRequest.Builder(new SyncGroupRequestData()
                .setGroupId(group).setGenerationId(generation).setMemberId(member)).build((short) 5));
        assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL, withoutProtocol.error(), "v5 needs protocol type and name");
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(),
                commit((short) 9, group, generation, "nobody", "t", 0, 1, null).get(0).errorCode());
        assertEquals(Errors.ILLEGAL_GENERATION.code(),
                commit((short) 9, group, generation + 1, member, "t", 0, 1, null).get(0).errorCode());
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(),
                commit((short) 9, group, -1, "", "t", 0, 1, null).get(0).errorCode(), "outside a non-empty group");
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                commit((short) 9, group, generation, member, "no-such-topic", 0, 1, null).get(0).errorCode());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                commit((short) 9, group, generation, member, "t", 99, 1, null).get(0).errorCode());
        assertEquals(Errors.OFFSET_METADATA_TOO_LARGE.code(),
                commit((short) 9, group, generation, member, "t", 0, 1, "x".repeat(4097)).get(0).errorCode());
        assertEquals(-1, partitionOf(fetchOffsets((short) 9, List.of(group), List.of(new TopicPartition("t", 0)))
                .group(group), "t", 0).committedOffset(), "nothing stored by the rejected commits");

        LeaveGroupResponse leftUnknown = leave((short) 5, group, "nobody");
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), leftUnknown.data().members().get(0).errorCode());
        assertEquals(Errors.UNKNOWN_MEMBER_ID, leave((short) 0, group, "nobody").error());

        assertEquals("Dead", describe((short) 5, "no-such-group").groupState());
        assertEquals(Errors.NONE.code(), describe((short) 5, "no-such-group").errorCode());
        DescribedGroup unknownV6 = describe((short) 6, "no-such-group");
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), unknownV6.errorCode());
        assertTrue(unknownV6.errorMessage().contains("no-such-group"), unknownV6.errorMessage());
        assertEquals(Integer.MIN_VALUE, unknownV6.authorizedOperations(), "no operations for a group in error");
        assertEquals(Errors.GROUP_ID_NOT_FOUND, deleteGroup((short) 2, "no-such-group"));
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), deleteOffset("no-such-group", "t", 0).data().errorCode());
        OffsetDeleteResponse unknownTopic = deleteOffset(group, "no-such-topic", 0);
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                unknownTopic.data().topics().find("no-such-topic").partitions().find(0).errorCode());

        assertEquals(Errors.NONE.code(),
                commit((short) 9, "outsider", -1, "", "t", 0, 3, null).get(0).errorCode(), "unknown group: allowed");
        assertEquals(3, partitionOf(fetchOffsets((short) 9, List.of("outsider"), List.of(new TopicPartition("t", 0)))
                .group("outsider"), "t", 0).committedOffset());
    }

    private JoinGroupResponseData joinStatic(short version, String group, String memberId, String instanceId)
            throws Exception {
        JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols =
                new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(subscription("t")));
        JoinGroupRequestData data = new JoinGroupRequestData().setGroupId(group).setMemberId(memberId)
                .setGroupInstanceId(instanceId).setSessionTimeoutMs(30_000).setRebalanceTimeoutMs(10_000)
                .setProtocolType("consumer").setProtocols(protocols);
        JoinGroupResponse response = broker.raw().send(new JoinGroupRequest.Builder(data).build(version));
        return response.data();
    }

    @Test
    @Timeout(120)
    void aStaticLeaderRejoiningAStableGroupSkipsTheAssignmentFromV9AndIsAnsweredWithTheOldLeaderBefore()
            throws Exception {
        for (short v = 8; v <= 9; v++) {
            String group = "static-" + v;
            awaitCoordinator(group);
            JoinGroupResponseData first = joinStatic(v, group, "", "instance-1");
            assertEquals(Errors.NONE.code(), first.errorCode(), "static members need no second join");
            assertEquals(Errors.NONE.code(), sync((short) 5, group, first.generationId(), first.memberId(),
                    assignment(new TopicPartition("t", 0))).errorCode());

            JoinGroupResponseData again = joinStatic(v, group, "", "instance-1");

            assertEquals(Errors.NONE.code(), again.errorCode(), "v" + v);
            assertNotEquals(first.memberId(), again.memberId(), "a rejoining static member gets a new member id");
            assertEquals(first.generationId(), again.generationId(), "no rebalance");
            if (v >= 9) {
                assertTrue(again.skipAssignment());
                assertEquals(again.memberId(), again.leader());
                assertEquals(1, again.members().size());
            } else {
                assertFalse(again.skipAssignment());
                assertEquals(first.memberId(), again.leader());
                assertTrue(again.members().isEmpty());
            }
            assertEquals(Errors.FENCED_INSTANCE_ID.code(), joinStatic(v, group, first.memberId(), "instance-1")
                    .errorCode(), "the replaced member id is fenced");
        }
    }

    @Test
    @Timeout(120)
    void joinGroupV0UsesTheSessionTimeoutAsTheRebalanceTimeout() throws Exception {
        String group = "v0-rebalance";
        awaitCoordinator(group);
        JoinGroupResponseData first = join((short) 0, group, "", 6000);
        assertEquals(Errors.NONE.code(), first.errorCode());
        assertEquals(Errors.NONE.code(), sync((short) 0, group, first.generationId(), first.memberId(),
                assignment(new TopicPartition("t", 0))).errorCode());

        JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols =
                new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(subscription("t")));
        long start = System.nanoTime();
        JoinGroupResponse second = broker.raw().send(new JoinGroupRequest.Builder(new JoinGroupRequestData()
                .setGroupId(group).setMemberId("").setSessionTimeoutMs(30_000).setRebalanceTimeoutMs(1000)
                .setProtocolType("consumer").setProtocols(protocols)).build((short) 1));
        long waitedMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(Errors.NONE, second.error());
        assertEquals(second.data().memberId(), second.data().leader(), "the silent v0 member was removed");
        assertEquals(1, second.data().members().size());
        assertTrue(waitedMs >= 4000, "the rebalance waited " + waitedMs + " ms, not the v0 member's 6 s session");
    }

    @Test
    @Timeout(120)
    void aMemberWhoseRequestsCarryNoClientIdIsDescribedWithAnEmptyOne() throws Exception {
        awaitCoordinator("anonymous");
        JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols =
                new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(subscription("t")));
        JoinGroupRequest join = new JoinGroupRequest.Builder(new JoinGroupRequestData().setGroupId("anonymous")
                .setMemberId("").setSessionTimeoutMs(30_000).setRebalanceTimeoutMs(10_000).setProtocolType("consumer")
                .setProtocols(protocols)).build((short) 3);
        JoinGroupResponse joined;
        try (RawConnection connection = new RawConnection(broker.port())) {
            RequestHeader header = new RequestHeader(ApiKeys.JOIN_GROUP, (short) 3, null, 1);
            connection.sendFrame(join.serializeWithHeader(header));
            joined = RawClient.receive(connection, header);
        }
        assertEquals(Errors.NONE, joined.error());

        DescribedGroup described = describe((short) 5, "anonymous");

        assertEquals(1, described.members().size());
        assertEquals("", described.members().get(0).clientId());
    }

    @Test
    @Timeout(120)
    void anEmptyGroupIdCannotJoinButCommitsAndFetchesOffsetsAsWithKafka() throws Exception {
        awaitCoordinator("");
        assertEquals(Errors.INVALID_GROUP_ID.code(), join((short) 5, "", "", 30_000).errorCode());

        assertEquals(Errors.NONE.code(), commit((short) 8, "", -1, "", "t", 0, 11, null).get(0).errorCode());

        OffsetFetchResponse v1 = fetchOffsets((short) 1, List.of(""), List.of(new TopicPartition("t", 0)));
        assertEquals(Errors.NONE.code(), v1.data().topics().get(0).partitions().get(0).errorCode());
        assertEquals(11, v1.data().topics().get(0).partitions().get(0).committedOffset());
        for (short v = 2; v <= 7; v++) {
            OffsetFetchResponse response = fetchOffsets(v, List.of(""), List.of(new TopicPartition("t", 0)));
            assertEquals(Errors.NONE.code(), response.data().errorCode(), "v" + v);
            assertEquals(11, response.data().topics().get(0).partitions().get(0).committedOffset(), "v" + v);
        }
        assertEquals(11, partitionOf(fetchOffsets((short) 8, List.of(""), List.of(new TopicPartition("t", 0)))
                .group(""), "t", 0).committedOffset());
    }

    @Test
    @Timeout(180)
    void committedOffsetsAreReloadedFromTheOffsetsTopicAfterARestart() throws Exception {
        awaitCoordinator("durable");
        for (int p = 0; p < 3; p++) {
            assertEquals(Errors.NONE.code(), commit((short) 9, "durable", -1, "", "t", p, 100 + p, "m" + p).get(0)
                    .errorCode());
        }
        assertEquals(Errors.NONE.code(), commit((short) 9, "durable", -1, "", "t", 1, 7, "later").get(0).errorCode());

        broker.restart();
        awaitCoordinator("durable");

        OffsetFetchResponseGroup fetched = fetchOffsets((short) 9, List.of("durable"), null).group("durable");
        assertEquals(Errors.NONE.code(), fetched.errorCode());
        assertEquals(100, partitionOf(fetched, "t", 0).committedOffset());
        assertEquals(7, partitionOf(fetched, "t", 1).committedOffset());
        assertEquals("later", partitionOf(fetched, "t", 1).metadata());
        assertEquals(102, partitionOf(fetched, "t", 2).committedOffset());
        assertEquals(Set.of("durable"), Set.copyOf(list((short) 5).stream().map(ListedGroup::groupId).toList()));
        assertEquals(List.of("Empty"), list((short) 5).stream().map(ListedGroup::groupState).toList());
    }
}
