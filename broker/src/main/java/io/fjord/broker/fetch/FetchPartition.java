package io.fjord.broker.fetch;

import io.fjord.protocol.Uuid;

/**
 * One partition a fetch reads: where it is (topic name and, from Fetch v13, topic id) and what the fetcher
 * asked (offset, byte limit, epochs), plus, inside a fetch session, what the fetcher was last told (high
 * watermark, log start offset, last stable offset), so that an incremental response can leave out a partition
 * nothing changed for.
 *
 * <p>{@code topic} is null for a topic id this broker does not know. Mutable: a session updates the request
 * fields from each incremental request and the last-sent fields from each response. Not thread-safe: a
 * session is used under its own lock.
 */
public final class FetchPartition {
    private final String topic;
    private final Uuid topicId;
    private final int partition;
    private long fetchOffset;
    private int maxBytes;
    private int currentLeaderEpoch;
    private int lastFetchedEpoch;
    private long sentHighWatermark = -1;
    private long sentLogStartOffset = -1;
    private long sentLastStableOffset = -1;

    public FetchPartition(String topic, Uuid topicId, int partition, long fetchOffset, int maxBytes,
                          int currentLeaderEpoch, int lastFetchedEpoch) {
        this.topic = topic;
        this.topicId = topicId == null ? Uuid.ZERO : topicId;
        this.partition = partition;
        update(fetchOffset, maxBytes, currentLeaderEpoch, lastFetchedEpoch);
    }

    /** Takes the fetch parameters of a newer request for this partition. */
    public void update(long fetchOffset, int maxBytes, int currentLeaderEpoch, int lastFetchedEpoch) {
        this.fetchOffset = fetchOffset;
        this.maxBytes = maxBytes;
        this.currentLeaderEpoch = currentLeaderEpoch;
        this.lastFetchedEpoch = lastFetchedEpoch;
    }

    public String topic() {
        return topic;
    }

    public Uuid topicId() {
        return topicId;
    }

    public int partition() {
        return partition;
    }

    public long fetchOffset() {
        return fetchOffset;
    }

    public int maxBytes() {
        return maxBytes;
    }

    public int currentLeaderEpoch() {
        return currentLeaderEpoch;
    }

    public int lastFetchedEpoch() {
        return lastFetchedEpoch;
    }

    /**
     * Records what a response tells the fetcher about this partition and says whether an incremental response
     * must include it: it has records or an error, or its high watermark, log start offset or last stable
     * offset differ from what was last sent.
     */
    public boolean recordSent(boolean hasRecords, boolean hasError, long highWatermark, long logStartOffset,
                              long lastStableOffset) {
        boolean changed = highWatermark != sentHighWatermark || logStartOffset != sentLogStartOffset
                || lastStableOffset != sentLastStableOffset;
        sentHighWatermark = highWatermark;
        sentLogStartOffset = logStartOffset;
        sentLastStableOffset = lastStableOffset;
        return hasRecords || hasError || changed;
    }

    @Override
    public String toString() {
        return (topic != null ? topic : topicId.toString()) + "-" + partition + "@" + fetchOffset;
    }
}
