package io.fjord.log;

/**
 * What a produce response reports for an append: the offsets given to its first and last records, the
 * log append time stamped on its batches (-1 for CreateTime topics and follower appends) and the log
 * start offset. A retried batch that was not written again reports the original batch's offsets, and its
 * max timestamp as the log append time, as Kafka does. Immutable.
 */
public record AppendResult(long firstOffset, long lastOffset, long logAppendTime, long logStartOffset) {
}
