package io.fjord.coordinator;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Committed offsets per group and partition, as the records of {@code __consumer_offsets} have built them: only
 * {@link GroupCoordinator}'s apply/replay path writes here, so it always equals the replay of what was written.
 * Each entry keeps the v1 expire timestamp (-1 when none) next to the offset.
 * Not thread-safe: guarded by the owning {@link GroupCoordinator}'s monitor.
 */
final class OffsetStore {
    record Entry(CommittedOffset offset, long expireTimestampMs) {
    }

    private final Map<String, Map<TopicPartitionRef, Entry>> byGroup = new HashMap<>();

    void put(String groupId, TopicPartitionRef partition, CommittedOffset offset, long expireTimestampMs) {
        byGroup.computeIfAbsent(groupId, g -> new LinkedHashMap<>()).put(partition, new Entry(offset, expireTimestampMs));
    }

    void remove(String groupId, TopicPartitionRef partition) {
        Map<TopicPartitionRef, Entry> offsets = byGroup.get(groupId);
        if (offsets != null) {
            offsets.remove(partition);
            if (offsets.isEmpty()) {
                byGroup.remove(groupId);
            }
        }
    }

    CommittedOffset get(String groupId, TopicPartitionRef partition) {
        Entry e = byGroup.getOrDefault(groupId, Map.of()).get(partition);
        return e == null ? null : e.offset();
    }

    /** A read-only view of the group's offsets (empty when it has none). */
    Map<TopicPartitionRef, Entry> offsets(String groupId) {
        return Collections.unmodifiableMap(byGroup.getOrDefault(groupId, Map.of()));
    }

    boolean hasOffsets(String groupId) {
        return byGroup.containsKey(groupId);
    }

    void removeGroup(String groupId) {
        byGroup.remove(groupId);
    }

    Set<String> groupIds() {
        return Set.copyOf(byGroup.keySet());
    }

    /** The number of offsets stored, over every group. */
    int count() {
        int n = 0;
        for (Map<TopicPartitionRef, Entry> offsets : byGroup.values()) {
            n += offsets.size();
        }
        return n;
    }
}
