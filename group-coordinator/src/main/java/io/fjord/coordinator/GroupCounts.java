package io.fjord.coordinator;

import java.util.EnumMap;
import java.util.Map;

/**
 * How many groups the coordinator holds, by state (a group whose deletion is being written counts as Dead, as every
 * entry point answers for it), and how many committed offsets, at one moment: what Kafka's
 * {@code kafka.coordinator.group:type=GroupMetadataManager} gauges report. Immutable.
 */
public record GroupCounts(Map<GroupState, Integer> byState, int offsets) {
    public GroupCounts {
        EnumMap<GroupState, Integer> copy = new EnumMap<>(GroupState.class);
        for (GroupState s : GroupState.values()) {
            copy.put(s, byState.getOrDefault(s, 0));
        }
        byState = Map.copyOf(copy);
    }

    /** Every group held, whatever its state. */
    public int groups() {
        return byState.values().stream().mapToInt(Integer::intValue).sum();
    }

    public int inState(GroupState state) {
        return byState.get(state);
    }
}
