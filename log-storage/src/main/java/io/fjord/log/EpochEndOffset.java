package io.fjord.log;

/**
 * An OffsetForLeaderEpoch answer: the largest epoch at or below the one asked for, and the offset where it
 * ended (the start of the next epoch, or the log end offset for the latest). {@link #UNDEFINED} (-1, -1) when
 * the epoch cannot be answered.
 */
public record EpochEndOffset(int epoch, long endOffset) {
    public static final int UNDEFINED_EPOCH = -1;
    public static final long UNDEFINED_OFFSET = -1L;
    public static final EpochEndOffset UNDEFINED = new EpochEndOffset(UNDEFINED_EPOCH, UNDEFINED_OFFSET);
}
