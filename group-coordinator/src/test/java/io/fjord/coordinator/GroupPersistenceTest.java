package io.fjord.coordinator;

import io.fjord.coordinator.OffsetsTopicFormat.Writer;
import io.fjord.protocol.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static io.fjord.coordinator.CoordinatorFixture.CHECK_MS;
import static io.fjord.coordinator.CoordinatorFixture.PARTITIONS;
import static io.fjord.coordinator.CoordinatorFixture.RETENTION_MS;
import static io.fjord.coordinator.CoordinatorFixture.SESSION_MS;
import static io.fjord.coordinator.CoordinatorFixture.bytes;
import static io.fjord.coordinator.CoordinatorFixture.done;
import static io.fjord.coordinator.CoordinatorFixture.join;
import static io.fjord.coordinator.CoordinatorFixture.subscription;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Group metadata writes, replay at load, load/unload states and offset retention. */
class GroupPersistenceTest {
    private static final TopicPartitionRef ORDERS_0 = new TopicPartitionRef("orders", 0);
    private static final TopicPartitionRef AUDIT_0 = new TopicPartitionRef("audit", 0);

    private final CoordinatorFixture f = new CoordinatorFixture();
    private final GroupCoordinator coordinator = f.coordinator;

    /**
     * Expected partitions were computed outside Java: the string's hash as Java defines it (sum of char * 31^k,
     * wrapping at 32 bits), computed with Python integers and reduced to int32, then Kafka's Utils.abs (Integer.MIN_VALUE
     * to 0, otherwise the absolute value) modulo the partition count. Hashes: "g" 103, "console-consumer-1" 35782224,
     * "my-group" -1906497762, "test-group" 627841412, "polygenelubricants" -2147483648. For "my-group" masking the
     * sign bit instead of taking the absolute value would give 36 of 50, not 12.
     */
    @Test
    void partitionForIsKafkasAbsOfTheHashModuloThePartitionCount() {
        GroupCoordinator fifty = new GroupCoordinator(GroupCoordinatorConfig.DEFAULTS, f.time, f.scheduler, f.log);
        assertEquals(3, fifty.partitionFor("g"));
        assertEquals(24, fifty.partitionFor("console-consumer-1"));
        assertEquals(12, fifty.partitionFor("my-group"));
        assertEquals(12, fifty.partitionFor("test-group"));
        assertEquals(0, fifty.partitionFor("polygenelubricants"), "Kafka's abs maps Integer.MIN_VALUE to 0");
        assertEquals(3, coordinator.partitionFor("g"), "103 mod 4");
        assertEquals(2, coordinator.partitionFor("my-group"), "1906497762 mod 4");
    }

    @Test
    void offsetsExpireOnlyOnceTheCoordinatorIsStarted() {
        GroupCoordinator notStarted = new GroupCoordinator(CoordinatorFixture.CONFIG, f.time, f.scheduler, f.log);
        CoordinatorFixture.loadAll(notStarted);
        notStarted.commitOffsets(new CommitRequest("g", "", null, -1,
                List.of(new CommitRequest.Offset(ORDERS_0, 3, -1, "")))).join();
        f.time.advance(RETENTION_MS + CHECK_MS);
        assertEquals(3, notStarted.fetchOffsets("g", List.of(ORDERS_0), false).join().offsets().get(ORDERS_0).offset());

        notStarted.start();
        f.time.advance(CHECK_MS);

        assertTrue(notStarted.fetchOffsets("g", List.of(ORDERS_0), false).join().offsets().isEmpty());
    }

