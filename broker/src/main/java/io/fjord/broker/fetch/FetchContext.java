package io.fjord.broker.fetch;

import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.FetchResponse;
import io.fjord.protocol.message.FetchResponse.FetchableTopicResponse;
import io.fjord.protocol.message.FetchResponse.PartitionData;

import java.util.ArrayList;
import java.util.List;

/**
 * What one Fetch request reads and how its response is shaped (KIP-227): sessionless (every requested
 * partition, session id 0), a full session fetch (every requested partition, the new session's id), an
 * incremental one (every partition of the session is read; the response names only those with records, an
 * error or a changed high watermark / log start offset / last stable offset), or a session error
 * (FETCH_SESSION_ID_NOT_FOUND, INVALID_FETCH_SESSION_EPOCH, FETCH_SESSION_TOPIC_ID_ERROR: a top-level error,
 * session id 0, no partitions). Made by {@link FetchSessionCache#newContext}.
 *
 * <p>Thread-safety: immutable itself; {@link #response} takes the session's monitor.
 */
public final class FetchContext {
    enum Kind { SESSIONLESS, FULL, INCREMENTAL, ERROR }

    private final Kind kind;
    private final ErrorCode error;
    private final List<FetchPartition> partitions;
    private final FetchSession session;

    FetchContext(Kind kind, ErrorCode error, List<FetchPartition> partitions, FetchSession session) {
        this.kind = kind;
        this.error = error;
        this.partitions = List.copyOf(partitions);
        this.session = session;
    }

    static FetchContext error(ErrorCode error) {
        return new FetchContext(Kind.ERROR, error, List.of(), null);
    }

    /** NONE, or the session error the whole request is answered with. */
    public ErrorCode error() {
        return error;
    }

    /** The partitions to read, in order. */
    public List<FetchPartition> partitions() {
        return partitions;
    }

    /** The session id the response carries: 0 unless the request is part of a session. */
    public int responseSessionId() {
        return session == null ? 0 : session.id();
    }

    public boolean isIncremental() {
        return kind == Kind.INCREMENTAL;
    }

    /**
     * The response for {@code results} (one per {@link #partitions()} entry, in order): consecutive partitions of
     * a topic grouped under it; in an incremental session only the partitions with news.
     */
    public FetchResponse response(List<FetchReader.Result> results, boolean readCommitted) {
        if (kind == Kind.ERROR) {
            return new FetchResponse().setErrorCode(error.code()).setSessionId(0).setResponses(new ArrayList<>());
        }
        List<FetchReader.Result> included = new ArrayList<>(results.size());
        if (session == null) {
            included.addAll(results);
        } else {
            synchronized (session) {
                for (FetchReader.Result r : results) {
                    boolean news = r.partition().recordSent(r.bytes() > 0,
                            r.error() != ErrorCode.NONE || r.divergingEpoch() != null,
                            r.highWatermark(), r.logStartOffset(), r.lastStableOffset());
                    if (kind == Kind.FULL || news) {
                        included.add(r);
                    }
                    if (r.bytes() > 0) {
                        session.moveToEnd(r.partition());
                    }
                }
            }
        }
        return new FetchResponse().setErrorCode(ErrorCode.NONE.code()).setSessionId(responseSessionId())
                .setResponses(group(included, readCommitted));
    }

    private static List<FetchableTopicResponse> group(List<FetchReader.Result> results, boolean readCommitted) {
        List<FetchableTopicResponse> topics = new ArrayList<>();
        FetchableTopicResponse current = null;
        for (FetchReader.Result r : results) {
            FetchPartition p = r.partition();
            String name = p.topic() == null ? "" : p.topic();
            if (current == null || !current.topicId().equals(p.topicId()) || !current.topic().equals(name)) {
                current = new FetchableTopicResponse().setTopic(name).setTopicId(p.topicId())
                        .setPartitions(new ArrayList<>());
                topics.add(current);
            }
            current.partitions().add(partitionData(r, readCommitted));
        }
        return topics;
    }

    private static PartitionData partitionData(FetchReader.Result r, boolean readCommitted) {
        PartitionData d = new PartitionData().setPartitionIndex(r.partition().partition())
                .setErrorCode(r.error().code()).setHighWatermark(r.highWatermark())
                .setLastStableOffset(r.lastStableOffset()).setLogStartOffset(r.logStartOffset())
                .setAbortedTransactions(readCommitted && r.error() == ErrorCode.NONE ? new ArrayList<>() : null)
                .setPreferredReadReplica(-1).setRecords(r.records());
        if (r.divergingEpoch() != null) {
            d.setDivergingEpoch(new FetchResponse.EpochEndOffset().setEpoch(r.divergingEpoch().epoch())
                    .setEndOffset(r.divergingEpoch().endOffset()));
        }
        if (r.leaderId() >= 0) {
            d.setCurrentLeader(new FetchResponse.LeaderIdAndEpoch().setLeaderId(r.leaderId())
                    .setLeaderEpoch(r.leaderEpoch()));
        }
        return d;
    }
}
