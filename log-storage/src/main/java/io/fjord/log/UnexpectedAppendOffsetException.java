package io.fjord.log;

/**
 * A follower append whose batches do not start at or after the log end offset or whose offsets do not
 * increase; the replica fetcher decides what to do (usually truncate and refetch). Nothing was written.
 */
public class UnexpectedAppendOffsetException extends RuntimeException {
    private final long firstOffset;

    public UnexpectedAppendOffsetException(String message, long firstOffset) {
        super(message);
        this.firstOffset = firstOffset;
    }

    public long firstOffset() {
        return firstOffset;
    }
}
