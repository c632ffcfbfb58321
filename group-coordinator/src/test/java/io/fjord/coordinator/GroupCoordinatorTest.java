package io.fjord.coordinator;

import io.fjord.log.MockScheduler;
import io.fjord.log.MockTime;
import io.fjord.protocol.ErrorCode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupCoordinatorTest {
    private static final String GROUP = "g";
    private static final int SESSION_MS = 10_000;
    private static final int REBALANCE_MS = 20_000;
    private static final List<Protocol> RANGE = List.of(new Protocol("range", bytes("sub")));

    private final MockTime time = new MockTime();
    private final MockScheduler scheduler = new MockScheduler(time);
    private GroupCoordinator coordinator = coordinator(0, Integer.MAX_VALUE);

    private GroupCoordinator coordinator(int initialDelayMs, int maxSize) {
        GroupCoordinatorConfig config = new GroupCoordinatorConfig(10, 300_000, initialDelayMs, maxSize);
        GroupCoordinator c = new GroupCoordinator(config, time, scheduler);
        for (int p = 0; p < config.offsetsTopicNumPartitions(); p++) {
            c.beginLoad(p);
            c.completeLoad(p);
        }
        return c;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static JoinRequest join(String memberId, String instanceId, List<Protocol> protocols) {
        return new JoinRequest(GROUP, memberId, instanceId, "client", "/127.0.0.1", SESSION_MS, REBALANCE_MS,
                "consumer", protocols, false, true);
    }

    private JoinResult done(CompletableFuture<JoinResult> f) {
        assertTrue(f.isDone(), "join should have completed");
        return f.join();
    }

    /** Two members (static when an instance id is given) in Stable; returns {leader, follower}. */
    private JoinResult[] stableGroupOfTwo(String instanceA, String instanceB) {
        CompletableFuture<JoinResult> a = coordinator.joinGroup(join("", instanceA, RANGE));
        JoinResult first = done(a);
        CompletableFuture<JoinResult> b = coordinator.joinGroup(join("", instanceB, RANGE));
        CompletableFuture<JoinResult> aAgain = coordinator.joinGroup(join(first.memberId(), instanceA, RANGE));
        JoinResult leader = done(aAgain);
        JoinResult follower = done(b);
        coordinator.syncGroup(sync(leader, Map.of(leader.memberId(), bytes("A"), follower.memberId(), bytes("B"))));
        coordinator.syncGroup(sync(follower, Map.of()));
        assertEquals(GroupState.STABLE, coordinator.group(GROUP).state());
        return new JoinResult[] {leader, follower};
    }

    private static SyncRequest sync(JoinResult joined, Map<String, byte[]> assignments) {
        return new SyncRequest(GROUP, joined.generationId(), joined.memberId(), null, "consumer",
                joined.protocolName(), assignments);
    }

    @Test
    void twoMembersJoiningDuringInitialDelayGetOneGenerationWithOneLeader() {
        coordinator = coordinator(3000, Integer.MAX_VALUE);
        CompletableFuture<JoinResult> a = coordinator.joinGroup(join("", null, RANGE));
        CompletableFuture<JoinResult> b = coordinator.joinGroup(join("", null, RANGE));
        time.advance(2999);
        assertFalse(a.isDone());
        time.advance(1);
        assertFalse(a.isDone(), "a member arriving during the delay extends it");
        time.advance(3000);

        JoinResult ra = done(a);
        JoinResult rb = done(b);
        assertEquals(ErrorCode.NONE, ra.error());
        assertEquals(1, ra.generationId());
        assertEquals(ra.generationId(), rb.generationId());
        assertEquals(ra.memberId(), ra.leaderId());
        assertEquals(ra.leaderId(), rb.leaderId());
        assertEquals(2, ra.members().size());
        assertTrue(rb.members().isEmpty(), "only the leader receives the member list");
        assertEquals("range", ra.protocolName());
        assertTrue(ra.memberId().startsWith("client-"));
        assertEquals(GroupState.COMPLETING_REBALANCE, coordinator.group(GROUP).state());
    }

    @Test
    void syncHandsTheLeadersAssignmentToEveryMember() {
        CompletableFuture<JoinResult> a = coordinator.joinGroup(join("", null, RANGE));
        String aId = done(a).memberId();
        CompletableFuture<JoinResult> b = coordinator.joinGroup(join("", null, RANGE));
        JoinResult leader = done(coordinator.joinGroup(join(aId, null, RANGE)));
        JoinResult follower = done(b);

        CompletableFuture<SyncResult> followerSync = coordinator.syncGroup(sync(follower, Map.of()));
        assertFalse(followerSync.isDone(), "a follower waits for the leader's assignment");
        CompletableFuture<SyncResult> leaderSync = coordinator.syncGroup(
                sync(leader, Map.of(leader.memberId(), bytes("p0"), follower.memberId(), bytes("p1"))));

        assertArrayEquals(bytes("p0"), leaderSync.join().assignment());
        assertArrayEquals(bytes("p1"), followerSync.join().assignment());
        assertEquals(ErrorCode.NONE, followerSync.join().error());
        assertEquals(GroupState.STABLE, coordinator.group(GROUP).state());
        assertArrayEquals(bytes("p1"), coordinator.syncGroup(sync(follower, Map.of())).join().assignment(),
                "a sync in Stable returns the stored assignment");
    }

    @Test
    void memberMissingHeartbeatsIsRemovedAfterSessionTimeoutAndTheOtherRebalances() {
        JoinResult[] two = stableGroupOfTwo(null, null);
        JoinResult a = two[0];
        JoinResult b = two[1];
        time.advance(SESSION_MS / 2);
        assertEquals(ErrorCode.NONE, coordinator.heartbeat(GROUP, b.memberId(), null, b.generationId()).join());
        time.advance(SESSION_MS / 2);

        ClassicGroup group = coordinator.group(GROUP);
        assertFalse(group.has(a.memberId()));
        assertEquals(GroupState.PREPARING_REBALANCE, group.state());
        assertEquals(ErrorCode.REBALANCE_IN_PROGRESS, coordinator.heartbeat(GROUP, b.memberId(), null, b.generationId()).join());
        JoinResult rejoined = done(coordinator.joinGroup(join(b.memberId(), null, RANGE)));
        assertEquals(b.generationId() + 1, rejoined.generationId());
        assertEquals(b.memberId(), rejoined.leaderId());
        assertEquals(1, rejoined.members().size());
    }

    @Test
    void heartbeatsKeepAMemberAlivePastItsSessionTimeout() {
        JoinResult[] two = stableGroupOfTwo(null, null);
        for (int i = 0; i < 5; i++) {
            time.advance(SESSION_MS / 2);
            assertEquals(ErrorCode.NONE, coordinator.heartbeat(GROUP, two[0].memberId(), null, two[0].generationId()).join());
            assertEquals(ErrorCode.NONE, coordinator.heartbeat(GROUP, two[1].memberId(), null, two[0].generationId()).join());
        }
        assertEquals(GroupState.STABLE, coordinator.group(GROUP).state());
        assertEquals(2, coordinator.group(GROUP).size());
    }

    @Test
    void newMemberWithoutIdGetsMemberIdRequiredThenJoinsWithIt() {
        JoinRequest first = new JoinRequest(GROUP, "", null, "app", "/h", SESSION_MS, REBALANCE_MS,
                "consumer", RANGE, true, true);
        JoinResult required = done(coordinator.joinGroup(first));
        assertEquals(ErrorCode.MEMBER_ID_REQUIRED, required.error());
        assertTrue(required.memberId().startsWith("app-"));
        assertEquals(0, coordinator.group(GROUP).size());

        JoinRequest second = new JoinRequest(GROUP, required.memberId(), null, "app", "/h", SESSION_MS,
                REBALANCE_MS, "consumer", RANGE, true, true);
        JoinResult joined = done(coordinator.joinGroup(second));
        assertEquals(ErrorCode.NONE, joined.error());
        assertEquals(required.memberId(), joined.memberId());
        assertEquals(joined.memberId(), joined.leaderId());
    }

    @Test
    void pendingMemberBlocksTheRebalanceUntilItsSessionTimeoutPasses() {
        JoinResult[] two = stableGroupOfTwo(null, null);
        JoinRequest stranger = new JoinRequest(GROUP, "", null, "late", "/h", SESSION_MS, REBALANCE_MS,
                "consumer", RANGE, true, true);
        assertEquals(ErrorCode.MEMBER_ID_REQUIRED, done(coordinator.joinGroup(stranger)).error());
        CompletableFuture<JoinResult> a = coordinator.joinGroup(join(two[0].memberId(), null,
                List.of(new Protocol("range", bytes("changed")))));
        coordinator.joinGroup(join(two[1].memberId(), null, RANGE));
        assertFalse(a.isDone(), "the pending member may still join");
        time.advance(SESSION_MS);
        assertEquals(two[0].generationId() + 1, done(a).generationId());
    }

    @Test
    void joinWithUnknownMemberIdIsRejected() {
        stableGroupOfTwo(null, null);
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, done(coordinator.joinGroup(join("nobody", null, RANGE))).error());
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID,
                done(coordinator.joinGroup(new JoinRequest("other", "nobody", null, "c", "/h", SESSION_MS,
                        REBALANCE_MS, "consumer", RANGE, false, true))).error());
    }

    @Test
    void staticMemberRejoiningWithSameMetadataInStableGetsNewIdWithoutRebalance() {
        JoinResult[] two = stableGroupOfTwo("i-a", "i-b");
        JoinResult b = two[1];

        JoinResult rejoined = done(coordinator.joinGroup(join("", "i-b", RANGE)));

        assertEquals(ErrorCode.NONE, rejoined.error());
        assertNotEquals(b.memberId(), rejoined.memberId());
        assertTrue(rejoined.memberId().startsWith("i-b-"), "a static member's id starts with its instance id");
        assertEquals(b.generationId(), rejoined.generationId());
        assertEquals(GroupState.STABLE, coordinator.group(GROUP).state());
        SyncResult assignment = coordinator.syncGroup(new SyncRequest(GROUP, b.generationId(), rejoined.memberId(), "i-b",
                "consumer", "range", Map.of())).join();
        assertArrayEquals(bytes("B"), assignment.assignment());
        assertEquals(ErrorCode.FENCED_INSTANCE_ID, coordinator.heartbeat(GROUP, b.memberId(), "i-b", b.generationId()).join());
        assertEquals(ErrorCode.NONE, coordinator.heartbeat(GROUP, rejoined.memberId(), "i-b", b.generationId()).join());
    }

    @Test
    void staticLeaderRejoiningInStableIsToldToSkipAssignment() {
        JoinResult[] two = stableGroupOfTwo("i-a", "i-b");
        JoinResult rejoined = done(coordinator.joinGroup(join("", "i-a", RANGE)));
        assertEquals(rejoined.memberId(), rejoined.leaderId());
        assertTrue(rejoined.skipAssignment());
        assertEquals(2, rejoined.members().size());
        assertEquals(GroupState.STABLE, coordinator.group(GROUP).state());
        assertNotEquals(two[0].memberId(), rejoined.memberId());
    }

    @Test
    void staticMemberRejoiningInStableWithoutChangingTheSelectedProtocolDoesNotRebalance() {
        stableGroupOfTwo("i-a", "i-b");
        JoinResult rejoined = done(coordinator.joinGroup(join("", "i-b",
                List.of(new Protocol("range", bytes("other topics")), new Protocol("roundrobin", bytes("x"))))));
        assertEquals(ErrorCode.NONE, rejoined.error());
        assertEquals(GroupState.STABLE, coordinator.group(GROUP).state());
    }

    @Test
    void staticLeaderRejoiningBeforeV9IsNotToldItLeads() {
        JoinResult[] two = stableGroupOfTwo("i-a", "i-b");
        JoinRequest v8 = new JoinRequest(GROUP, "", "i-a", "client", "/h", SESSION_MS, REBALANCE_MS,
                "consumer", RANGE, true, false);
        JoinResult rejoined = done(coordinator.joinGroup(v8));
        assertEquals(two[0].memberId(), rejoined.leaderId(), "the old leader id is returned, so it does not reassign");
        assertTrue(rejoined.members().isEmpty());
        assertFalse(rejoined.skipAssignment());
        assertEquals(GroupState.STABLE, coordinator.group(GROUP).state());
    }

    @Test
    void staticMemberRejoiningDuringCompletingRebalanceTriggersRebalance() {
        CompletableFuture<JoinResult> a = coordinator.joinGroup(join("", "i-a", RANGE));
        done(a);
        assertEquals(GroupState.COMPLETING_REBALANCE, coordinator.group(GROUP).state());
        CompletableFuture<JoinResult> rejoin = coordinator.joinGroup(join("", "i-a", RANGE));
        assertEquals(GroupState.COMPLETING_REBALANCE, coordinator.group(GROUP).state(),
                "a lone member rejoining completes the next generation at once");
        assertEquals(2, done(rejoin).generationId());
    }

    @Test
    void replacedStaticMembersPendingJoinIsFenced() {
        JoinResult[] two = stableGroupOfTwo("i-a", "i-b");
        CompletableFuture<JoinResult> oldJoin = coordinator.joinGroup(join(two[1].memberId(), "i-b",
                List.of(new Protocol("range", bytes("x")))));
        assertFalse(oldJoin.isDone());

        CompletableFuture<JoinResult> newJoin = coordinator.joinGroup(join("", "i-b", RANGE));

        assertEquals(ErrorCode.FENCED_INSTANCE_ID, done(oldJoin).error());
        assertEquals(ErrorCode.FENCED_INSTANCE_ID,
                done(coordinator.joinGroup(join(two[1].memberId(), "i-b", RANGE))).error());
        done(coordinator.joinGroup(join(two[0].memberId(), "i-a", RANGE)));
        assertEquals(two[0].generationId() + 1, done(newJoin).generationId());
    }

    @Test
    void joinBeyondGroupMaxSizeIsRejected() {
        coordinator = coordinator(0, 1);
        done(coordinator.joinGroup(join("", null, RANGE)));
        assertEquals(ErrorCode.GROUP_MAX_SIZE_REACHED, done(coordinator.joinGroup(join("", null, RANGE))).error());
        JoinRequest twoStep = new JoinRequest(GROUP, "", null, "c", "/h", SESSION_MS, REBALANCE_MS,
                "consumer", RANGE, true, true);
        assertEquals(ErrorCode.GROUP_MAX_SIZE_REACHED, done(coordinator.joinGroup(twoStep)).error());
        assertEquals(1, coordinator.group(GROUP).size());
    }

    @Test
    void joinOfferingNoCommonProtocolOrAnotherTypeIsInconsistent() {
        stableGroupOfTwo(null, null);
        assertEquals(ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
                done(coordinator.joinGroup(join("", null, List.of(new Protocol("sticky", bytes("s")))))).error());
        JoinRequest connect = new JoinRequest(GROUP, "", null, "c", "/h", SESSION_MS, REBALANCE_MS,
                "connect", RANGE, false, true);
        assertEquals(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, done(coordinator.joinGroup(connect)).error());
        assertEquals(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, done(coordinator.joinGroup(
                new JoinRequest("fresh", "", null, "c", "/h", SESSION_MS, REBALANCE_MS, "consumer", List.of(),
                        false, true))).error());
        assertNull(coordinator.group("fresh"), "a failed first join leaves no group behind");
    }

    @Test
    void sessionTimeoutOutsideTheBrokerRangeIsRejected() {
        JoinRequest tooShort = new JoinRequest(GROUP, "", null, "c", "/h", 5, REBALANCE_MS, "consumer",
                RANGE, false, true);
        assertEquals(ErrorCode.INVALID_SESSION_TIMEOUT, done(coordinator.joinGroup(tooShort)).error());
    }

    @Test
    void protocolWithMostFirstChoiceVotesAmongCommonOnesIsSelected() {
        Protocol range = new Protocol("range", bytes("r"));
        Protocol rr = new Protocol("roundrobin", bytes("rr"));
        String a = done(coordinator.joinGroup(join("", null, List.of(range, rr)))).memberId();
        CompletableFuture<JoinResult> b = coordinator.joinGroup(join("", null, List.of(rr, range)));
        CompletableFuture<JoinResult> c = coordinator.joinGroup(join("", null, List.of(rr, range)));
        JoinResult leader = done(coordinator.joinGroup(join(a, null, List.of(range, rr))));
        assertEquals("roundrobin", leader.protocolName());
        assertEquals("roundrobin", done(c).protocolName());
        assertArrayEquals(bytes("rr"), leader.members().get(0).metadata());
        done(b);
    }

    @Test
    void syncWithWrongGenerationUnknownMemberOrDuringRebalanceIsRejected() {
        JoinResult[] two = stableGroupOfTwo(null, null);
        JoinResult a = two[0];
        assertEquals(ErrorCode.ILLEGAL_GENERATION, coordinator.syncGroup(new SyncRequest(GROUP, 7, a.memberId(),
                null, null, null, Map.of())).join().error());
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, coordinator.syncGroup(new SyncRequest(GROUP, a.generationId(), "x",
                null, null, null, Map.of())).join().error());
        assertEquals(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, coordinator.syncGroup(new SyncRequest(GROUP, a.generationId(),
                a.memberId(), null, "consumer", "sticky", Map.of())).join().error());
        assertEquals(ErrorCode.ILLEGAL_GENERATION, coordinator.heartbeat(GROUP, a.memberId(), null, 0).join());
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, coordinator.heartbeat("nope", a.memberId(), null, 1).join());

        coordinator.joinGroup(join(a.memberId(), null, List.of(new Protocol("range", bytes("new")))));
        assertEquals(ErrorCode.REBALANCE_IN_PROGRESS, coordinator.syncGroup(sync(two[1], Map.of())).join().error());
    }

    @Test
    void pendingSyncIsAnsweredRebalanceInProgressWhenARebalanceStarts() {
        CompletableFuture<JoinResult> a = coordinator.joinGroup(join("", null, RANGE));
        String aId = done(a).memberId();
        CompletableFuture<JoinResult> b = coordinator.joinGroup(join("", null, RANGE));
        done(coordinator.joinGroup(join(aId, null, RANGE)));
        CompletableFuture<SyncResult> followerSync = coordinator.syncGroup(sync(done(b), Map.of()));
        coordinator.joinGroup(join("", null, RANGE));
        assertEquals(ErrorCode.REBALANCE_IN_PROGRESS, followerSync.join().error());
    }

    @Test
    void rebalanceCompletesWithoutMembersThatMissTheRebalanceTimeout() {
        JoinResult[] two = stableGroupOfTwo(null, null);
        CompletableFuture<JoinResult> a = coordinator.joinGroup(join(two[0].memberId(), null,
                List.of(new Protocol("range", bytes("new")))));
        coordinator.heartbeat(GROUP, two[1].memberId(), null, two[1].generationId());
        time.advance(SESSION_MS - 1);
        assertFalse(a.isDone());
        coordinator.heartbeat(GROUP, two[1].memberId(), null, two[1].generationId());
        time.advance(REBALANCE_MS - SESSION_MS + 1);
        JoinResult result = done(a);
        assertEquals(two[0].generationId() + 1, result.generationId());
        assertEquals(1, result.members().size());
        assertFalse(coordinator.group(GROUP).has(two[1].memberId()));
    }

    @Test
    void batchedLeaveRemovesMembersAndReportsEachOne() {
        JoinResult[] two = stableGroupOfTwo(null, "i-b");
        LeaveResult result = coordinator.leaveGroup(new LeaveRequest(GROUP, List.of(
                new LeaveRequest.Member(two[0].memberId(), null),
                new LeaveRequest.Member("", "i-b"),
                new LeaveRequest.Member("ghost", null)))).join();

        assertEquals(ErrorCode.NONE, result.error());
        assertEquals(List.of(ErrorCode.NONE, ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID),
                result.members().stream().map(LeaveResult.MemberResult::error).toList());
        ClassicGroup group = coordinator.group(GROUP);
        assertEquals(GroupState.EMPTY, group.state());
        assertEquals(two[0].generationId() + 1, group.generationId());
    }

    @Test
    void leaveByInstanceIdWithAnotherMemberIdIsFenced() {
        JoinResult[] two = stableGroupOfTwo("i-a", "i-b");
        LeaveResult result = coordinator.leaveGroup(new LeaveRequest(GROUP, List.of(
                new LeaveRequest.Member(two[0].memberId(), "i-b")))).join();
        assertEquals(ErrorCode.FENCED_INSTANCE_ID, result.members().get(0).error());
        assertEquals(GroupState.STABLE, coordinator.group(GROUP).state());
    }

    @Test
    void leaveOfOneMemberRebalancesTheRest() {
        JoinResult[] two = stableGroupOfTwo(null, null);
        coordinator.leaveGroup(new LeaveRequest(GROUP, List.of(new LeaveRequest.Member(two[0].memberId(), null))));
        assertEquals(GroupState.PREPARING_REBALANCE, coordinator.group(GROUP).state());
        JoinResult rejoined = done(coordinator.joinGroup(join(two[1].memberId(), null, RANGE)));
        assertEquals(two[1].memberId(), rejoined.leaderId());
        assertEquals(two[0].generationId() + 1, rejoined.generationId());
    }

    @Test
    void memberThatNeverSyncsIsRemovedAfterTheRebalanceTimeout() {
        CompletableFuture<JoinResult> a = coordinator.joinGroup(join("", null, RANGE));
        String aId = done(a).memberId();
        CompletableFuture<JoinResult> b = coordinator.joinGroup(join("", null, RANGE));
        JoinResult leader = done(coordinator.joinGroup(join(aId, null, RANGE)));
        JoinResult follower = done(b);
        coordinator.syncGroup(sync(leader, Map.of(leader.memberId(), bytes("A"))));
        for (int t = 0; t < REBALANCE_MS - SESSION_MS / 2; t += SESSION_MS / 2) {
            time.advance(SESSION_MS / 2);
            coordinator.heartbeat(GROUP, leader.memberId(), null, leader.generationId());
            assertEquals(ErrorCode.NONE, coordinator.heartbeat(GROUP, follower.memberId(), null, follower.generationId()).join());
        }
        time.advance(SESSION_MS / 2);

        assertFalse(coordinator.group(GROUP).has(follower.memberId()));
        assertTrue(coordinator.group(GROUP).has(leader.memberId()));
        assertEquals(GroupState.PREPARING_REBALANCE, coordinator.group(GROUP).state());
    }

    @Test
    void duringRebalanceMaxSizeCountsMembersWaitingToJoinSoTheLastRejoinerIsRefused() {
        coordinator = coordinator(0, 2);
        JoinResult[] two = stableGroupOfTwo(null, null);
        CompletableFuture<JoinResult> a = coordinator.joinGroup(join(two[0].memberId(), null,
                List.of(new Protocol("range", bytes("new")))));
        CompletableFuture<JoinResult> c = coordinator.joinGroup(join("", null, RANGE));
        assertFalse(c.isDone(), "a newcomer fits while only one member waits");

        JoinResult b = done(coordinator.joinGroup(join(two[1].memberId(), null, RANGE)));

        assertEquals(ErrorCode.GROUP_MAX_SIZE_REACHED, b.error());
        assertFalse(coordinator.group(GROUP).has(two[1].memberId()));
        assertEquals(2, done(a).members().size());
        assertEquals(ErrorCode.NONE, done(c).error());
    }
}
