package io.fjord.coordinator;

import io.fjord.coordinator.OffsetsTopicFormat.Writer;
import io.fjord.log.MockScheduler;
import io.fjord.log.MockTime;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A coordinator over an {@link InMemoryCoordinatorLog} with a small config (4 offsets partitions, 10 s session
 * timeouts, 1 h retention checked every minute, 16 bytes of offset metadata) and helpers that drive groups.
 */
class CoordinatorFixture {
    static final int PARTITIONS = 4;
    static final int SESSION_MS = 10_000;
    static final int REBALANCE_MS = 20_000;
    static final long RETENTION_MS = 3_600_000;
    static final long CHECK_MS = 60_000;
    static final GroupCoordinatorConfig CONFIG = new GroupCoordinatorConfig(10, 300_000, 0, Integer.MAX_VALUE,
            PARTITIONS, RETENTION_MS, CHECK_MS, 16);

    final MockTime time = new MockTime();
    final MockScheduler scheduler = new MockScheduler(time);
    final InMemoryCoordinatorLog log = new InMemoryCoordinatorLog();
    final GroupCoordinator coordinator = started(new GroupCoordinator(CONFIG, time, scheduler, log));

    static GroupCoordinator started(GroupCoordinator c) {
        c.start();
        return c;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A "consumer" protocol subscription (version 0) naming {@code topics}. */
    static byte[] subscription(String... topics) {
        Writer w = new Writer();
        w.int16(0);
        w.int32(topics.length);
        for (String t : topics) {
            w.string(t, false);
        }
        w.bytes(new byte[0], false);
        return w.bytes();
    }

    void loadAll() {
        loadAll(coordinator);
    }

    static void loadAll(GroupCoordinator c) {
        for (int p = 0; p < PARTITIONS; p++) {
            c.completeLoad(p, c.beginLoad(p));
        }
    }

    /** A fresh coordinator on the same clock that loads every partition from what {@link #log} holds. */
    GroupCoordinator reloaded() {
        GroupCoordinator fresh = started(new GroupCoordinator(CONFIG, time, scheduler, log));
        for (int p = 0; p < PARTITIONS; p++) {
            long load = fresh.beginLoad(p);
            for (CoordinatorRecord r : log.written(p)) {
                fresh.replay(p, load, r);
            }
            fresh.completeLoad(p, load);
        }
        return fresh;
    }

    static JoinRequest join(String group, String memberId, String instanceId, byte[] subscription) {
        return new JoinRequest(group, memberId, instanceId, "client", "/127.0.0.1", SESSION_MS, REBALANCE_MS,
                "consumer", List.of(new Protocol("range", subscription)), false, true);
    }

    static JoinResult done(CompletableFuture<JoinResult> f) {
        assertTrue(f.isDone(), "join should have completed");
        return f.join();
    }

    /** A Stable "consumer" group of one member subscribed to {@code topics}; returns the join answer. */
    JoinResult stableGroupOfOne(String group, String instanceId, String... topics) {
        JoinResult joined = done(coordinator.joinGroup(join(group, "", instanceId, subscription(topics))));
        assertEquals(io.fjord.protocol.ErrorCode.NONE, joined.error());
        SyncResult synced = coordinator.syncGroup(new SyncRequest(group, joined.generationId(), joined.memberId(),
                instanceId, "consumer", "range", Map.of(joined.memberId(), bytes("assigned")))).join();
        assertEquals(io.fjord.protocol.ErrorCode.NONE, synced.error());
        assertEquals(GroupState.STABLE, coordinator.group(group).state());
        return joined;
    }

    /** Two members in Stable; returns {leader, follower}. */
    JoinResult[] stableGroupOfTwo(String group, String instanceA, String instanceB, String... topics) {
        String aId = done(coordinator.joinGroup(join(group, "", instanceA, subscription(topics)))).memberId();
        CompletableFuture<JoinResult> b = coordinator.joinGroup(join(group, "", instanceB, subscription(topics)));
        JoinResult leader = done(coordinator.joinGroup(join(group, aId, instanceA, subscription(topics))));
        JoinResult follower = done(b);
        coordinator.syncGroup(new SyncRequest(group, leader.generationId(), leader.memberId(), instanceA, "consumer",
                "range", Map.of(leader.memberId(), bytes("A"), follower.memberId(), bytes("B"))));
        coordinator.syncGroup(new SyncRequest(group, follower.generationId(), follower.memberId(), instanceB,
                "consumer", "range", Map.of()));
        assertEquals(GroupState.STABLE, coordinator.group(group).state());
        return new JoinResult[] {leader, follower};
    }

    CommitResult commit(String group, String memberId, int generation, TopicPartitionRef tp, long offset,
                        String metadata) {
        return coordinator.commitOffsets(new CommitRequest(group, memberId, null, generation,
                List.of(new CommitRequest.Offset(tp, offset, -1, metadata)))).join();
    }

    CommittedOffset fetched(String group, TopicPartitionRef tp) {
        return coordinator.fetchOffsets(group, List.of(tp), false).join().offsets().get(tp);
    }
}
