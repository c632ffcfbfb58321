package io.fjord.coordinator;

/**
 * A group's committed position in one partition: the offset, the leader epoch of the record before it (-1 when
 * unknown), the client's metadata string and when it was committed. Immutable.
 */
public record CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestampMs) {
}
