package io.fjord.metrics;

import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;

/**
 * Kafka's {@code kafka.network:type=RequestMetrics} series of one request name ("Produce", "Fetch",
 * "FetchConsumer", "Metadata", ...): RequestsPerSec {request, version}, the timers TotalTimeMs,
 * RequestQueueTimeMs, LocalTimeMs, RemoteTimeMs, ResponseSendTimeMs {request} and ErrorsPerSec
 * {request, error}.
 *
 * <p>Everything is recorded into one {@link PerThreadCells}: the five timers are its phases; RequestsPerSec of
 * versions 0..maxVersion and ErrorsPerSec of codes -1..254 are its counters. {@link #record} takes the thread's
 * cell once and records the request there; {@link #countError} adds to the same cell. The timers are registered
 * by the constructor; a RequestsPerSec meter the first time its version is seen and an ErrorsPerSec meter the
 * first time its error code is (as Kafka creates them lazily): a thread registers (idempotently) when its own
 * counter of the version or code was 0, so the hot path never looks a meter up. Versions and codes outside those
 * ranges (none in Kafka 4.1) get meters of their own, looked up by name.
 *
 * <p>Phases of one request, in {@link System#nanoTime()} stamps (see {@link #record}): received (frame
 * decoded) -> dispatched (handler starts; RequestQueueTimeMs) -> local work done (LocalTimeMs) -> answer
 * ready (RemoteTimeMs: the purgatory wait, 0 when the handler did not wait) ... response write starts ->
 * written (ResponseSendTimeMs); TotalTimeMs from received to written.
 *
 * <p>Thread-safe: recording may happen on any thread (each recording thread gets a 27 KB cell for its life, so
 * record from a fixed set of threads: the event loops); lazy registration races are harmless (registration is
 * idempotent and returns the same meter).
 */
public final class RequestMetrics {
    public static final String DOMAIN = "kafka.network";
    public static final String TYPE = "RequestMetrics";
    /** Error codes -1..254 have a counter; others (none in Kafka 4.1) are looked up by name. */
    private static final int ERROR_SLOTS = 256;
    private static final int QUEUE = 0;
    private static final int LOCAL = 1;
    private static final int REMOTE = 2;
    private static final int SEND = 3;
    private static final int TOTAL = 4;

    private final BrokerMetrics metrics;
    private final String request;
    /** Versions 0..versions-1 have a counter, at their index; error code c at {@code versions + c + 1}. */
    private final int versions;
    /** The timers and counters (null when metrics are disabled): one cell per recording thread. */
    private final PerThreadCells cells;
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
        this.versions = Math.max(0, maxVersion) + 1;
        this.requestsByVersion = new AtomicReferenceArray<>(versions);
        List<KafkaMetricName> timers = List.of(name("RequestQueueTimeMs"), name("LocalTimeMs"), name("RemoteTimeMs"),
                name("ResponseSendTimeMs"), name("TotalTimeMs"));
        this.cells = metrics.perThreadCells(timers, versions + ERROR_SLOTS);
        this.requestQueueTime = metrics.timer(timers.get(QUEUE));
        this.localTime = metrics.timer(timers.get(LOCAL));
        this.remoteTime = metrics.timer(timers.get(REMOTE));
        this.responseSendTime = metrics.timer(timers.get(SEND));
        this.totalTime = metrics.timer(timers.get(TOTAL));
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
        if (cells == null) {
            return;
        }
        PerThreadCells.Cell cell = cells.cell();
        if (version >= 0 && version < versions) {
            if (cell.add(version, 1) == 0) {
                requests(version);
            }
        } else {
            requests(version).mark();
        }
        cell.record(QUEUE, dispatched - received);
        cell.record(LOCAL, localDone - dispatched);
        cell.record(REMOTE, answered - localDone);
        cell.record(SEND, sent - sendStart);
        cell.record(TOTAL, sent - received);
    }

    /**
     * Counts one error code of a response into ErrorsPerSec; {@code errorName} (Kafka's name, e.g. "NONE") is
     * read only when the code's meter is registered.
     */
    public void countError(int code, IntFunction<String> errorName) {
        int slot = code + 1;
        if (cells == null || slot < 0 || slot >= ERROR_SLOTS) {
            errors(code, errorName).mark();
        } else if (cells.cell().add(versions + slot, 1) == 0) {
            errors(code, errorName);
        }
    }

    /** RequestsPerSec {request, version}; registered on first use. */
    public KafkaMeter requests(int version) {
        KafkaMeter meter = cachedOrNull(requestsByVersion, version);
        return meter != null ? meter : register(requestsByVersion, version, version, KafkaMetricName.of(DOMAIN, TYPE,
                "RequestsPerSec", "request", request, "version", String.valueOf(version)));
    }

    /**
     * ErrorsPerSec {request, error} of error code {@code code}; {@code errorName} (Kafka's name, e.g. "NONE",
     * "UNKNOWN_TOPIC_OR_PARTITION") is read only the first time the code is seen.
     */
    public KafkaMeter errors(int code, IntFunction<String> errorName) {
        KafkaMeter meter = cachedOrNull(errorsByCode, code + 1);
        return meter != null ? meter : register(errorsByCode, code + 1, versions + code + 1, KafkaMetricName.of(DOMAIN,
                TYPE, "ErrorsPerSec", "request", request, "error", errorName.apply(code)));
    }

    private static KafkaMeter cachedOrNull(AtomicReferenceArray<KafkaMeter> meters, int slot) {
        return slot >= 0 && slot < meters.length() ? meters.get(slot) : null;
    }

    /**
     * Registers (idempotently) the meter {@code name}, counting into counter {@code counter} of the cells when
     * its {@code slot} exists, and caches it in that slot.
     */
    private KafkaMeter register(AtomicReferenceArray<KafkaMeter> meters, int slot, int counter, KafkaMetricName name) {
        if (cells == null || slot < 0 || slot >= meters.length()) {
            return metrics.meter(name, "requests");
        }
        KafkaMeter meter = metrics.meter(name, "requests", cells.counter(counter));
        meters.set(slot, meter);
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
