package io.fjord.coordinator;

import io.fjord.protocol.ErrorCode;

import java.util.Map;

/**
 * What an OffsetDelete call answers: a group-level error (GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP for a group whose
 * members use a non-consumer protocol, coordinator errors), else one error per partition: NONE, or
 * GROUP_SUBSCRIBED_TO_TOPIC while a Stable consumer group subscribes to its topic. Immutable.
 */
public record DeleteOffsetsResult(ErrorCode error, Map<TopicPartitionRef, ErrorCode> partitions) {
    public DeleteOffsetsResult {
        partitions = Map.copyOf(partitions);
    }
}
