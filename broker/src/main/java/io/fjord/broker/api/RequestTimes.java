package io.fjord.broker.api;

/**
 * The {@link System#nanoTime()} stamps of one request's phases, for Kafka's kafka.network RequestMetrics:
 * received (its frame was decoded), dispatched (its handler started), local work done (set by a handler
 * that then waits in a purgatory, e.g. a long-polling Fetch; otherwise the answer's time is used) and
 * answered (its handler's future completed). The send phase is timed by the
 * {@link io.fjord.broker.network.ConnectionSequencer}, which records the lot.
 *
 * <p>Thread-safety: each stamp is written once, by the thread of that phase, before the future that the next
 * phase waits on completes (which orders the write before the reads); not otherwise synchronized.
 */
public final class RequestTimes {
    private final long received;
    private long dispatched;
    private long localDone;
    private long answered;

    public RequestTimes(long receivedNanos) {
        this.received = receivedNanos;
    }

    /** Stamps for a request built outside the network pipeline (tests): received now. */
    public static RequestTimes now() {
        return new RequestTimes(System.nanoTime());
    }

    public long received() {
        return received;
    }

    public long dispatched() {
        return dispatched;
    }

    public void dispatched(long nanos) {
        dispatched = nanos;
    }

    /** The end of the handler's local work: the stamp it set, else the answer's. */
    public long localDone() {
        return localDone != 0 ? localDone : answered;
    }

    /** Called by a handler whose local work is done and that now waits (purgatory): RemoteTimeMs starts. */
    public void localWorkDone() {
        localDone = System.nanoTime();
    }

    public long answered() {
        return answered;
    }

    public void answered(long nanos) {
        answered = nanos;
    }
}
