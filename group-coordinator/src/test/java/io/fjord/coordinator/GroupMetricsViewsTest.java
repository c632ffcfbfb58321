package io.fjord.coordinator;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupMetricsViewsTest {
    private final CoordinatorFixture f = new CoordinatorFixture();
    private final TopicPartitionRef t0 = new TopicPartitionRef("t", 0);
    private final TopicPartitionRef t1 = new TopicPartitionRef("t", 1);

    @Test
    void groupCountsReportEveryHeldGroupByStateAndTheAppliedOffsets() {
        f.loadAll();
        JoinResult stable = f.stableGroupOfOne("stable", null, "t");
        f.commit("stable", stable.memberId(), stable.generationId(), t0, 5, "");
        f.commit("commits-only", "", -1, t0, 7, "");
        f.commit("commits-only", "", -1, t1, 9, "");

        GroupCounts counts = f.coordinator.groupCounts();

        assertEquals(2, counts.groups());
        assertEquals(1, counts.inState(GroupState.STABLE));
        assertEquals(1, counts.inState(GroupState.EMPTY));
        assertEquals(0, counts.inState(GroupState.PREPARING_REBALANCE));
        assertEquals(0, counts.inState(GroupState.DEAD));
        assertEquals(3, counts.offsets());
    }

    @Test
    void committedOffsetsCopyTheAppliedOffsetsOfLiveGroupsOnly() {
        f.loadAll();
        f.commit("a", "", -1, t0, 7, "");
        f.commit("a", "", -1, t1, 9, "");
        f.commit("b", "", -1, t0, 3, "");

        Map<String, Map<TopicPartitionRef, Long>> before = f.coordinator.committedOffsets();
        assertEquals(Map.of("a", Map.of(t0, 7L, t1, 9L), "b", Map.of(t0, 3L)), before);

        f.log.hold(true);
        f.coordinator.deleteGroups(List.of("b"));
        assertFalse(f.coordinator.committedOffsets().containsKey("b"), "a group being deleted counts as Dead");
        assertEquals(1, f.coordinator.groupCounts().inState(GroupState.DEAD));
        f.log.completeHeld();

        assertEquals(Map.of("a", Map.of(t0, 7L, t1, 9L)), f.coordinator.committedOffsets());
        assertEquals(1, f.coordinator.groupCounts().groups());
        assertEquals(2, f.coordinator.groupCounts().offsets());
        assertEquals(Map.of(t0, 7L, t1, 9L), before.get("a"), "a copy taken earlier does not change");
    }

    @Test
    void unloadedPartitionsContributeNothing() {
        f.loadAll();
        f.commit("a", "", -1, t0, 7, "");
        f.coordinator.unload(f.coordinator.partitionFor("a"));

        assertTrue(f.coordinator.committedOffsets().isEmpty());
        assertEquals(0, f.coordinator.groupCounts().groups());
        assertEquals(0, f.coordinator.groupCounts().offsets());
    }
}
