package io.fjord.it;

import io.fjord.it.RawGroups.Commit;
import io.fjord.it.RawGroups.Member;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests the group coordinator must refuse, with Kafka's error for each, against a bin/broker process: an
 * unknown group (Admin describe and delete, DescribeGroups v5/v6, Heartbeat, SyncGroup), an unknown member id and a
 * wrong generation on Heartbeat, SyncGroup and OffsetCommit, a JoinGroup whose protocol type or protocols do not
 * match the group's (INCONSISTENT_GROUP_PROTOCOL), a static member replaced by a new instance with the same
 * {@code group.instance.id} (FENCED_INSTANCE_ID), member metadata too large for the group's record in
 * {@code __consumer_offsets} (SyncGroup UNKNOWN_SERVER_ERROR, as Kafka maps MESSAGE_TOO_LARGE), offset metadata over
 * {@code offset.metadata.max.bytes} (4096) and a commit for a topic that does not exist. None of them may touch offsets committed before: they are all
 * still there afterwards, and after a restart of the broker (the last test), which also keeps the groups' members.
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GroupBadInputIT {
    private static final String TOPIC = "bad-input";

    @RegisterExtension
    static final BrokerProcessExtension broker = new BrokerProcessExtension();

    private static RawGroups raw;
    /** The static member that replaced another, for the restart test: its member id and generation. */
    private static Member replacement;

    @BeforeAll
    static void createTopic() throws Exception {
        broker.admin().createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
        Clients.produce(broker.bootstrapServers(), TOPIC, 0, 10, i -> null, i -> "v" + i);
        Clients.produce(broker.bootstrapServers(), TOPIC, 1, 10, i -> null, i -> "v" + i);
        raw = new RawGroups(broker.port());
    }

    private static TopicPartition tp(int partition) {
        return new TopicPartition(TOPIC, partition);
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(String group) throws Exception {
        return new HashMap<>(broker.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get());
    }

    @Test
    @Order(1)
    void anUnknownGroupIsNotFoundForAdminDescribeAndDeleteDeadForDescribeGroupsV5AndUnknownMemberForHeartbeatAndSync()
            throws Exception {
        String group = "never-existed";
        raw.awaitCoordinator(group);

        ExecutionException describe = assertThrows(ExecutionException.class,
                () -> broker.admin().describeConsumerGroups(List.of(group)).all().get());
        assertInstanceOf(GroupIdNotFoundException.class, describe.getCause());
        assertEquals("Group " + group + " not found.", describe.getCause().getMessage());
        DescribeGroupsResponseData.DescribedGroup v5 = raw.describe(group, (short) 5);
        assertEquals(Errors.NONE.code(), v5.errorCode(), v5.toString());
        assertEquals("Dead", v5.groupState(), v5.toString());
        assertEquals(List.of(), v5.members(), v5.toString());
        DescribeGroupsResponseData.DescribedGroup v6 = raw.describe(group, (short) 6);
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), v6.errorCode(), v6.toString());

        ExecutionException delete = assertThrows(ExecutionException.class,
                () -> broker.admin().deleteConsumerGroups(List.of(group)).all().get());
        assertInstanceOf(GroupIdNotFoundException.class, delete.getCause());

        assertEquals(Errors.UNKNOWN_MEMBER_ID, raw.heartbeat(group, 1, "ghost-member"));
        SyncGroupResponseData sync = raw.sync(group, 1, "ghost-member", Map.of());
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), sync.errorCode(), sync.toString());
        assertEquals(Map.of(), committed(group), "offsets of a group nobody committed to");
        assertThrows(ExecutionException.class,
                () -> broker.admin().describeConsumerGroups(List.of(group)).all().get(),
                "a heartbeat for an unknown group must not create it");
    }

    @Test
    @Order(2)
    void unknownMemberWrongGenerationAndAnIncompatibleProtocolAreRefusedAndCommittedOffsetsStay()
            throws Exception {
        String group = "bad-member";
        Member member = raw.joinAsOnlyMember(group, TOPIC, List.of(tp(0), tp(1)));
        int generation = member.generation();
        String memberId = member.memberId();
        assertEquals(Map.of(tp(0), Errors.NONE, tp(1), Errors.NONE), raw.commit(group, generation, memberId,
                Map.of(tp(0), new Commit(3, "m0"), tp(1), new Commit(5, "m1"))));
        Map<TopicPartition, OffsetAndMetadata> before = committed(group);
        assertEquals(Map.of(tp(0), new OffsetAndMetadata(3, "m0"), tp(1), new OffsetAndMetadata(5, "m1")), before);
        assertEquals(Errors.NONE, raw.heartbeat(group, generation, memberId));

        assertEquals(Errors.UNKNOWN_MEMBER_ID, raw.heartbeat(group, generation, "not-a-member"));
        assertEquals(Errors.ILLEGAL_GENERATION, raw.heartbeat(group, generation + 1, memberId));
        assertEquals(Errors.ILLEGAL_GENERATION, raw.heartbeat(group, generation - 1, memberId));

        SyncGroupResponseData unknownSync = raw.sync(group, generation, "not-a-member", Map.of());
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), unknownSync.errorCode(), unknownSync.toString());
        SyncGroupResponseData staleSync = raw.sync(group, generation + 1, memberId, Map.of());
        assertEquals(Errors.ILLEGAL_GENERATION.code(), staleSync.errorCode(), staleSync.toString());

        Map<TopicPartition, Commit> overwrite = Map.of(tp(0), new Commit(9, "x"), tp(1), new Commit(9, "x"));
        assertEquals(Map.of(tp(0), Errors.UNKNOWN_MEMBER_ID, tp(1), Errors.UNKNOWN_MEMBER_ID),
                raw.commit(group, generation, "not-a-member", overwrite));
        assertEquals(Map.of(tp(0), Errors.ILLEGAL_GENERATION, tp(1), Errors.ILLEGAL_GENERATION),
                raw.commit(group, generation + 1, memberId, overwrite));
        assertEquals(Map.of(tp(0), Errors.UNKNOWN_MEMBER_ID, tp(1), Errors.UNKNOWN_MEMBER_ID),
                raw.commit(group, -1, "", overwrite), "a commit from outside a group that has a member");

        JoinGroupResponseData otherProtocol = raw.join(group, "", null, "consumer", "roundrobin", TOPIC);
        assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL.code(), otherProtocol.errorCode(), otherProtocol.toString());
        JoinGroupResponseData otherType = raw.join(group, "", null, "connect", "range", TOPIC);
        assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL.code(), otherType.errorCode(), otherType.toString());

        assertEquals(before, committed(group), "offsets after the refused requests");
        assertEquals(Errors.NONE, raw.heartbeat(group, generation, memberId), "the member is still in the group");
        DescribeGroupsResponseData.DescribedGroup described = raw.describe(group, (short) 5);
        assertEquals("Stable", described.groupState(), described.toString());
        assertEquals(List.of(memberId), described.members().stream().map(m -> m.memberId()).toList());
    }

    @Test
    @Order(3)
    void aStaticMemberReplacedByANewInstanceIsFencedAndTheNewOneKeepsItsAssignmentWithoutARebalance()
            throws Exception {
        String group = "bad-static";
        raw.awaitCoordinator(group);
        JoinGroupResponseData first = raw.join(group, "", "instance-1", TOPIC);
        assertEquals(Errors.NONE.code(), first.errorCode(), "a static member joins without MEMBER_ID_REQUIRED: " + first);
        String oldId = first.memberId();
        int generation = first.generationId();
        assertEquals(oldId, first.leader(), first.toString());
        SyncGroupResponseData synced = raw.sync(group, generation, oldId, "instance-1", Map.of(oldId, List.of(tp(0), tp(1))));
        assertEquals(Errors.NONE.code(), synced.errorCode(), synced.toString());
        assertEquals(Map.of(tp(0), Errors.NONE), raw.commit(group, generation, oldId, "instance-1",
                Map.of(tp(0), new Commit(2, "static"))));

        JoinGroupResponseData again = raw.join(group, "", "instance-1", TOPIC);

        assertEquals(Errors.NONE.code(), again.errorCode(), again.toString());
        String newId = again.memberId();
        assertTrue(!newId.isEmpty() && !newId.equals(oldId), again.toString());
        assertEquals(generation, again.generationId(), "a static rejoin in Stable does not rebalance: " + again);
        assertEquals(Errors.FENCED_INSTANCE_ID, raw.heartbeat(group, generation, oldId, "instance-1"));
        assertEquals(Map.of(tp(0), Errors.FENCED_INSTANCE_ID), raw.commit(group, generation, oldId, "instance-1",
                Map.of(tp(0), new Commit(9, "fenced"))));
        SyncGroupResponseData fencedSync = raw.sync(group, generation, oldId, "instance-1", Map.of());
        assertEquals(Errors.FENCED_INSTANCE_ID.code(), fencedSync.errorCode(), fencedSync.toString());
        SyncGroupResponseData newSync = raw.sync(group, generation, newId, "instance-1", Map.of());
        assertEquals(Errors.NONE.code(), newSync.errorCode(), newSync.toString());
        assertEquals(List.of(tp(0), tp(1)), ConsumerProtocol.deserializeAssignment(
                ByteBuffer.wrap(newSync.assignment())).partitions(), "the replaced member's assignment");
        assertEquals(Errors.NONE, raw.heartbeat(group, generation, newId, "instance-1"));
        assertEquals(Map.of(tp(0), new OffsetAndMetadata(2, "static")), committed(group));
        replacement = new Member(group, newId, generation);
    }

    @Test
    @Order(4)
    void memberMetadataTooLargeForTheOffsetsTopicFailsTheSyncWithUnknownServerErrorAndKeepsCommittedOffsets()
            throws Exception {
        String group = "huge-member";
        raw.awaitCoordinator(group);
        assertEquals(Map.of(tp(0), Errors.NONE), raw.commit(group, -1, "", Map.of(tp(0), new Commit(4, "before"))));
        // 1.2 MB of user data: the group's metadata record cannot fit __consumer_offsets' max.message.bytes (1048588)
        ByteBuffer subscription = ConsumerProtocol.serializeSubscription(
                new ConsumerPartitionAssignor.Subscription(List.of(TOPIC), ByteBuffer.allocate(1_200_000)));
        byte[] metadata = new byte[subscription.remaining()];
        subscription.get(metadata);

        JoinGroupResponseData first = raw.join(group, "", null, "consumer", "range", metadata);
        assertEquals(Errors.MEMBER_ID_REQUIRED.code(), first.errorCode());
        JoinGroupResponseData joined = raw.join(group, first.memberId(), null, "consumer", "range", metadata);
        assertEquals(Errors.NONE.code(), joined.errorCode());
        assertEquals(joined.memberId(), joined.leader());
        assertEquals(metadata.length, joined.members().get(0).metadata().length, "the leader sees the whole metadata");

        SyncGroupResponseData synced = raw.sync(group, joined.generationId(), joined.memberId(),
                Map.of(joined.memberId(), List.of(tp(0), tp(1))));

        assertEquals(Errors.UNKNOWN_SERVER_ERROR.code(), synced.errorCode(), "Kafka's answer when the group record is too large");
        assertEquals(Map.of(tp(0), new OffsetAndMetadata(4, "before")), committed(group));
        assertTrue(raw.describe(group, (short) 5).groupState().matches("PreparingRebalance|Empty"),
                "the failed write leaves the group rebalancing: " + raw.describe(group, (short) 5));
    }

    @Test
    @Order(5)
    void oversizedMetadataAndUnknownTopicsAreRefusedPerPartitionAndOffsetsSurviveARestart() throws Exception {
        String group = "bad-metadata";
        raw.awaitCoordinator(group);
        assertEquals(Map.of(tp(0), Errors.NONE, tp(1), Errors.NONE), raw.commit(group, -1, "",
                Map.of(tp(0), new Commit(3, "kept"), tp(1), new Commit(5, "replaced"))));

        String limit = "m".repeat(4096);
        Map<TopicPartition, Commit> mixed = new LinkedHashMap<>();
        mixed.put(tp(0), new Commit(8, "m".repeat(4097)));
        mixed.put(tp(1), new Commit(6, limit));
        mixed.put(new TopicPartition("no-such-topic", 0), new Commit(1, ""));
        Map<TopicPartition, Errors> errors = raw.commit(group, -1, "", mixed);

        assertEquals(Errors.OFFSET_METADATA_TOO_LARGE, errors.get(tp(0)), errors.toString());
        assertEquals(Errors.NONE, errors.get(tp(1)), "metadata of exactly offset.metadata.max.bytes: " + errors);
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, errors.get(new TopicPartition("no-such-topic", 0)),
                errors.toString());
        Map<TopicPartition, OffsetAndMetadata> expected = Map.of(
                tp(0), new OffsetAndMetadata(3, "kept"),
                tp(1), new OffsetAndMetadata(6, limit));
        assertEquals(expected, committed(group));
        Map<TopicPartition, OffsetAndMetadata> otherGroup = committed("bad-member");

        broker.restart();

        assertEquals(expected, committed(group), "after a restart");
        assertEquals(otherGroup, committed("bad-member"), "the other test's group after a restart");
        assertTrue(broker.admin().listConsumerGroups().all().get().stream()
                .noneMatch(listing -> listing.groupId().equals("never-existed")), "a group made by bad requests");
        if (replacement != null) {
            DescribeGroupsResponseData.DescribedGroup restored = raw.describeLoaded(replacement.group());
            assertEquals("Stable", restored.groupState(), restored.toString());
            assertEquals(List.of(replacement.memberId() + "/instance-1"), restored.members().stream()
                    .map(m -> m.memberId() + "/" + m.groupInstanceId()).toList(), restored.toString());
            assertEquals(Errors.FENCED_INSTANCE_ID, raw.heartbeat(replacement.group(), replacement.generation(),
                    "an-old-member-id", "instance-1"), "the restored static member's id is checked");
            assertEquals(Errors.NONE, raw.heartbeat(replacement.group(), replacement.generation(),
                    replacement.memberId(), "instance-1"), "the static member that replaced another, after the restart");
            assertEquals(Map.of(tp(0), new OffsetAndMetadata(2, "static")), committed(replacement.group()));
        }
    }
}
