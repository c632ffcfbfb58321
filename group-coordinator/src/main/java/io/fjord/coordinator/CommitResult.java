package io.fjord.coordinator;

import io.fjord.protocol.ErrorCode;

import java.util.Map;

/** What an OffsetCommit call answers: one error per partition asked for (NONE when stored). Immutable. */
public record CommitResult(Map<TopicPartitionRef, ErrorCode> errors) {
    public CommitResult {
        errors = Map.copyOf(errors);
    }
}
