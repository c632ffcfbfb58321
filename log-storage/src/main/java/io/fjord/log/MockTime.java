package io.fjord.log;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Time} that only moves when told to, for tests and simulations: {@link #sleep} advances it, and
 * so does {@link #advance}. A {@link MockScheduler} built on it runs tasks as it passes their due time.
 * Thread-safe.
 */
public final class MockTime implements Time {
    private final AtomicLong nanos;
    private final long epochMsAtStart;
    private volatile Runnable onAdvance = () -> { };

    public MockTime() {
        this(1_700_000_000_000L);
    }

    public MockTime(long startMs) {
        this.epochMsAtStart = startMs;
        this.nanos = new AtomicLong(0);
    }

    @Override
    public long milliseconds() {
        return epochMsAtStart + nanos.get() / 1_000_000;
    }

    @Override
    public long nanoseconds() {
        return nanos.get();
    }

    @Override
    public void sleep(long ms) {
        advance(ms);
    }

    public void advance(long ms) {
        nanos.addAndGet(ms * 1_000_000);
        onAdvance.run();
    }

    void onAdvance(Runnable listener) {
        this.onAdvance = listener;
    }
}
