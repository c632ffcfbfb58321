package io.fjord.coordinator;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Offset commits decided but not yet applied (their append is in flight), counted per group and partition. Retention
 * leaves such offsets alone, and DeleteGroups / OffsetDelete tombstone them too, since the log applies the commit
 * first. Not thread-safe: guarded by the owning {@link GroupCoordinator}'s monitor.
 */
final class PendingCommits {
    private final Map<String, Map<TopicPartitionRef, Integer>> byGroup = new HashMap<>();

    void add(String groupId, Collection<TopicPartitionRef> partitions) {
        Map<TopicPartitionRef, Integer> pending = byGroup.computeIfAbsent(groupId, g -> new HashMap<>());
        partitions.forEach(tp -> pending.merge(tp, 1, Integer::sum));
    }

    /** Ends one commit of each of {@code partitions}, applied or failed. */
    void release(String groupId, Collection<TopicPartitionRef> partitions) {
        Map<TopicPartitionRef, Integer> pending = byGroup.get(groupId);
        if (pending == null) {
            return;
        }
        partitions.forEach(tp -> pending.computeIfPresent(tp, (k, n) -> n > 1 ? n - 1 : null));
        if (pending.isEmpty()) {
            byGroup.remove(groupId);
        }
    }

    /** The partitions of {@code groupId} with a commit in flight (a read-only view). */
    Set<TopicPartitionRef> partitions(String groupId) {
        return byGroup.getOrDefault(groupId, Map.of()).keySet();
    }
}
