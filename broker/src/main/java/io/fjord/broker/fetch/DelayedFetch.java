package io.fjord.broker.fetch;

import io.fjord.replication.DelayedOperation;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A fetch waiting in the purgatory for min.bytes to become readable, for at most max.wait.ms: it completes
 * when its partitions hold at least min.bytes past their fetch offsets (each within its partition limit), or
 * one of them has an error (a leadership or epoch change, an offset now out of range, a deleted topic), or
 * when the wait is over. Completing reads the partitions again and answers on the fetch's I/O executor, never
 * on the thread that completed it (an appender's wake-up thread or the purgatory's timer).
 *
 * <p>Thread-safety: as {@link DelayedOperation}.
 */
public final class DelayedFetch extends DelayedOperation {
    private final List<FetchPartition> fetches;
    private final int minBytes;
    private final FetchReader reader;
    private final FetchReader.Reader who;
    private final Executor executor;
    private final Runnable respond;

    /**
     * @param respond reads and answers the fetch; run on {@code executor} once the fetch completes
     */
    public DelayedFetch(long maxWaitMs, List<FetchPartition> fetches, int minBytes, FetchReader reader,
                        FetchReader.Reader who, Executor executor, Runnable respond) {
        super(maxWaitMs);
        this.fetches = fetches;
        this.minBytes = minBytes;
        this.reader = reader;
        this.who = who;
        this.executor = executor;
        this.respond = respond;
    }

    @Override
    protected boolean tryComplete() {
        return reader.satisfied(fetches, minBytes, who) && forceComplete();
    }

    @Override
    protected void onComplete() {
        try {
            executor.execute(respond);
        } catch (RejectedExecutionException e) {
            respond.run();
        }
    }
}
