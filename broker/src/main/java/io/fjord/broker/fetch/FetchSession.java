package io.fjord.broker.fetch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * An incremental fetch session (KIP-227): the partitions one fetcher reads, with their latest fetch parameters
 * and what it was last told about each, so that its requests name only partitions whose parameters changed
 * and its responses only partitions with news.
 *
 * <p>Invariants: {@code epoch} is the epoch the next incremental request must carry (1 after creation, then
 * +1 per request, wrapping from Integer.MAX_VALUE to 1); partitions are keyed by topic name (Fetch v7-12)
 * or topic id (v13+), never both in one session ({@link #usesTopicIds}). Partitions that returned records move
 * to the end of the iteration order, so a response's byte limit does not starve later partitions.
 * Thread-safety: callers hold the session's monitor ({@code synchronized (session)}) for every use.
 */
public final class FetchSession {
    /** A partition of the session: a topic name or topic id, and the partition index. */
    public record Key(Object topic, int partition) {
    }

    private final int id;
    private final boolean usesTopicIds;
    private final LinkedHashMap<Key, FetchPartition> partitions = new LinkedHashMap<>();
    private int epoch;
    /** When a request last used this session (ms); read without the monitor by the cache's eviction. */
    private volatile long lastUsedMs;

    FetchSession(int id, boolean usesTopicIds) {
        this(id, usesTopicIds, 1);
    }

    FetchSession(int id, boolean usesTopicIds, int epoch) {
        this.id = id;
        this.usesTopicIds = usesTopicIds;
        this.epoch = epoch;
    }

    public int id() {
        return id;
    }

    public boolean usesTopicIds() {
        return usesTopicIds;
    }

    /** The epoch the next incremental request must carry. */
    public int epoch() {
        return epoch;
    }

    void touch(long nowMs) {
        lastUsedMs = nowMs;
    }

    long lastUsedMs() {
        return lastUsedMs;
    }

    void advanceEpoch() {
        epoch = epoch == Integer.MAX_VALUE ? 1 : epoch + 1;
    }

    public Key keyOf(FetchPartition p) {
        return new Key(usesTopicIds ? p.topicId() : p.topic(), p.partition());
    }

    /** Adds {@code p}, or takes its fetch parameters if the session has the partition already. */
    void addOrUpdate(FetchPartition p) {
        FetchPartition existing = partitions.get(keyOf(p));
        if (existing == null) {
            partitions.put(keyOf(p), p);
        } else {
            existing.update(p.fetchOffset(), p.maxBytes(), p.currentLeaderEpoch(), p.lastFetchedEpoch());
        }
    }

    void remove(Key key) {
        partitions.remove(key);
    }

    /** The partitions in fetch order. */
    public List<FetchPartition> partitions() {
        return new ArrayList<>(partitions.values());
    }

    /** Moves {@code p} to the end of the fetch order. */
    void moveToEnd(FetchPartition p) {
        Key key = keyOf(p);
        FetchPartition current = partitions.remove(key);
        if (current != null) {
            partitions.put(key, current);
        }
    }

    public int size() {
        return partitions.size();
    }
}
