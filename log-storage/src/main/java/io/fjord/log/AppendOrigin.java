package io.fjord.log;

/**
 * Who asks for a leader append, which decides the rules it is held to (as Kafka's append origins do). Every
 * leader append is checked for size, CRC and producer sequence; a {@link #CLIENT}'s is also held to exactly one
 * magic-2 batch, a consistent offset range, no control batch, a sequence with its producer id, record offsets in
 * order, keys on compacted topics, CreateTime bounds, and transactional batches only inside an ongoing
 * transaction (see {@link LeaderAppendValidator}). The broker's own appends ({@link #COORDINATOR}) are trusted
 * for those (Kafka checks keys and timestamps for them too; ours always pass).
 */
public enum AppendOrigin {
    /** A producer's Produce request. */
    CLIENT,
    /** The broker itself: coordinators' internal topics, transaction markers. */
    COORDINATOR
}
