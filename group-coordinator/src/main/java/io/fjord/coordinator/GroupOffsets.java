package io.fjord.coordinator;

import io.fjord.protocol.ErrorCode;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The offsets side of the coordinator: committed offsets as applied from {@code __consumer_offsets}
 * ({@link OffsetStore}), commits still in flight ({@link PendingCommits}), and the decisions OffsetCommit,
 * OffsetFetch, OffsetDelete, DeleteGroups and retention take on them. It decides records; the coordinator appends
 * them and, once appended, applies them through {@link #apply}. Not thread-safe: guarded by the owning
 * {@link GroupCoordinator}'s monitor.
 */
final class GroupOffsets {
    /** What an OffsetCommit writes: per partition NONE or OFFSET_METADATA_TOO_LARGE, and the records to append. */
    record CommitPlan(Map<TopicPartitionRef, ErrorCode> errors, Map<TopicPartitionRef, CoordinatorRecord> records) {
    }

    private final OffsetStore store = new OffsetStore();
    private final PendingCommits inFlight = new PendingCommits();
    private final OffsetRetention retention;
    private final int metadataMaxBytes;

    GroupOffsets(long retentionMs, int metadataMaxBytes) {
        this.retention = new OffsetRetention(retentionMs);
        this.metadataMaxBytes = metadataMaxBytes;
    }

    /**
     * The records of a commit at {@code nowMs}: a partition whose metadata is longer than
     * {@code offset.metadata.max.bytes} gets OFFSET_METADATA_TOO_LARGE and no record; null metadata is stored as "".
     * The last entry of a partition named twice wins. A {@code retentionTimeMs} other than -1 stores the expire
     * timestamp {@code nowMs + retentionTimeMs} with each offset (a version 1 value), which retention obeys.
     */
    CommitPlan planCommit(String groupId, List<CommitRequest.Offset> offsets, long retentionTimeMs, long nowMs) {
        long expireTimestampMs = retentionTimeMs == -1 ? -1 : nowMs + retentionTimeMs;
        Map<TopicPartitionRef, ErrorCode> errors = new LinkedHashMap<>();
        Map<TopicPartitionRef, CoordinatorRecord> records = new LinkedHashMap<>();
        for (CommitRequest.Offset o : offsets) {
            String metadata = o.metadata() == null ? "" : o.metadata();
            if (metadata.length() > metadataMaxBytes) {
                errors.put(o.partition(), ErrorCode.OFFSET_METADATA_TOO_LARGE);
                records.remove(o.partition());
                continue;
            }
            errors.remove(o.partition());
            records.put(o.partition(), new CoordinatorRecord(OffsetsTopicFormat.offsetKey(groupId, o.partition()),
                    OffsetsTopicFormat.offsetValue(new CommittedOffset(o.offset(), o.leaderEpoch(), metadata, nowMs),
                            expireTimestampMs)));
        }
        return new CommitPlan(errors, records);
    }

    void commitStarted(String groupId, Set<TopicPartitionRef> partitions) {
        inFlight.add(groupId, partitions);
    }

    void commitEnded(String groupId, Set<TopicPartitionRef> partitions) {
        inFlight.release(groupId, partitions);
    }

    /** The applied offsets of {@code partitions} that exist, or every one of the group when it is null. */
    Map<TopicPartitionRef, CommittedOffset> fetch(String groupId, List<TopicPartitionRef> partitions) {
        Map<TopicPartitionRef, CommittedOffset> found = new LinkedHashMap<>();
        Map<TopicPartitionRef, OffsetStore.Entry> stored = store.offsets(groupId);
        if (partitions == null) {
            stored.forEach((tp, e) -> found.put(tp, e.offset()));
        } else {
            for (TopicPartitionRef tp : partitions) {
                OffsetStore.Entry e = stored.get(tp);
                if (e != null) {
                    found.put(tp, e.offset());
                }
            }
        }
        return found;
    }

    /**
     * The partitions with an offset or a commit in flight: what deleting the group must tombstone (the log applies
     * a commit in flight before the tombstones, so none survives).
     */
    Set<TopicPartitionRef> offsetsAndCommitsInFlight(String groupId) {
        Set<TopicPartitionRef> partitions = new LinkedHashSet<>(store.offsets(groupId).keySet());
        partitions.addAll(inFlight.partitions(groupId));
        return partitions;
    }

    boolean hasOffsetOrCommitInFlight(String groupId, TopicPartitionRef partition) {
        return store.get(groupId, partition) != null || inFlight.partitions(groupId).contains(partition);
    }

    /** The retention decision for {@code groupId} at {@code nowMs}; {@code group} is null for offsets without one. */
    OffsetRetention.Decision expiry(String groupId, ClassicGroup group, long nowMs) {
        return retention.decide(group, store.offsets(groupId), inFlight.partitions(groupId), nowMs);
    }

    /** Applies an offset commit record (a null {@code value} is a tombstone). */
    void apply(OffsetsTopicFormat.OffsetKey key, byte[] value) {
        if (value == null) {
            store.remove(key.groupId(), key.partition());
        } else {
            OffsetsTopicFormat.OffsetValue decoded = OffsetsTopicFormat.decodeOffsetValue(value);
            store.put(key.groupId(), key.partition(), decoded.offset(), decoded.expireTimestampMs());
        }
    }

    boolean hasOffsets(String groupId) {
        return store.hasOffsets(groupId);
    }

    Set<String> groupIds() {
        return store.groupIds();
    }

    /** The number of applied offsets, over every group. */
    int count() {
        return store.count();
    }

    void removeGroup(String groupId) {
        store.removeGroup(groupId);
    }
}
