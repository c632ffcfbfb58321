package io.fjord.metrics;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;

/**
 * Kafka's {@code kafka.network:type=RequestMetrics} series of one request name ("Produce", "Fetch",
 * "FetchConsumer", "Metadata", ...): RequestsPerSec {request, version}, the timers TotalTimeMs,
 * RequestQueueTimeMs, LocalTimeMs, RemoteTimeMs, ResponseSendTimeMs {request} and ErrorsPerSec
 * {request, error}.
 *
 * <p>The timers are registered by the constructor; a RequestsPerSec meter the first time its version is seen
 * and an ErrorsPerSec meter the first time its error code is (as Kafka creates them lazily), then kept in
 * arrays indexed by version and by error code: the hot path never looks a meter up by name.
 *
 * <p>Phases of one request, in {@link System#nanoTime()} stamps (see {@link #record}): received (frame
 * decoded) -> dispatched (handler starts; RequestQueueTimeMs) -> local work done (LocalTimeMs) -> answer
 * ready (RemoteTimeMs: the purgatory wait, 0 when the handler did not wait) ... response write starts ->
 * written (ResponseSendTimeMs); TotalTimeMs from received to written.
 *
 * <p>Thread-safe: recording may happen on any thread; lazy registration races are harmless (registration is
 * idempotent and returns the same meter).
 */
public final class RequestMetrics {
    public static final String DOMAIN = "kafka.network";
    public static final String TYPE = "RequestMetrics";
    /** Error codes -1..254 have an array slot; others (none in Kafka 4.1) are looked up by name. */
    private static final int ERROR_SLOTS = 256;

    private final BrokerMetrics metrics;
    private final String request;
    private final AtomicReferenceArray<KafkaMeter> requestsByVersion;
    private final AtomicReferenceArray<KafkaMeter> errorsByCode = new AtomicReferenceArray<>(ERROR_SLOTS);
    private final KafkaTimer totalTime;
    private final KafkaTimer requestQueueTime;
    private final KafkaTimer localTime;
    private final KafkaTimer remoteTime;
    private final KafkaTimer responseSendTime;

    /** The series of {@code request} (Kafka's API name), versions 0..{@code maxVersion}. */
    public RequestMetrics(BrokerMetrics metrics, String request, int maxVersion) {
        this.metrics = metrics;
        this.request = request;
        this.requestsByVersion = new AtomicReferenceArray<>(Math.max(0, maxVersion) + 1);
        this.totalTime = metrics.timer(name("TotalTimeMs"));
        this.requestQueueTime = metrics.timer(name("RequestQueueTimeMs"));
        this.localTime = metrics.timer(name("LocalTimeMs"));
        this.remoteTime = metrics.timer(name("RemoteTimeMs"));
        this.responseSendTime = metrics.timer(name("ResponseSendTimeMs"));
    }

    private KafkaMetricName name(String name) {
        return KafkaMetricName.of(DOMAIN, TYPE, name, "request", request);
    }

    /**
     * Records one request: RequestsPerSec of {@code version} and the five timers. Stamps are
     * {@link System#nanoTime()} values in phase order; {@code localDone} is the end of the local work
     * ({@code == answered} when the handler did not wait in a purgatory); {@code sendStart == sent} for a
     * request that gets no response.
     */
    public void record(int version, long received, long dispatched, long localDone, long answered, long sendStart,
                       long sent) {
        requests(version).mark();
        requestQueueTime.recordNanos(dispatched - received);
        localTime.recordNanos(localDone - dispatched);
        remoteTime.recordNanos(answered - localDone);
        responseSendTime.recordNanos(sent - sendStart);
        totalTime.recordNanos(sent - received);
    }

    /** RequestsPerSec {request, version}; registered on first use. */
    public KafkaMeter requests(int version) {
        KafkaMeter meter = cachedOrNull(requestsByVersion, version);
        return meter != null ? meter : register(requestsByVersion, version, KafkaMetricName.of(DOMAIN, TYPE,
                "RequestsPerSec", "request", request, "version", String.valueOf(version)));
    }

    /**
     * ErrorsPerSec {request, error} of error code {@code code}; {@code errorName} (Kafka's name, e.g. "NONE",
     * "UNKNOWN_TOPIC_OR_PARTITION") is read only the first time the code is seen.
     */
    public KafkaMeter errors(int code, IntFunction<String> errorName) {
        KafkaMeter meter = cachedOrNull(errorsByCode, code + 1);
        return meter != null ? meter : register(errorsByCode, code + 1, KafkaMetricName.of(DOMAIN, TYPE,
                "ErrorsPerSec", "request", request, "error", errorName.apply(code)));
    }

    private static KafkaMeter cachedOrNull(AtomicReferenceArray<KafkaMeter> meters, int slot) {
        return slot >= 0 && slot < meters.length() ? meters.get(slot) : null;
    }

    /** Registers (idempotently) the meter {@code name} and caches it in {@code slot} when the slot exists. */
    private KafkaMeter register(AtomicReferenceArray<KafkaMeter> meters, int slot, KafkaMetricName name) {
        KafkaMeter meter = metrics.meter(name, "requests");
        if (slot >= 0 && slot < meters.length()) {
            meters.set(slot, meter);
        }
        return meter;
    }

    public KafkaTimer totalTime() {
        return totalTime;
    }

    public KafkaTimer requestQueueTime() {
        return requestQueueTime;
    }

    public KafkaTimer localTime() {
        return localTime;
    }

    public KafkaTimer remoteTime() {
        return remoteTime;
    }

    public KafkaTimer responseSendTime() {
        return responseSendTime;
    }
}
