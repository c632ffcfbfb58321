package io.fjord.protocol.records;

/** What a batch's timestamps mean: set by the producer, or stamped by the broker on append (attribute bit 3). */
public enum TimestampType {
    CREATE_TIME,
    LOG_APPEND_TIME
}
