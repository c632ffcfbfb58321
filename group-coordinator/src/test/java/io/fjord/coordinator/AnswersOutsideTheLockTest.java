package io.fjord.coordinator;

import io.fjord.protocol.ErrorCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.fjord.coordinator.CoordinatorFixture.REBALANCE_MS;
import static io.fjord.coordinator.CoordinatorFixture.bytes;
import static io.fjord.coordinator.CoordinatorFixture.done;
import static io.fjord.coordinator.CoordinatorFixture.join;
import static io.fjord.coordinator.CoordinatorFixture.subscription;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Callbacks of the coordinator's answers (the handlers' response code) run after the coordinator has left its
 * monitor, whether the answer is completed by another request, a write completion or a timer.
 */
class AnswersOutsideTheLockTest {
    private static final TopicPartitionRef ORDERS_0 = new TopicPartitionRef("orders", 0);

    private final CoordinatorFixture f = new CoordinatorFixture();
    private final GroupCoordinator coordinator = f.coordinator;
    private final List<Boolean> lockHeldInCallbacks = new ArrayList<>();

    @BeforeEach
    void load() {
        f.loadAll();
    }

    private <T> CompletableFuture<T> observed(CompletableFuture<T> answer) {
        assertFalse(answer.isDone(), "the answer should still be pending");
        answer.whenComplete((v, e) -> lockHeldInCallbacks.add(Thread.holdsLock(coordinator)));
        return answer;
    }

    @Test
    void aCommitAnswerCompletedByItsWriteRunsItsCallbackOutsideTheLock() {
        f.log.hold(true);
        CompletableFuture<CommitResult> commit = observed(coordinator.commitOffsets(new CommitRequest("g", "", null,
                -1, List.of(new CommitRequest.Offset(ORDERS_0, 1, -1, "")))));

        f.log.completeHeld();

        assertEquals(ErrorCode.NONE, commit.join().errors().get(ORDERS_0));
        assertEquals(List.of(false), lockHeldInCallbacks);
    }

    @Test
    void joinAndSyncAnswersCompletedByOtherMembersRunTheirCallbacksOutsideTheLock() {
        JoinResult leader = f.stableGroupOfOne("g", null, "orders");
        CompletableFuture<JoinResult> newcomer = observed(coordinator.joinGroup(join("g", "", null,
                subscription("orders"))));
        JoinResult rejoined = done(coordinator.joinGroup(join("g", leader.memberId(), null, subscription("orders"))));
        JoinResult joined = done(newcomer);
        CompletableFuture<SyncResult> followerSync = observed(coordinator.syncGroup(new SyncRequest("g",
                joined.generationId(), joined.memberId(), null, "consumer", "range", Map.of())));

        coordinator.syncGroup(new SyncRequest("g", rejoined.generationId(), rejoined.memberId(), null, "consumer",
                "range", Map.of(rejoined.memberId(), bytes("A"), joined.memberId(), bytes("B"))));

        assertEquals(ErrorCode.NONE, followerSync.join().error());
        assertEquals(List.of(false, false), lockHeldInCallbacks);
    }

    @Test
    void aJoinAnswerCompletedByTheRebalanceTimeoutRunsItsCallbackOutsideTheLock() {
        f.stableGroupOfOne("g", null, "orders");
        CompletableFuture<JoinResult> newcomer = observed(coordinator.joinGroup(join("g", "", null,
                subscription("orders"))));

        f.time.advance(REBALANCE_MS);

        assertTrue(newcomer.isDone());
        assertEquals(List.of(false), lockHeldInCallbacks);
    }
}
