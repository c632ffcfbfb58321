package io.fjord.log;

/**
 * What a produce response reports for an append: the offsets given to its first and last records, the
 * log append time stamped on its batches (-1 for CreateTime topics and follower appends) and the log
 * start offset. Immutable.
 */
public record AppendResult(long firstOffset, long lastOffset, long logAppendTime, long logStartOffset) {
}
