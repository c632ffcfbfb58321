package io.fjord.coordinator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kafka's offset expiry condition for one group: in an Empty group that had a protocol type an offset expires
 * {@code offsets.retention.minutes} after the group became Empty (after its commit when that time is unknown); in a
 * group used only for commits, or for offsets left without a group, that long after its commit; in a Stable consumer
 * group whose subscriptions are known, offsets of topics no member subscribes to expire that long after their commit;
 * in any other state nothing expires. A v1 value's explicit expire timestamp wins, and an offset with a commit in
 * flight never expires. An Empty group left without offsets and without commits in flight is deleted too.
 * Stateless; reads the group under the owning {@link GroupCoordinator}'s monitor.
 */
final class OffsetRetention {
    /** The offsets to tombstone and whether the group itself goes. */
    record Decision(List<TopicPartitionRef> expired, boolean deleteGroup) {
        boolean isEmpty() {
            return expired.isEmpty() && !deleteGroup;
        }
    }

    private static final Decision NOTHING = new Decision(List.of(), false);

    private final long retentionMs;

    OffsetRetention(long retentionMs) {
        this.retentionMs = retentionMs;
    }

    /** {@code group} is null for offsets without a group. */
    Decision decide(ClassicGroup group, Map<TopicPartitionRef, OffsetStore.Entry> offsets,
                    Set<TopicPartitionRef> inFlight, long now) {
        boolean empty = group == null || group.isInState(GroupState.EMPTY);
        boolean simple = group == null || group.protocolType() == null;
        boolean stableConsumer = group != null && group.isInState(GroupState.STABLE) && group.subscriptionsKnown();
        if (!empty && !simple && !stableConsumer) {
            return NOTHING;
        }
        List<TopicPartitionRef> expired = new ArrayList<>();
        boolean allExpired = true;
        for (Map.Entry<TopicPartitionRef, OffsetStore.Entry> e : offsets.entrySet()) {
            OffsetStore.Entry entry = e.getValue();
            boolean expires;
            if (inFlight.contains(e.getKey()) || (stableConsumer && !empty && group.isSubscribedTo(e.getKey().topic()))) {
                expires = false;
            } else if (entry.expireTimestampMs() >= 0) {
                expires = now >= entry.expireTimestampMs();
            } else {
                long base = empty && !simple && group.stateTimestampMs() >= 0
                        ? group.stateTimestampMs() : entry.offset().commitTimestampMs();
                expires = now - base >= retentionMs;
            }
            if (expires) {
                expired.add(e.getKey());
            } else {
                allExpired = false;
            }
        }
        return new Decision(expired, group != null && allExpired && empty && inFlight.isEmpty());
    }
}
