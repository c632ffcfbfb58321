package io.fjord.coordinator;

import java.util.List;

/**
 * An OffsetCommit call for one group, independent of the wire version. {@code generationId} -1 with an empty
 * {@code memberId} is a commit from outside the group (admin tools, assign()-only consumers), accepted only
 * while the group has no members. The handler has already answered partitions of unknown topics. Immutable.
 */
public record CommitRequest(String groupId, String memberId, String groupInstanceId, int generationId,
                            List<Offset> offsets) {
    /** {@code leaderEpoch} -1 when unknown; {@code metadata} may be null. */
    public record Offset(TopicPartitionRef partition, long offset, int leaderEpoch, String metadata) {
    }

    public CommitRequest {
        memberId = memberId == null ? "" : memberId;
        offsets = List.copyOf(offsets);
    }
}
