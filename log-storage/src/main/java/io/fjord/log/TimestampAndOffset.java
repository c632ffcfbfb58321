package io.fjord.log;

/**
 * A record found by timestamp (ListOffsets): its timestamp, offset and the partition leader epoch of
 * its batch. Immutable.
 */
public record TimestampAndOffset(long timestamp, long offset, int leaderEpoch) {
}
