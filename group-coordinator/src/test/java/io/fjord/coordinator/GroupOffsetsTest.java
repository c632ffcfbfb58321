package io.fjord.coordinator;

import io.fjord.protocol.ErrorCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static io.fjord.coordinator.CoordinatorFixture.SESSION_MS;
import static io.fjord.coordinator.CoordinatorFixture.done;
import static io.fjord.coordinator.CoordinatorFixture.join;
import static io.fjord.coordinator.CoordinatorFixture.subscription;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OffsetCommit / OffsetFetch / DescribeGroups / ListGroups / DeleteGroups / OffsetDelete rules. */
class GroupOffsetsTest {
    private static final TopicPartitionRef ORDERS_0 = new TopicPartitionRef("orders", 0);
    private static final TopicPartitionRef ORDERS_1 = new TopicPartitionRef("orders", 1);
    private static final TopicPartitionRef AUDIT_0 = new TopicPartitionRef("audit", 0);

    private final CoordinatorFixture f = new CoordinatorFixture();
    private final GroupCoordinator coordinator = f.coordinator;

    @BeforeEach
    void load() {
        f.loadAll();
    }

    @Test
    void commitFromOutsideTheGroupCreatesAnEmptyGroupAndFetchReturnsTheOffset() {
        assertEquals(Map.of(ORDERS_0, ErrorCode.NONE), f.commit("simple", "", -1, ORDERS_0, 42, "m").errors());

        CommittedOffset stored = f.fetched("simple", ORDERS_0);
        assertEquals(new CommittedOffset(42, -1, "m", f.time.milliseconds()), stored);
        assertEquals(GroupState.EMPTY, coordinator.group("simple").state());
        assertEquals(List.of(new GroupListing("simple", "", "Empty", "classic")), coordinator.listGroups(Set.of(), Set.of()));
    }

    @Test
    void fetchOfAnUnknownGroupHasNoOffsetsAndNoError() {
        FetchOffsetsResult result = coordinator.fetchOffsets("nobody", List.of(ORDERS_0), false).join();
        assertEquals(ErrorCode.NONE, result.error());
        assertTrue(result.offsets().isEmpty());
    }

    @Test
    void fetchWithoutPartitionsReturnsEveryCommittedOffset() {
        f.commit("simple", "", -1, ORDERS_0, 1, null);
        f.commit("simple", "", -1, AUDIT_0, 2, null);
        Map<TopicPartitionRef, CommittedOffset> all = coordinator.fetchOffsets("simple", null, true).join().offsets();
        assertEquals(Set.of(ORDERS_0, AUDIT_0), all.keySet());
        assertEquals("", all.get(ORDERS_0).metadata(), "null metadata is stored as the empty string");
        Map<TopicPartitionRef, CommittedOffset> asked = coordinator.fetchOffsets("simple", List.of(AUDIT_0, ORDERS_1),
                false).join().offsets();
        assertEquals(Set.of(AUDIT_0), asked.keySet(), "a partition without a commit is left to the handler (-1)");
    }

    @Test
    void memberCommitWithCurrentGenerationIsStored() {
        JoinResult member = f.stableGroupOfOne("g", null, "orders");
        assertEquals(ErrorCode.NONE, f.commit("g", member.memberId(), member.generationId(), ORDERS_0, 5, "").errors()
                .get(ORDERS_0));
        assertEquals(5, f.fetched("g", ORDERS_0).offset());
    }

    @Test
    void commitWithWrongGenerationIsIllegalGenerationAndStoresNothing() {
        JoinResult member = f.stableGroupOfOne("g", null, "orders");
        assertEquals(ErrorCode.ILLEGAL_GENERATION,
                f.commit("g", member.memberId(), member.generationId() + 1, ORDERS_0, 5, "").errors().get(ORDERS_0));
        assertNull(f.fetched("g", ORDERS_0));
    }

