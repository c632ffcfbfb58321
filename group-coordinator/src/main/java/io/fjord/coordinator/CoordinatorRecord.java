package io.fjord.coordinator;

/**
 * One record of {@code __consumer_offsets} as the coordinator writes and replays it: Kafka's key and value bytes
 * (offset commit keys are versions 0-1, group metadata keys version 2); a null {@code value} is a tombstone.
 * The coordinator owns the format (class {@code OffsetsTopicFormat}); the log it goes through sees only bytes. The
 * arrays are not copied: whoever builds one hands it over.
 */
public record CoordinatorRecord(byte[] key, byte[] value) {
    public CoordinatorRecord {
        if (key == null) {
            throw new IllegalArgumentException("a coordinator record needs a key");
        }
    }
}
