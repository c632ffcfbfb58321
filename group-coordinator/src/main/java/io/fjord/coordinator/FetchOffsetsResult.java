package io.fjord.coordinator;

import io.fjord.protocol.ErrorCode;

import java.util.Map;

/**
 * What an OffsetFetch call answers for one group: a group-level error, else the committed offset of each partition
 * asked for (or of every partition with one, when none were named). A partition without a committed offset is
 * absent from {@code offsets}; the handler answers it with offset -1. Immutable.
 */
public record FetchOffsetsResult(ErrorCode error, Map<TopicPartitionRef, CommittedOffset> offsets) {
    public FetchOffsetsResult {
        offsets = Map.copyOf(offsets);
    }

    public static FetchOffsetsResult error(ErrorCode error) {
        return new FetchOffsetsResult(error, Map.of());
    }
}
