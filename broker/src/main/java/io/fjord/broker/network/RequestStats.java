package io.fjord.broker.network;

import io.fjord.broker.api.ApiHandler;
import io.fjord.broker.api.ApiHandlerRegistry;
import io.fjord.broker.api.RequestTimes;
import io.fjord.metrics.BrokerMetrics;
import io.fjord.metrics.RequestMetrics;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.FetchRequest;

/**
 * The broker's kafka.network RequestMetrics: one {@link RequestMetrics} per API the registry serves (Kafka's
 * API name, e.g. "Produce", "Metadata"), in an array indexed by API key, plus "FetchConsumer" and
 * "FetchFollower". As in Kafka, a Fetch is recorded twice, under "Fetch" and under "FetchConsumer" or
 * "FetchFollower" (by the request's replica id), while its ErrorsPerSec go to "Fetch" only.
 *
 * <p>All series are registered by the constructor (RequestsPerSec and ErrorsPerSec on first use of a version
 * or error code); recording is array indexing, LongAdder adds and timer records. With metrics disabled or
 * recording paused ({@link BrokerMetrics#recording()}) nothing is recorded. Thread-safe.
 */
public final class RequestStats {
    private static final RequestStats DISABLED = new RequestStats();

    private final BrokerMetrics metrics;
    private final RequestMetrics[] byApiKey;
    private final RequestMetrics fetchConsumer;
    private final RequestMetrics fetchFollower;

    private RequestStats() {
        metrics = BrokerMetrics.noop();
        byApiKey = new RequestMetrics[0];
        fetchConsumer = null;
        fetchFollower = null;
    }

    public RequestStats(BrokerMetrics metrics, ApiHandlerRegistry registry) {
        this.metrics = metrics;
        int maxKey = -1;
        for (ApiHandler<?> handler : registry.handlers()) {
            maxKey = Math.max(maxKey, handler.apiKey().id());
        }
        byApiKey = new RequestMetrics[metrics.enabled() ? maxKey + 1 : 0];
        RequestMetrics consumer = null;
        RequestMetrics follower = null;
        if (metrics.enabled()) {
            for (ApiHandler<?> handler : registry.handlers()) {
                ApiKey key = handler.apiKey();
                byApiKey[key.id()] = new RequestMetrics(metrics, key.protocolName(), handler.maxVersion());
                if (key == ApiKey.FETCH) {
                    consumer = new RequestMetrics(metrics, key.protocolName() + "Consumer", handler.maxVersion());
                    follower = new RequestMetrics(metrics, key.protocolName() + "Follower", handler.maxVersion());
                }
            }
        }
        fetchConsumer = consumer;
        fetchFollower = follower;
    }

    /** Records nothing (metrics disabled, or a server without metrics). */
    public static RequestStats disabled() {
        return DISABLED;
    }

    /** The series of {@code apiKey}, or null when it is not recorded. */
    public RequestMetrics of(short apiKey) {
        return apiKey >= 0 && apiKey < byApiKey.length ? byApiKey[apiKey] : null;
    }

    /**
     * Records {@code request}, answered with {@code response} (null: no response was sent) whose write started at
     * {@code sendStart} and completed at {@code sent}.
     */
    void record(Request request, ApiMessage response, long sendStart, long sent) {
        short apiKey = request.context().header().apiKey();
        RequestMetrics series = of(apiKey);
        if (series == null || !metrics.recording()) {
            return;
        }
        RequestTimes t = request.context().times();
        int version = request.context().apiVersion();
        series.record(version, t.received(), t.dispatched(), t.localDone(), t.answered(), sendStart, sent);
        if (apiKey == ApiKey.FETCH.id() && fetchConsumer != null && request.body() instanceof FetchRequest fetch) {
            RequestMetrics split = isFromFollower(fetch) ? fetchFollower : fetchConsumer;
            split.record(version, t.received(), t.dispatched(), t.localDone(), t.answered(), sendStart, sent);
        }
        if (response != null) {
            ResponseErrors.count(response, series);
        }
    }

    private static boolean isFromFollower(FetchRequest fetch) {
        int replicaId = fetch.replicaState() != null && fetch.replicaState().replicaId() >= 0
                ? fetch.replicaState().replicaId() : fetch.replicaId();
        return replicaId >= 0;
    }
}