    @Test
    void everyEntryPointAnswersNotCoordinatorBeforeTheLoadAndLoadInProgressDuringIt() {
        assertEntryPointsAnswer(ErrorCode.NOT_COORDINATOR);
        long load = coordinator.beginLoad(coordinator.partitionFor("g"));
        assertEntryPointsAnswer(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
        coordinator.completeLoad(coordinator.partitionFor("g"), load);
        assertEquals(ErrorCode.NONE, coordinator.fetchOffsets("g", null, false).join().error());
    }

    private void assertEntryPointsAnswer(ErrorCode error) {
        assertEquals(error, coordinator.joinGroup(join("g", "", null, subscription("orders"))).join().error());
        assertEquals(error, coordinator.syncGroup(new SyncRequest("g", 1, "m", null, null, null, Map.of())).join().error());
        assertEquals(error == ErrorCode.COORDINATOR_LOAD_IN_PROGRESS ? ErrorCode.NONE : error,
                coordinator.heartbeat("g", "m", null, 1).join(), "a heartbeat during the load is answered NONE");
        assertEquals(error, coordinator.leaveGroup(new LeaveRequest("g", List.of(new LeaveRequest.Member("m", null))))
                .join().error());
        assertEquals(error, f.commit("g", "", -1, ORDERS_0, 1, "").errors().get(ORDERS_0));
        assertEquals(error, coordinator.fetchOffsets("g", null, false).join().error());
        assertEquals(error, coordinator.describeGroups(List.of("g")).get(0).error());
        assertEquals(error, coordinator.deleteGroups(List.of("g")).join().get("g"));
        assertEquals(error, coordinator.deleteOffsets("g", List.of(ORDERS_0)).join().error());
        assertTrue(coordinator.listGroups(Set.of(), Set.of()).isEmpty());
        assertEquals(0, f.log.appends, "nothing is written for a group this coordinator does not serve");
    }

    @Test
    void listGroupsReportsALoadInProgressAndLeavesOutPartitionsNotLoaded() {
        int p = coordinator.partitionFor("g");
        long load = coordinator.beginLoad(p);
        coordinator.replay(p, load, new CoordinatorRecord(OffsetsTopicFormat.offsetKey("g", ORDERS_0),
                OffsetsTopicFormat.offsetValue(new CommittedOffset(1, -1, "", 0))));
        assertTrue(coordinator.isLoadInProgress());
        assertTrue(coordinator.listGroups(Set.of(), Set.of()).isEmpty(), "a loading partition's groups are not listed");
        coordinator.completeLoad(p, load);
        assertFalse(coordinator.isLoadInProgress());
        assertEquals(List.of("g"), coordinator.listGroups(Set.of(), Set.of()).stream().map(GroupListing::groupId).toList());
        assertNotEquals(p, coordinator.partitionFor("other"));
        assertEquals(ErrorCode.NOT_COORDINATOR, coordinator.fetchOffsets("other", null, false).join().error());
    }

    @Test
    void replayOfTheWrittenRecordsRebuildsGroupsMembersAndOffsets() {
        f.loadAll();
        JoinResult[] two = f.stableGroupOfTwo("g", "i-a", null, "orders");
        f.commit("g", two[0].memberId(), two[0].generationId(), ORDERS_0, 10, "ten");
        f.commit("simple", "", -1, AUDIT_0, 20, "");

        GroupCoordinator fresh = f.reloaded();

        ClassicGroup group = fresh.group("g");
        assertEquals(GroupState.STABLE, group.state());
        assertEquals(two[0].generationId(), group.generationId());
        assertEquals(two[0].memberId(), group.leaderId());
        assertEquals("range", group.protocolName());
        assertEquals("consumer", group.protocolType());
        assertEquals(two[0].memberId(), group.staticMemberId("i-a"));
        assertArrayEquals(bytes("A"), group.member(two[0].memberId()).assignment());
        assertArrayEquals(bytes("B"), group.member(two[1].memberId()).assignment());
        assertEquals(SESSION_MS, group.member(two[1].memberId()).sessionTimeoutMs());
        assertEquals(f.coordinator.fetchOffsets("g", null, false).join(), fresh.fetchOffsets("g", null, false).join());
        assertEquals(20, fresh.fetchOffsets("simple", List.of(AUDIT_0), false).join().offsets().get(AUDIT_0).offset());
        assertEquals(GroupState.EMPTY, fresh.group("simple").state());

        assertEquals(ErrorCode.NONE, fresh.heartbeat("g", two[1].memberId(), null, two[1].generationId()).join(),
                "a restored member keeps going without a rebalance");
        SyncResult again = fresh.syncGroup(new SyncRequest("g", two[1].generationId(), two[1].memberId(), null,
                "consumer", "range", Map.of())).join();
        assertArrayEquals(bytes("B"), again.assignment());
    }

    @Test
    void completeLoadArmsTheSessionTimeoutOfRestoredMembers() {
        f.loadAll();
        JoinResult[] two = f.stableGroupOfTwo("g", null, null, "orders");
        GroupCoordinator fresh = f.reloaded();
        for (int i = 0; i < 3; i++) {
            f.time.advance(SESSION_MS / 2);
            fresh.heartbeat("g", two[0].memberId(), null, two[0].generationId());
        }
        assertTrue(fresh.group("g").has(two[0].memberId()));
        assertFalse(fresh.group("g").has(two[1].memberId()), "a member that never came back is removed");
        assertEquals(GroupState.PREPARING_REBALANCE, fresh.group("g").state());
    }

    @Test
    void leadersSyncAnswersOnlyAfterTheGroupIsWritten() {
        f.loadAll();
        JoinResult joined = done(coordinator.joinGroup(join("g", "", null, subscription("orders"))));
        f.log.hold(true);
        CompletableFuture<SyncResult> sync = coordinator.syncGroup(new SyncRequest("g", joined.generationId(),
                joined.memberId(), null, "consumer", "range", Map.of(joined.memberId(), bytes("p0"))));
        assertFalse(sync.isDone());
        assertEquals(GroupState.COMPLETING_REBALANCE, coordinator.group("g").state());

        f.log.completeHeld();

        assertArrayEquals(bytes("p0"), sync.join().assignment());
        assertEquals(GroupState.STABLE, coordinator.group("g").state());
        OffsetsTopicFormat.GroupMetadata written = OffsetsTopicFormat.decodeGroupValue(
                f.log.written(coordinator.partitionFor("g")).get(0).value());
        assertEquals(joined.generationId(), written.generation());
        assertArrayEquals(bytes("p0"), written.members().get(0).assignment());
    }

    @Test
    void failedGroupWriteAnswersEveryWaitingMemberAndStartsARebalance() {
        f.loadAll();
        String aId = done(coordinator.joinGroup(join("g", "", null, subscription("orders")))).memberId();
        CompletableFuture<JoinResult> b = coordinator.joinGroup(join("g", "", null, subscription("orders")));
        JoinResult leader = done(coordinator.joinGroup(join("g", aId, null, subscription("orders"))));
        JoinResult follower = done(b);
        CompletableFuture<SyncResult> followerSync = coordinator.syncGroup(new SyncRequest("g",
                follower.generationId(), follower.memberId(), null, null, null, Map.of()));
        f.log.failWith(ErrorCode.NOT_ENOUGH_REPLICAS);

        SyncResult leaderSync = coordinator.syncGroup(new SyncRequest("g", leader.generationId(), leader.memberId(),
                null, null, null, Map.of(leader.memberId(), bytes("A"), follower.memberId(), bytes("B")))).join();

        assertEquals(ErrorCode.COORDINATOR_NOT_AVAILABLE, leaderSync.error());
        assertEquals(ErrorCode.COORDINATOR_NOT_AVAILABLE, followerSync.join().error());
        assertEquals(GroupState.PREPARING_REBALANCE, coordinator.group("g").state());
        assertEquals(0, coordinator.group("g").member(follower.memberId()).assignment().length);
        assertEquals(ErrorCode.REBALANCE_IN_PROGRESS,
                coordinator.heartbeat("g", follower.memberId(), null, follower.generationId()).join());
    }

    @Test
    void rebalanceEndingWithoutMembersWritesTheEmptyGroup() {
        f.loadAll();
        JoinResult member = f.stableGroupOfOne("g", null, "orders");
        coordinator.leaveGroup(new LeaveRequest("g", List.of(new LeaveRequest.Member(member.memberId(), null))));
        assertEquals(GroupState.EMPTY, coordinator.group("g").state());

        GroupCoordinator fresh = f.reloaded();

        ClassicGroup restored = fresh.group("g");
        assertEquals(GroupState.EMPTY, restored.state());
        assertEquals(member.generationId() + 1, restored.generationId());
        assertEquals(0, restored.size());
        assertEquals("consumer", restored.protocolType(), "an Empty group keeps its protocol type, as in Kafka");
    }

    @Test
    void staticMemberReplacedInStableIsWrittenWithItsNewId() {
        f.loadAll();
        f.stableGroupOfOne("g", "i-1", "orders");
        JoinResult replaced = done(coordinator.joinGroup(join("g", "", "i-1", subscription("orders"))));
        assertEquals(ErrorCode.NONE, replaced.error());
        assertEquals(replaced.memberId(), f.reloaded().group("g").staticMemberId("i-1"));
    }

    @Test
    void failedWriteOfAStaticReplacementRestoresTheOldMember() {
        f.loadAll();
        JoinResult first = f.stableGroupOfOne("g", "i-1", "orders");
        f.log.failWith(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        JoinResult replaced = done(coordinator.joinGroup(join("g", "", "i-1", subscription("orders"))));
        assertEquals(ErrorCode.NOT_COORDINATOR, replaced.error());
        assertEquals(first.memberId(), coordinator.group("g").staticMemberId("i-1"));
        f.log.failWith(null);
        assertEquals(ErrorCode.NONE, coordinator.heartbeat("g", first.memberId(), "i-1", first.generationId()).join());
    }

    @Test
    void tombstonesReplayedAtLoadRemoveOffsetsAndGroups() {
        f.loadAll();
        f.commit("gone", "", -1, ORDERS_0, 1, "");
        f.commit("kept", "", -1, ORDERS_0, 2, "");
        f.commit("kept", "", -1, AUDIT_0, 3, "");
        coordinator.deleteGroups(List.of("gone")).join();
        coordinator.deleteOffsets("kept", List.of(AUDIT_0)).join();

        GroupCoordinator fresh = f.reloaded();

        assertNull(fresh.group("gone"));
        assertEquals(Set.of(ORDERS_0), fresh.fetchOffsets("kept", null, false).join().offsets().keySet());
    }

    @Test
    void unloadAnswersWaitingMembersNotCoordinatorAndForgetsThePartitionsGroups() {
        f.loadAll();
        JoinResult[] two = f.stableGroupOfTwo("g", null, null, "orders");
        f.commit("g", two[0].memberId(), two[0].generationId(), ORDERS_0, 4, "");
        CompletableFuture<JoinResult> rejoin = coordinator.joinGroup(join("g", two[0].memberId(), null,
                subscription("orders", "audit")));
        assertFalse(rejoin.isDone());
        ClassicGroup before = coordinator.group("g");

        coordinator.unload(coordinator.partitionFor("g"));

        assertEquals(ErrorCode.NOT_COORDINATOR, rejoin.join().error());
        assertEquals(GroupState.DEAD, before.state());
        assertNull(coordinator.group("g"));
        assertEquals(ErrorCode.NOT_COORDINATOR, coordinator.fetchOffsets("g", null, false).join().error());
        assertTrue(coordinator.listGroups(Set.of(), Set.of()).isEmpty());
        f.time.advance(SESSION_MS * 3);
        assertNull(coordinator.group("g"), "timers of an unloaded group do nothing");
    }

    @Test
    void writeCompletingAfterAnUnloadIsNotAppliedAndAnswersNotCoordinator() {
        f.loadAll();
        f.log.hold(true);
        CompletableFuture<CommitResult> pending = coordinator.commitOffsets(new CommitRequest("simple", "", null, -1,
                List.of(new CommitRequest.Offset(ORDERS_0, 5, -1, ""))));
        int partition = coordinator.partitionFor("simple");
        coordinator.unload(partition);
        coordinator.completeLoad(partition, coordinator.beginLoad(partition));

        f.log.completeHeld();

        assertEquals(ErrorCode.NOT_COORDINATOR, pending.join().errors().get(ORDERS_0));
        assertNull(coordinator.group("simple"));
    }

    @Test
    void aLoadInterruptedByAnUnloadAppliesNothingAndDoesNotServeThePartition() {
        int p = coordinator.partitionFor("g");
        long load = coordinator.beginLoad(p);
        coordinator.unload(p);
        coordinator.replay(p, load, new CoordinatorRecord(OffsetsTopicFormat.offsetKey("g", ORDERS_0),
                OffsetsTopicFormat.offsetValue(new CommittedOffset(1, -1, "", 0))));
        coordinator.completeLoad(p, load);
        assertNull(coordinator.group("g"));
        assertEquals(ErrorCode.NOT_COORDINATOR, coordinator.fetchOffsets("g", null, false).join().error());
    }

    @Test
    void aLoaderOfAnEarlierLeadershipCannotRollOffsetsBackNorCompleteTheCurrentLoad() {
        f.loadAll();
        f.commit("g", "", -1, ORDERS_0, 5, "");
        f.commit("g", "", -1, ORDERS_0, 9, "");
        int p = coordinator.partitionFor("g");
        List<CoordinatorRecord> records = f.log.written(p);
        GroupCoordinator fresh = new GroupCoordinator(CoordinatorFixture.CONFIG, f.time, f.scheduler, f.log);
        long stale = fresh.beginLoad(p);
        fresh.unload(p);
        long current = fresh.beginLoad(p);
        fresh.replay(p, current, records.get(0));
        fresh.replay(p, current, records.get(1));

        fresh.replay(p, stale, records.get(0));
        fresh.completeLoad(p, stale);

        assertEquals(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, fresh.fetchOffsets("g", null, false).join().error());
        fresh.completeLoad(p, current);
        assertEquals(9, fresh.fetchOffsets("g", List.of(ORDERS_0), false).join().offsets().get(ORDERS_0).offset());
    }

    @Test
    void undecodableAndUnknownRecordsAreSkippedAtLoad() {
        int p = coordinator.partitionFor("g");
        long load = coordinator.beginLoad(p);
        Writer unknown = new Writer();
        unknown.int16(5);
        unknown.string("g", false);
        coordinator.replay(p, load, new CoordinatorRecord(unknown.bytes(), new byte[] {1, 2}));
        coordinator.replay(p, load, new CoordinatorRecord(OffsetsTopicFormat.offsetKey("g", ORDERS_0), new byte[] {0}));
        coordinator.completeLoad(p, load);
        assertNull(coordinator.group("g"));
    }

    @Test
    void aCorruptGroupRecordIsSkippedAndTheLoadCompletes() {
        int p = coordinator.partitionFor("g");
        long load = coordinator.beginLoad(p);
        Writer corrupt = new Writer();
        corrupt.int16(3);
        corrupt.string("consumer", false);
        corrupt.int32(1);
        corrupt.nullableString(null, false);
        corrupt.nullableString(null, false);
        corrupt.int64(0);
        corrupt.int32(Integer.MAX_VALUE);
        coordinator.replay(p, load, new CoordinatorRecord(OffsetsTopicFormat.groupKey("g"), corrupt.bytes()));
        coordinator.replay(p, load, new CoordinatorRecord(OffsetsTopicFormat.offsetKey("g", ORDERS_0),
                OffsetsTopicFormat.offsetValue(new CommittedOffset(4, -1, "", 0))));
        coordinator.completeLoad(p, load);

        assertEquals(4, f.fetched("g", ORDERS_0).offset());
        assertEquals(GroupState.EMPTY, coordinator.group("g").state());
    }

    @Test
    void offsetsOfAnEmptyConsumerGroupExpireRetentionAfterItBecameEmptyAndTheGroupGoes() {
        f.loadAll();
        JoinResult member = f.stableGroupOfOne("g", null, "orders");
        f.commit("g", member.memberId(), member.generationId(), ORDERS_0, 1, "");
        f.time.advance(RETENTION_MS);
        coordinator.heartbeat("g", member.memberId(), null, member.generationId());
        assertNotNull(f.fetched("g", ORDERS_0), "a Stable group keeps offsets of topics it subscribes to");
        coordinator.leaveGroup(new LeaveRequest("g", List.of(new LeaveRequest.Member(member.memberId(), null))));

        f.time.advance(RETENTION_MS - CHECK_MS);
        assertNotNull(f.fetched("g", ORDERS_0), "retention counts from when the group became Empty");
        f.time.advance(CHECK_MS);

        assertNull(f.fetched("g", ORDERS_0));
        assertNull(coordinator.group("g"), "an Empty group left without offsets is deleted");
        assertNull(f.reloaded().group("g"));
    }

    @Test
    void offsetsOfASimpleGroupExpireRetentionAfterTheirCommit() {
        f.loadAll();
        f.commit("simple", "", -1, ORDERS_0, 1, "");
        f.time.advance(RETENTION_MS / 2);
        f.commit("simple", "", -1, AUDIT_0, 2, "");
        f.time.advance(RETENTION_MS / 2);
        assertNull(f.fetched("simple", ORDERS_0));
        assertNotNull(f.fetched("simple", AUDIT_0));
        assertNotNull(coordinator.group("simple"));
        f.time.advance(RETENTION_MS / 2);
        assertNull(coordinator.group("simple"));
    }

    @Test
    void anOffsetWithACommitInFlightDoesNotExpire() {
        f.loadAll();
        f.commit("simple", "", -1, ORDERS_0, 1, "");
        f.time.advance(RETENTION_MS - CHECK_MS);
        f.log.hold(true);
        CompletableFuture<CommitResult> pending = coordinator.commitOffsets(new CommitRequest("simple", "", null, -1,
                List.of(new CommitRequest.Offset(ORDERS_0, 2, -1, ""))));
        f.time.advance(CHECK_MS);
        f.log.completeHeld();
        assertEquals(ErrorCode.NONE, pending.join().errors().get(ORDERS_0));
        assertEquals(2, f.fetched("simple", ORDERS_0).offset());
        assertEquals(2, f.reloaded().fetchOffsets("simple", null, false).join().offsets().get(ORDERS_0).offset());
    }

    @Test
    void stableConsumerGroupLosesOnlyOffsetsOfTopicsNoMemberSubscribesTo() {
        f.loadAll();
        JoinResult member = f.stableGroupOfOne("g", null, "orders");
        f.commit("g", member.memberId(), member.generationId(), ORDERS_0, 1, "");
        f.commit("g", member.memberId(), member.generationId(), AUDIT_0, 2, "");
        for (long t = 0; t < RETENTION_MS; t += SESSION_MS / 2) {
            f.time.advance(SESSION_MS / 2);
            coordinator.heartbeat("g", member.memberId(), null, member.generationId());
        }
        assertNotNull(f.fetched("g", ORDERS_0));
        assertNull(f.fetched("g", AUDIT_0));
        assertEquals(GroupState.STABLE, coordinator.group("g").state());
    }

    @Test
    void offsetsLeftWithoutAGroupExpireRetentionAfterTheirCommit() {
        int p = coordinator.partitionFor("g");
        f.loadAll();
        long load = coordinator.beginLoad(p);
        coordinator.replay(p, load, new CoordinatorRecord(OffsetsTopicFormat.offsetKey("g", ORDERS_0),
                OffsetsTopicFormat.offsetValue(new CommittedOffset(3, -1, "", f.time.milliseconds()))));
        coordinator.replay(p, load, new CoordinatorRecord(OffsetsTopicFormat.groupKey("g"), null));
        coordinator.completeLoad(p, load);
        assertNull(coordinator.group("g"));
        assertEquals(3, f.fetched("g", ORDERS_0).offset());

        f.time.advance(RETENTION_MS + CHECK_MS);

        assertNull(f.fetched("g", ORDERS_0));
        assertNull(f.reloaded().fetchOffsets("g", List.of(ORDERS_0), false).join().offsets().get(ORDERS_0));
    }

    @Test
    void aGroupWhoseExpiryIsBeingWrittenRefusesJoinsUntilItIsGone() {
        f.loadAll();
        f.commit("g", "", -1, ORDERS_0, 3, "");
        f.log.hold(true);
        f.time.advance(RETENTION_MS + CHECK_MS);

        assertEquals(ErrorCode.COORDINATOR_NOT_AVAILABLE,
                coordinator.joinGroup(join("g", "", null, subscription("orders"))).join().error());
        f.log.completeHeld();
        f.log.hold(false);

        assertNull(coordinator.group("g"));
        assertEquals(ErrorCode.NONE, done(coordinator.joinGroup(join("g", "", null, subscription("orders")))).error());
    }

    @Test
    void explicitExpireTimestampOfAVersionOneValueIsHonoured() {
        int p = coordinator.partitionFor("old");
        f.loadAll();
        long load = coordinator.beginLoad(p);
        Writer v1 = new Writer();
        v1.int16(1);
        v1.int64(8);
        v1.string("", false);
        v1.int64(f.time.milliseconds());
        v1.int64(f.time.milliseconds() + CHECK_MS);
        coordinator.replay(p, load, new CoordinatorRecord(OffsetsTopicFormat.offsetKey("old", ORDERS_0), v1.bytes()));
        coordinator.completeLoad(p, load);
        assertEquals(8, f.fetched("old", ORDERS_0).offset());
        f.time.advance(CHECK_MS);
        assertNull(f.fetched("old", ORDERS_0));
    }

    @Test
    void heartbeatWhileTheGroupsPartitionLoadsAnswersNoneAsKafka() {
        int p = coordinator.partitionFor("g");
        long load = coordinator.beginLoad(p);

        assertEquals(ErrorCode.NONE, coordinator.heartbeat("g", "unknown-member", null, 7).join());

        coordinator.completeLoad(p, load);
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, coordinator.heartbeat("g", "unknown-member", null, 7).join());
    }

    @Test
    void commitWithARetentionTimeWritesAVersionOneValueThatExpiresAtCommitTimePlusIt() {
        f.loadAll();
        long committedAt = f.time.milliseconds();
        CommitResult result = coordinator.commitOffsets(new CommitRequest("g", "", null, -1,
                List.of(new CommitRequest.Offset(ORDERS_0, 5, 2, "m")), 2 * CHECK_MS)).join();
        assertEquals(ErrorCode.NONE, result.errors().get(ORDERS_0));
        byte[] value = f.log.written(coordinator.partitionFor("g")).get(0).value();
        assertEquals(1, (value[0] << 8) | value[1], "value version");
        OffsetsTopicFormat.OffsetValue decoded = OffsetsTopicFormat.decodeOffsetValue(value);
        assertEquals(committedAt + 2 * CHECK_MS, decoded.expireTimestampMs());
        assertEquals(5, decoded.offset().offset());
        assertEquals("m", decoded.offset().metadata());

        f.time.advance(CHECK_MS);
        assertEquals(5, f.fetched("g", ORDERS_0).offset());
        f.time.advance(CHECK_MS);

        assertNull(f.fetched("g", ORDERS_0), "expired long before offsets.retention.minutes");
        assertNull(coordinator.group("g"));
    }

    @Test
    void commitWithoutARetentionTimeWritesVersionThreeAndKeepsTheRetentionSetting() {
        f.loadAll();
        f.commit("g", "", -1, ORDERS_0, 5, "");
        byte[] value = f.log.written(coordinator.partitionFor("g")).get(0).value();
        assertEquals(3, (value[0] << 8) | value[1]);
        f.time.advance(RETENTION_MS - CHECK_MS);
        assertEquals(5, f.fetched("g", ORDERS_0).offset());
    }

    @Test
    void partitionCountCanChangeBeforeTheFirstLoadOnly() {
        assertEquals(3, coordinator.partitionFor("g"), "103 mod 4");
        coordinator.setPartitionCount(50);
        assertEquals(50, coordinator.partitionCount());
        assertEquals(12, coordinator.partitionFor("my-group"), "1906497762 mod 50");
        coordinator.completeLoad(49, coordinator.beginLoad(49));

        assertThrows(IllegalStateException.class, () -> coordinator.setPartitionCount(4));
        coordinator.setPartitionCount(50);
        assertThrows(IllegalArgumentException.class, () -> coordinator.beginLoad(50),
                "no group maps to a partition beyond the count");
    }
}
