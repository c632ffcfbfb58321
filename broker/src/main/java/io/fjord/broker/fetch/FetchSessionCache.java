package io.fjord.broker.fetch;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.TopicImage;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.Uuid;
import io.fjord.protocol.message.FetchRequest;
import io.fjord.protocol.message.FetchRequest.FetchTopic;
import io.fjord.protocol.message.FetchRequest.ForgottenTopic;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * The incremental fetch sessions of this broker (KIP-227), at most max.incremental.fetch.session.cache.slots
 * (default 1000) of them in a Caffeine cache. When it is full, a new session takes the slot of the session
 * unused for longest if that one has been idle at least {@value #EVICTION_MS} ms (Kafka's
 * min.incremental.fetch.session.eviction.ms default); otherwise the request is answered sessionless (session
 * id 0), so the fetchers that have sessions keep them instead of evicting each other round after round. {@link #newContext} turns a request's session id and epoch into a {@link FetchContext}:
 *
 * <ul>
 *   <li>v0-6, or epoch -1 (final): sessionless; a named session (id != 0) is closed first.</li>
 *   <li>epoch 0 (initial): a new session with the requested partitions (a named session is closed first); the
 *       response carries its id and the next request epoch 1.</li>
 *   <li>epoch > 0: incremental. Unknown id FETCH_SESSION_ID_NOT_FOUND; an epoch other than the session's
 *       INVALID_FETCH_SESSION_EPOCH; topic ids used by the session but not the request version (or the other
 *       way round) FETCH_SESSION_TOPIC_ID_ERROR. Otherwise requested partitions are added or updated,
 *       forgotten ones removed, the epoch advances and the whole session is read.</li>
 * </ul>
 *
 * <p>Thread-safety: thread-safe; a session is changed under its monitor.
 */
public final class FetchSessionCache {
    public static final String SLOTS_CONFIG = "max.incremental.fetch.session.cache.slots";
    public static final int DEFAULT_SLOTS = 1000;
    static final short FIRST_SESSION_VERSION = 7;
    static final short FIRST_TOPIC_ID_VERSION = 13;
    static final int INITIAL_EPOCH = 0;
    static final int FINAL_EPOCH = -1;
    static final long EVICTION_MS = 120_000;

    private final Cache<Integer, FetchSession> sessions;
    private final int slots;
    private final LongSupplier clockMs;

    /** A cache of at most {@code slots} sessions; with 0 slots every fetch is sessionless, as Kafka. */
    public FetchSessionCache(int slots) {
        this(slots, System::currentTimeMillis);
    }

    FetchSessionCache(int slots, LongSupplier clockMs) {
        this.slots = Math.max(0, slots);
        this.clockMs = clockMs;
        this.sessions = Caffeine.newBuilder().maximumSize(this.slots).executor(Runnable::run).build();
    }

    /** The cache sized by max.incremental.fetch.session.cache.slots in {@code brokerProps}. */
    public static FetchSessionCache fromBrokerProperties(java.util.Map<String, String> brokerProps) {
        String slots = brokerProps.get(SLOTS_CONFIG);
        try {
            return new FetchSessionCache(slots == null ? DEFAULT_SLOTS : Integer.parseInt(slots.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(SLOTS_CONFIG + " must be an integer, not '" + slots + "'");
        }
    }

    /** The session with {@code id}, if cached. */
    public FetchSession session(int id) {
        return sessions.getIfPresent(id);
    }

    /** How many sessions are cached (after pending evictions). */
    public long size() {
        sessions.cleanUp();
        return sessions.estimatedSize();
    }

    /** The context of {@code request} at {@code version}; topic ids are resolved against {@code image}. */
    public FetchContext newContext(FetchRequest request, short version, MetadataImage image) {
        boolean byId = version >= FIRST_TOPIC_ID_VERSION;
        List<FetchPartition> requested = partitionsOf(request, byId, image);
        if (version < FIRST_SESSION_VERSION) {
            return new FetchContext(FetchContext.Kind.SESSIONLESS, ErrorCode.NONE, requested, null);
        }
        int sessionId = request.sessionId();
        int epoch = request.sessionEpoch();
        if (epoch == FINAL_EPOCH || epoch == INITIAL_EPOCH) {
            if (sessionId != 0) {
                sessions.invalidate(sessionId);
            }
            long now = clockMs.getAsLong();
            if (epoch == FINAL_EPOCH || !makeRoom(now)) {
                return new FetchContext(FetchContext.Kind.SESSIONLESS, ErrorCode.NONE, requested, null);
            }
            FetchSession session = create(byId);
            synchronized (session) {
                session.touch(now);
                requested.forEach(session::addOrUpdate);
                return new FetchContext(FetchContext.Kind.FULL, ErrorCode.NONE, session.partitions(), session);
            }
        }
        if (epoch < FINAL_EPOCH) {
            return FetchContext.error(ErrorCode.INVALID_FETCH_SESSION_EPOCH);
        }
        FetchSession session = sessions.getIfPresent(sessionId);
        if (session == null) {
            return FetchContext.error(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
        }
        synchronized (session) {
            if (session.epoch() != epoch) {
                return FetchContext.error(ErrorCode.INVALID_FETCH_SESSION_EPOCH);
            }
            if (session.usesTopicIds() != byId) {
                return FetchContext.error(ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR);
            }
            session.touch(clockMs.getAsLong());
            requested.forEach(session::addOrUpdate);
            for (ForgottenTopic t : request.forgottenTopicsData()) {
                Object topic = byId ? t.topicId() : t.topic();
                for (int partition : t.partitions()) {
                    session.remove(new FetchSession.Key(topic, partition));
                }
            }
            session.advanceEpoch();
            return new FetchContext(FetchContext.Kind.INCREMENTAL, ErrorCode.NONE, session.partitions(), session);
        }
    }

    /** True if a new session fits: a slot is free, or the longest-unused session has been idle long enough. */
    private boolean makeRoom(long now) {
        if (slots == 0) {
            return false;
        }
        if (sessions.estimatedSize() < slots) {
            return true;
        }
        FetchSession stalest = null;
        for (FetchSession s : sessions.asMap().values()) {
            if (stalest == null || s.lastUsedMs() < stalest.lastUsedMs()) {
                stalest = s;
            }
        }
        if (stalest == null) {
            return true;
        }
        if (now - stalest.lastUsedMs() < EVICTION_MS) {
            return false;
        }
        sessions.asMap().remove(stalest.id(), stalest);
        return true;
    }

    private FetchSession create(boolean byId) {
        while (true) {
            int id = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
            FetchSession session = new FetchSession(id, byId);
            if (sessions.asMap().putIfAbsent(id, session) == null) {
                return session;
            }
        }
    }

    /** The requested partitions; a topic id unknown to {@code image} gives a partition without a name. */
    static List<FetchPartition> partitionsOf(FetchRequest request, boolean byId, MetadataImage image) {
        List<FetchPartition> fetches = new ArrayList<>();
        for (FetchTopic t : request.topics()) {
            String name = t.topic();
            Uuid id = Uuid.ZERO;
            if (byId) {
                TopicImage topic = t.topicId() == null ? null : image.topic(t.topicId());
                name = topic == null ? null : topic.name();
                id = t.topicId() == null ? Uuid.ZERO : t.topicId();
            }
            for (FetchRequest.FetchPartition p : t.partitions()) {
                fetches.add(new FetchPartition(name, id, p.partition(), p.fetchOffset(), p.partitionMaxBytes(),
                        p.currentLeaderEpoch(), p.lastFetchedEpoch()));
            }
        }
        return fetches;
    }
}
