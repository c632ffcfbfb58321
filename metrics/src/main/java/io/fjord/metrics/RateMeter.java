package io.fjord.metrics;

import io.micrometer.core.instrument.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link KafkaMeter} with Yammer/Dropwizard-style rates: a count (a {@link LongAdder} of its own, or a
 * {@link PerThreadCells} counter), a mean rate since creation,
 * and 1/5/15-minute exponentially weighted moving averages ticked every 5 seconds.
 *
 * <p>The moving averages are ticked lazily when a rate is read, never on {@link #mark()}: the events counted
 * since the last tick are spread evenly over the ticks that elapsed since then, and the decay over n ticks is
 * applied in closed form. With a reader every 5 s (or a steady event rate) this equals Dropwizard's Meter; with
 * rarer reads a burst is smeared over the gap between two reads.
 *
 * <p>Thread-safety: {@link #mark()} is lock-free; reads of the rates synchronize on this object.
 */
final class RateMeter implements KafkaMeter {

    static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final double TICK_SECONDS = 5.0;

    /** Where a meter's count lives. Thread-safe. */
    interface Count {
        void add(long n);

        long sum();
    }

    /** A count of its own: a {@link LongAdder}. */
    private static final class AdderCount extends LongAdder implements Count {
    }

    private final Count count;
    private final Clock clock;
    private final String eventType;
    private final long startNanos;
    private final Ewma m1 = new Ewma(1);
    private final Ewma m5 = new Ewma(5);
    private final Ewma m15 = new Ewma(15);
    private long lastTickNanos;
    private long countAtLastTick;

    RateMeter(Clock clock, String eventType) {
        this(clock, eventType, new AdderCount());
    }

    /** A meter whose count lives in {@code count} (a counter of a {@link PerThreadCells}). */
    RateMeter(Clock clock, String eventType, Count count) {
        this.count = count;
        this.clock = clock;
        this.eventType = eventType == null ? "" : eventType;
        this.startNanos = clock.monotonicTime();
        this.lastTickNanos = startNanos;
    }

    @Override
    public void mark() {
        count.add(1);
    }

    @Override
    public void mark(long n) {
        count.add(n);
    }

    @Override
    public long count() {
        return count.sum();
    }

    double countAsDouble() {
        return count.sum();
    }

    Count countSource() {
        return count;
    }

    String eventType() {
        return eventType;
    }

    /** Events per second since creation. */
    double meanRate() {
        long c = count.sum();
        if (c == 0) {
            return 0.0;
        }
        long elapsed = clock.monotonicTime() - startNanos;
        return elapsed <= 0 ? 0.0 : c / (elapsed / 1e9);
    }

    synchronized double oneMinuteRate() {
        tickIfDue();
        return m1.rate;
    }

    synchronized double fiveMinuteRate() {
        tickIfDue();
        return m5.rate;
    }

    synchronized double fifteenMinuteRate() {
        tickIfDue();
        return m15.rate;
    }

    private void tickIfDue() {
        long ticks = (clock.monotonicTime() - lastTickNanos) / TICK_NANOS;
        if (ticks <= 0) {
            return;
        }
        long c = count.sum();
        double perSecond = (c - countAtLastTick) / (ticks * TICK_SECONDS);
        m1.tick(perSecond, ticks);
        m5.tick(perSecond, ticks);
        m15.tick(perSecond, ticks);
        lastTickNanos += ticks * TICK_NANOS;
        countAtLastTick = c;
    }

    /** One moving average in events/second; the first tick sets it to the observed rate, as Dropwizard does. */
    private static final class Ewma {
        private final double retained;
        private boolean initialized;
        private double rate;

        Ewma(int minutes) {
            double alpha = 1 - Math.exp(-TICK_SECONDS / 60.0 / minutes);
            this.retained = 1 - alpha;
        }

        void tick(double perSecond, long ticks) {
            if (!initialized) {
                rate = perSecond;
                initialized = true;
            } else {
                rate = perSecond + (rate - perSecond) * Math.pow(retained, ticks);
            }
        }
    }
}