    @Test
    void commitFromUnknownMemberOrFromOutsideANonEmptyGroupIsUnknownMemberId() {
        JoinResult member = f.stableGroupOfOne("g", null, "orders");
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, f.commit("g", "ghost", member.generationId(), ORDERS_0, 5, "")
                .errors().get(ORDERS_0));
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, f.commit("g", "", -1, ORDERS_0, 5, "").errors().get(ORDERS_0));
        assertNull(f.fetched("g", ORDERS_0));
    }

    @Test
    void commitWithAStaleStaticMemberIdIsFenced() {
        JoinResult first = f.stableGroupOfOne("g", "i-1", "orders");
        JoinResult replaced = done(coordinator.joinGroup(join("g", "", "i-1", subscription("orders"))));
        assertEquals(ErrorCode.NONE, replaced.error());
        CommitResult result = coordinator.commitOffsets(new CommitRequest("g", first.memberId(), "i-1",
                first.generationId(), List.of(new CommitRequest.Offset(ORDERS_0, 1, -1, "")))).join();
        assertEquals(ErrorCode.FENCED_INSTANCE_ID, result.errors().get(ORDERS_0));
    }

    @Test
    void commitToAnUnknownGroupWithAGenerationIsIllegalGeneration() {
        assertEquals(ErrorCode.ILLEGAL_GENERATION, f.commit("nogroup", "m", 3, ORDERS_0, 1, "").errors().get(ORDERS_0));
        assertNull(coordinator.group("nogroup"));
    }

    @Test
    void fromVersionNineACommitWithAGenerationToAnUnknownGroupIsGroupIdNotFound() {
        CommitRequest request = new CommitRequest("nogroup", "m", null, 3,
                List.of(new CommitRequest.Offset(ORDERS_0, 1, -1, "")));
        assertEquals(ErrorCode.GROUP_ID_NOT_FOUND, coordinator.commitOffsets(request, 9).join().errors().get(ORDERS_0));
        assertEquals(ErrorCode.ILLEGAL_GENERATION, coordinator.commitOffsets(request, 8).join().errors().get(ORDERS_0));
    }

    @Test
    void offsetDeleteTreatsAConsumerGroupWithAnUndecodableSubscriptionAsSubscribed() {
        JoinResult member = done(coordinator.joinGroup(join("g", "", null, new byte[] {1})));
        coordinator.syncGroup(new SyncRequest("g", member.generationId(), member.memberId(), null, null, null, Map.of()));
        assertEquals(GroupState.STABLE, coordinator.group("g").state());
        assertEquals(Map.of(AUDIT_0, ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC),
                coordinator.deleteOffsets("g", List.of(AUDIT_0)).join().partitions());
    }

    @Test
    void commitDuringCompletingRebalanceIsRebalanceInProgress() {
        JoinResult joined = done(coordinator.joinGroup(join("g", "", null, subscription("orders"))));
        assertEquals(GroupState.COMPLETING_REBALANCE, coordinator.group("g").state());
        assertEquals(ErrorCode.REBALANCE_IN_PROGRESS,
                f.commit("g", joined.memberId(), joined.generationId(), ORDERS_0, 1, "").errors().get(ORDERS_0));
    }

    @Test
    void commitFromAMemberCountsAsItsHeartbeat() {
        JoinResult member = f.stableGroupOfOne("g", null, "orders");
        for (int i = 0; i < 4; i++) {
            f.time.advance(SESSION_MS / 2);
            f.commit("g", member.memberId(), member.generationId(), ORDERS_0, i, "");
        }
        assertTrue(coordinator.group("g").has(member.memberId()));
        f.time.advance(SESSION_MS);
        assertFalse(coordinator.group("g").has(member.memberId()));
    }

    @Test
    void oversizedMetadataIsRejectedForItsPartitionWhileOthersAreStored() {
        CommitResult result = coordinator.commitOffsets(new CommitRequest("simple", "", null, -1, List.of(
                new CommitRequest.Offset(ORDERS_0, 1, -1, "x".repeat(17)),
                new CommitRequest.Offset(ORDERS_1, 2, 3, "x".repeat(16))))).join();
        assertEquals(Map.of(ORDERS_0, ErrorCode.OFFSET_METADATA_TOO_LARGE, ORDERS_1, ErrorCode.NONE), result.errors());
        assertNull(f.fetched("simple", ORDERS_0));
        assertEquals(new CommittedOffset(2, 3, "x".repeat(16), f.time.milliseconds()), f.fetched("simple", ORDERS_1));
    }

    @Test
    void commitAnswersOnlyOnceItsRecordIsAppendedAndIsInvisibleUntilThen() {
        f.commit("simple", "", -1, ORDERS_0, 1, "");
        f.log.hold(true);
        CompletableFuture<CommitResult> pending = coordinator.commitOffsets(new CommitRequest("simple", "", null, -1,
                List.of(new CommitRequest.Offset(ORDERS_0, 2, -1, ""))));
        assertFalse(pending.isDone());
        assertEquals(1, f.fetched("simple", ORDERS_0).offset());

        f.log.completeHeld();

        assertEquals(ErrorCode.NONE, pending.join().errors().get(ORDERS_0));
        assertEquals(2, f.fetched("simple", ORDERS_0).offset());
    }

    @Test
    void failedAppendAnswersTheMappedErrorAndKeepsThePreviousOffset() {
        f.commit("simple", "", -1, ORDERS_0, 7, "");
        f.log.failWith(ErrorCode.NOT_ENOUGH_REPLICAS);
        assertEquals(ErrorCode.COORDINATOR_NOT_AVAILABLE, f.commit("simple", "", -1, ORDERS_0, 9, "").errors().get(ORDERS_0));
        f.log.failWith(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        assertEquals(ErrorCode.NOT_COORDINATOR, f.commit("simple", "", -1, ORDERS_0, 9, "").errors().get(ORDERS_0));
        f.log.failWith(ErrorCode.RECORD_LIST_TOO_LARGE);
        assertEquals(ErrorCode.UNKNOWN_SERVER_ERROR, f.commit("simple", "", -1, ORDERS_0, 9, "").errors().get(ORDERS_0));
        assertEquals(7, f.fetched("simple", ORDERS_0).offset(), "no committed offset is lost on a failed write");
    }

    @Test
    void writeErrorsAreMappedAsKafkaDoes() {
        assertEquals(ErrorCode.COORDINATOR_NOT_AVAILABLE,
                WriteErrors.map(new io.fjord.protocol.ApiException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "")));
        assertEquals(ErrorCode.COORDINATOR_NOT_AVAILABLE, WriteErrors.map(
                new io.fjord.protocol.ApiException(ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND, "")));
        assertEquals(ErrorCode.COORDINATOR_NOT_AVAILABLE,
                WriteErrors.map(new io.fjord.protocol.ApiException(ErrorCode.REQUEST_TIMED_OUT, "")));
        assertEquals(ErrorCode.NOT_COORDINATOR, WriteErrors.map(new java.util.concurrent.CompletionException(
                new io.fjord.protocol.ApiException(ErrorCode.KAFKA_STORAGE_ERROR, ""))));
        assertEquals(ErrorCode.UNKNOWN_SERVER_ERROR,
                WriteErrors.map(new io.fjord.protocol.ApiException(ErrorCode.MESSAGE_TOO_LARGE, "")));
        assertEquals(ErrorCode.UNKNOWN_SERVER_ERROR,
                WriteErrors.map(new io.fjord.protocol.ApiException(ErrorCode.INVALID_FETCH_SIZE, "")));
        assertEquals(ErrorCode.UNKNOWN_SERVER_ERROR, WriteErrors.map(new IllegalStateException()));
    }

    @Test
    void emptyGroupIdCommitsAndFetchesLikeAnyOtherWhileNullIsInvalid() {
        assertEquals(ErrorCode.NONE, f.commit("", "", -1, ORDERS_0, 1, "").errors().get(ORDERS_0));
        assertEquals(1, f.fetched("", ORDERS_0).offset());
        assertEquals(ErrorCode.INVALID_GROUP_ID, f.commit(null, "", -1, ORDERS_0, 1, "").errors().get(ORDERS_0));
        assertEquals(ErrorCode.INVALID_GROUP_ID, coordinator.fetchOffsets(null, null, false).join().error());
    }

    @Test
    void describeShowsProtocolMetadataAndAssignmentOnlyWhenStable() {
        JoinResult member = f.stableGroupOfOne("g", "i-1", "orders");
        GroupDescription stable = coordinator.describeGroups(List.of("g")).get(0);
        assertEquals(ErrorCode.NONE, stable.error());
        assertEquals("Stable", stable.state());
        assertEquals("consumer", stable.protocolType());
        assertEquals("range", stable.protocolName());
        GroupDescription.Member m = stable.members().get(0);
        assertEquals(member.memberId(), m.memberId());
        assertEquals("i-1", m.groupInstanceId());
        assertEquals("client", m.clientId());
        assertEquals("/127.0.0.1", m.clientHost());
        assertEquals(List.of("orders"), OffsetsTopicFormat.subscribedTopics(m.metadata()));
        assertEquals("assigned", new String(m.assignment()));

        coordinator.joinGroup(join("g", member.memberId(), "i-1", subscription("orders", "audit")));
        GroupDescription rebalancing = coordinator.describeGroups(List.of("g")).get(0);
        assertEquals("CompletingRebalance", rebalancing.state());
        assertEquals("", rebalancing.protocolName());
        assertEquals(0, rebalancing.members().get(0).metadata().length);
        assertEquals(0, rebalancing.members().get(0).assignment().length);
    }

    @Test
    void describeOfAnUnknownGroupIsDeadWithoutError() {
        GroupDescription unknown = coordinator.describeGroups(List.of("nobody")).get(0);
        assertEquals(new GroupDescription("nobody", ErrorCode.NONE, "Dead", "", "", List.of()), unknown);
    }

    @Test
    void listFiltersByStateCaseInsensitivelyAndByType() {
        f.stableGroupOfOne("g", null, "orders");
        f.commit("simple", "", -1, ORDERS_0, 1, "");
        assertEquals(Set.of("g", "simple"), ids(coordinator.listGroups(Set.of(), Set.of())));
        assertEquals(Set.of("g"), ids(coordinator.listGroups(Set.of("STABLE"), Set.of())));
        assertEquals(Set.of("simple"), ids(coordinator.listGroups(Set.of("empty", "dead"), Set.of())));
        assertEquals(Set.of("g", "simple"), ids(coordinator.listGroups(Set.of(), Set.of("Classic"))));
        assertEquals(Set.of(), ids(coordinator.listGroups(Set.of(), Set.of("consumer"))));
        GroupListing g = coordinator.listGroups(Set.of("Stable"), Set.of()).get(0);
        assertEquals(new GroupListing("g", "consumer", "Stable", "classic"), g);
    }

    private static Set<String> ids(List<GroupListing> listings) {
        return Set.copyOf(listings.stream().map(GroupListing::groupId).toList());
    }

    @Test
    void deleteGroupsAnswersPerGroupAndRemovesAnEmptyGroupWithItsOffsets() {
        f.stableGroupOfOne("busy", null, "orders");
        f.commit("idle", "", -1, ORDERS_0, 3, "");
        f.commit("idle", "", -1, AUDIT_0, 4, "");

        Map<String, ErrorCode> result = coordinator.deleteGroups(List.of("busy", "idle", "nobody")).join();

        assertEquals(Map.of("busy", ErrorCode.NON_EMPTY_GROUP, "idle", ErrorCode.NONE,
                "nobody", ErrorCode.GROUP_ID_NOT_FOUND), result);
        assertNull(coordinator.group("idle"));
        assertTrue(coordinator.fetchOffsets("idle", null, false).join().offsets().isEmpty());
        assertEquals("Dead", coordinator.describeGroups(List.of("idle")).get(0).state());
        List<CoordinatorRecord> last = f.log.batches().get(f.log.batches().size() - 1).records();
        assertEquals(3, last.size(), "two offset tombstones and a group tombstone in one batch");
        assertTrue(last.stream().allMatch(r -> r.value() == null));
        assertEquals(new OffsetsTopicFormat.GroupKey("idle"), OffsetsTopicFormat.decodeKey(last.get(2).key()));
        assertEquals(ErrorCode.GROUP_ID_NOT_FOUND, coordinator.deleteGroups(List.of("idle")).join().get("idle"));
    }

    @Test
    void failedDeleteKeepsTheGroupAndItsOffsets() {
        f.commit("idle", "", -1, ORDERS_0, 3, "");
        f.log.failWith(ErrorCode.KAFKA_STORAGE_ERROR);
        assertEquals(ErrorCode.NOT_COORDINATOR, coordinator.deleteGroups(List.of("idle")).join().get("idle"));
        assertEquals(3, f.fetched("idle", ORDERS_0).offset());
    }

    @Test
    void deleteGroupsAlsoTombstonesACommitStillInFlightSoNoOffsetOutlivesTheGroup() {
        f.commit("g", "", -1, ORDERS_0, 5, "");
        f.log.hold(true);
        CompletableFuture<CommitResult> inFlight = coordinator.commitOffsets(new CommitRequest("g", "", null, -1,
                List.of(new CommitRequest.Offset(ORDERS_1, 7, -1, ""))));
        CompletableFuture<Map<String, ErrorCode>> deleted = coordinator.deleteGroups(List.of("g"));
        f.log.completeHeld();

        assertEquals(ErrorCode.NONE, inFlight.join().errors().get(ORDERS_1));
        assertEquals(ErrorCode.NONE, deleted.join().get("g"));
        assertNull(coordinator.group("g"));
        assertNull(f.fetched("g", ORDERS_1));
        assertNull(f.reloaded().fetchOffsets("g", List.of(ORDERS_1), false).join().offsets().get(ORDERS_1),
                "the log ends with a tombstone of the offset committed in flight");
    }

    @Test
    void offsetDeleteAlsoTombstonesACommitStillInFlight() {
        f.commit("g", "", -1, ORDERS_0, 5, "");
        f.log.hold(true);
        coordinator.commitOffsets(new CommitRequest("g", "", null, -1,
                List.of(new CommitRequest.Offset(ORDERS_1, 7, -1, ""))));
        CompletableFuture<DeleteOffsetsResult> deleted = coordinator.deleteOffsets("g", List.of(ORDERS_1));
        f.log.completeHeld();

        assertEquals(Map.of(ORDERS_1, ErrorCode.NONE), deleted.join().partitions());
        assertNull(f.fetched("g", ORDERS_1));
        assertEquals(5, f.fetched("g", ORDERS_0).offset());
    }

    @Test
    void aGroupWhoseDeletionIsBeingWrittenAnswersAsDeadAtEveryEntryPoint() {
        JoinResult member = f.stableGroupOfOne("g", null, "orders");
        f.commit("g", member.memberId(), member.generationId(), ORDERS_0, 5, "");
        coordinator.leaveGroup(new LeaveRequest("g", List.of(new LeaveRequest.Member(member.memberId(), null))));
        assertEquals(GroupState.EMPTY, coordinator.group("g").state());
        f.log.hold(true);
        CompletableFuture<Map<String, ErrorCode>> deleted = coordinator.deleteGroups(List.of("g"));

        assertEquals(ErrorCode.COORDINATOR_NOT_AVAILABLE,
                coordinator.joinGroup(join("g", "", null, subscription("orders"))).join().error());
        assertEquals(ErrorCode.COORDINATOR_NOT_AVAILABLE, coordinator.syncGroup(new SyncRequest("g",
                member.generationId(), member.memberId(), null, null, null, Map.of())).join().error());
        assertEquals(ErrorCode.COORDINATOR_NOT_AVAILABLE,
                coordinator.heartbeat("g", member.memberId(), null, member.generationId()).join());
        assertEquals(ErrorCode.COORDINATOR_NOT_AVAILABLE, coordinator.leaveGroup(new LeaveRequest("g",
                List.of(new LeaveRequest.Member(member.memberId(), null)))).join().error());
        assertEquals(ErrorCode.COORDINATOR_NOT_AVAILABLE, coordinator.commitOffsets(new CommitRequest("g", "", null,
                -1, List.of(new CommitRequest.Offset(ORDERS_1, 1, -1, "")))).join().errors().get(ORDERS_1));
        assertTrue(coordinator.fetchOffsets("g", null, false).join().offsets().isEmpty());
        assertEquals("Dead", coordinator.describeGroups(List.of("g")).get(0).state());
        assertTrue(coordinator.listGroups(Set.of(), Set.of()).isEmpty());
        assertEquals(ErrorCode.GROUP_ID_NOT_FOUND, coordinator.deleteOffsets("g", List.of(ORDERS_0)).join().error());
        assertEquals(ErrorCode.GROUP_ID_NOT_FOUND, coordinator.deleteGroups(List.of("g")).getNow(null).get("g"));

        f.log.completeHeld();
        f.log.hold(false);

        assertEquals(ErrorCode.NONE, deleted.join().get("g"));
        assertNull(coordinator.group("g"));
        JoinResult rejoined = done(coordinator.joinGroup(join("g", "", null, subscription("orders"))));
        assertEquals(ErrorCode.NONE, rejoined.error(), "once deleted, the id starts a new group");
        assertEquals(1, rejoined.generationId());
    }

    @Test
    void aFailedDeletionBringsTheGroupBack() {
        f.commit("g", "", -1, ORDERS_0, 5, "");
        f.log.hold(true);
        CompletableFuture<Map<String, ErrorCode>> deleted = coordinator.deleteGroups(List.of("g"));
        f.log.failHeld(ErrorCode.NOT_ENOUGH_REPLICAS);
        f.log.hold(false);

        assertEquals(ErrorCode.COORDINATOR_NOT_AVAILABLE, deleted.join().get("g"));
        assertEquals("Empty", coordinator.describeGroups(List.of("g")).get(0).state());
        assertEquals(5, f.fetched("g", ORDERS_0).offset());
        assertEquals(ErrorCode.NONE, done(coordinator.joinGroup(join("g", "", null, subscription("orders")))).error());
    }

    @Test
    void offsetDeleteRefusesTopicsTheGroupSubscribesToAndDeletesTheOthers() {
        JoinResult member = f.stableGroupOfOne("g", null, "orders");
        f.commit("g", member.memberId(), member.generationId(), ORDERS_0, 1, "");
        f.commit("g", member.memberId(), member.generationId(), AUDIT_0, 2, "");

        DeleteOffsetsResult result = coordinator.deleteOffsets("g", List.of(ORDERS_0, AUDIT_0)).join();

        assertEquals(ErrorCode.NONE, result.error());
        assertEquals(Map.of(ORDERS_0, ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, AUDIT_0, ErrorCode.NONE), result.partitions());
        assertEquals(1, f.fetched("g", ORDERS_0).offset());
        assertNull(f.fetched("g", AUDIT_0));
    }

    @Test
    void offsetDeleteTreatsASubscriptionWithAnImpossibleTopicCountAsSubscribed() {
        byte[] hostile = {0, 0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        JoinResult joined = done(coordinator.joinGroup(join("h", "", null, hostile)));
        coordinator.syncGroup(new SyncRequest("h", joined.generationId(), joined.memberId(), null, "consumer", "range",
                Map.of(joined.memberId(), CoordinatorFixture.bytes("x"))));

        DeleteOffsetsResult result = coordinator.deleteOffsets("h", List.of(ORDERS_0)).join();

        assertEquals(Map.of(ORDERS_0, ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC), result.partitions());
    }

    @Test
    void offsetDeleteOfAnUnknownGroupIsGroupIdNotFound() {
        assertEquals(ErrorCode.GROUP_ID_NOT_FOUND, coordinator.deleteOffsets("nobody", List.of(ORDERS_0)).join().error());
    }

    @Test
    void offsetDeleteInANonConsumerGroupWithMembersIsNonEmptyGroup() {
        JoinRequest connect = new JoinRequest("workers", "", null, "c", "/h", SESSION_MS, 20_000, "connect",
                List.of(new Protocol("default", new byte[0])), false, true);
        done(coordinator.joinGroup(connect));
        assertEquals(ErrorCode.NON_EMPTY_GROUP, coordinator.deleteOffsets("workers", List.of(ORDERS_0)).join().error());
    }

    @Test
    void offsetDeleteInAnEmptyGroupDeletesEvenSubscribedTopics() {
        f.commit("simple", "", -1, ORDERS_0, 1, "");
        assertEquals(Map.of(ORDERS_0, ErrorCode.NONE), coordinator.deleteOffsets("simple", List.of(ORDERS_0)).join()
                .partitions());
        assertNull(f.fetched("simple", ORDERS_0));
        assertEquals(GroupState.EMPTY, coordinator.group("simple").state(), "the group itself stays");
    }
}
