package io.fjord.log;

/**
 * What the log manager knows about a partition log before opening it, from its checkpoint files and
 * clean-shutdown marker. Immutable.
 *
 * @param cleanShutdown  the previous broker run closed the log: trust every segment, scan nothing
 * @param recoveryPoint  the offset below which everything was flushed; after an unclean shutdown, the
 *                       segment holding it and every later one are recovered (batches re-verified)
 * @param logStartOffset the checkpointed log start offset (DeleteRecords may have moved it into a segment)
 */
public record LoadState(boolean cleanShutdown, long recoveryPoint, long logStartOffset) {
    /** For a partition whose directory is new. */
    public static final LoadState NEW = new LoadState(true, 0, 0);
}
