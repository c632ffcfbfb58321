package io.fjord.coordinator;

import java.util.List;

/**
 * An OffsetCommit call for one group, independent of the wire version. {@code generationId} -1 with an empty
 * {@code memberId} is a commit from outside the group (admin tools, assign()-only consumers), accepted only
 * while the group has no members. The handler has already answered partitions of unknown topics.
 * {@code retentionTimeMs} is OffsetCommit v2-4's retention time: -1 (the default, and always from v5) lets
 * offsets.retention.minutes apply; any other value gives the offsets an explicit expire timestamp of commit time
 * plus it, as Kafka 4 still does. Immutable.
 */
public record CommitRequest(String groupId, String memberId, String groupInstanceId, int generationId,
                            List<Offset> offsets, long retentionTimeMs) {
    /** {@code leaderEpoch} -1 when unknown; {@code metadata} may be null. */
    public record Offset(TopicPartitionRef partition, long offset, int leaderEpoch, String metadata) {
    }

    public CommitRequest {
        memberId = memberId == null ? "" : memberId;
        offsets = List.copyOf(offsets);
    }

    /** A commit without a retention time (-1). */
    public CommitRequest(String groupId, String memberId, String groupInstanceId, int generationId,
                         List<Offset> offsets) {
        this(groupId, memberId, groupInstanceId, generationId, offsets, -1);
    }
}
