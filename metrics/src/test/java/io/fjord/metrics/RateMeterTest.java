package io.fjord.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.MockClock;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Random;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class RateMeterTest {

    private static final double EPS = 1e-9;

    private final MockClock clock = new MockClock();

    @Test
    void ratesAreZeroBeforeTheFirstTick() {
        RateMeter meter = new RateMeter(clock, "requests");
        meter.mark(100);
        clock.add(Duration.ofMillis(4999));

        assertEquals(0.0, meter.oneMinuteRate());
        assertEquals(0.0, meter.fifteenMinuteRate());
    }

    @Test
    void firstTickSetsEveryRateToTheObservedRate() {
        RateMeter meter = new RateMeter(clock, "requests");
        meter.mark(500);
        clock.add(Duration.ofSeconds(5));

        assertEquals(100.0, meter.oneMinuteRate(), EPS);
        assertEquals(100.0, meter.fiveMinuteRate(), EPS);
        assertEquals(100.0, meter.fifteenMinuteRate(), EPS);
    }

    @Test
    void ratesDecayExponentiallyWithoutEvents() {
        RateMeter meter = new RateMeter(clock, "requests");
        meter.mark(500);
        clock.add(Duration.ofSeconds(5));
        meter.oneMinuteRate();

        clock.add(Duration.ofSeconds(60));

        assertEquals(100.0 * Math.exp(-1), meter.oneMinuteRate(), EPS);
        assertEquals(100.0 * Math.exp(-0.2), meter.fiveMinuteRate(), EPS);
        assertEquals(100.0 * Math.exp(-1.0 / 15), meter.fifteenMinuteRate(), EPS);
    }

    @Test
    void readingEveryTickMatchesAReferenceEwmaTickedEveryFiveSeconds() {
        RateMeter meter = new RateMeter(clock, "requests");
        Random random = new Random(42);
        double alpha1 = 1 - Math.exp(-5.0 / 60);
        double alpha15 = 1 - Math.exp(-5.0 / 900);
        double ref1 = 0;
        double ref15 = 0;
        for (int tick = 0; tick < 200; tick++) {
            int events = random.nextInt(1000);
            meter.mark(events);
            clock.add(Duration.ofSeconds(5));
            double instant = events / 5.0;
            ref1 = tick == 0 ? instant : ref1 + alpha1 * (instant - ref1);
            ref15 = tick == 0 ? instant : ref15 + alpha15 * (instant - ref15);

            assertEquals(ref1, meter.oneMinuteRate(), 1e-6);
            assertEquals(ref15, meter.fifteenMinuteRate(), 1e-6);
        }
    }

    @Test
    void lazyTicksOverASteadyRateEqualTicksOneByOne() {
        RateMeter lazy = new RateMeter(clock, "requests");
        MockClock otherClock = new MockClock();
        RateMeter eager = new RateMeter(otherClock, "requests");
        lazy.mark(50);
        eager.mark(50);
        clock.add(Duration.ofSeconds(5));
        otherClock.add(Duration.ofSeconds(5));
        lazy.oneMinuteRate();
        eager.oneMinuteRate();

        for (int tick = 0; tick < 30; tick++) {
            lazy.mark(200);
            eager.mark(200);
            otherClock.add(Duration.ofSeconds(5));
            eager.oneMinuteRate();
        }
        clock.add(Duration.ofSeconds(150));

        assertEquals(eager.oneMinuteRate(), lazy.oneMinuteRate(), 1e-9);
        assertEquals(eager.fiveMinuteRate(), lazy.fiveMinuteRate(), 1e-9);
        assertEquals(eager.fifteenMinuteRate(), lazy.fifteenMinuteRate(), 1e-9);
    }

    @Test
    void meanRateIsCountOverElapsedSeconds() {
        RateMeter meter = new RateMeter(clock, "requests");
        assertEquals(0.0, meter.meanRate());
        meter.mark(30);
        clock.add(Duration.ofSeconds(20));

        assertEquals(1.5, meter.meanRate(), EPS);
    }

    @Test
    void jmxRatesMoveWithTheInjectedClock() throws Exception {
        try (BrokerMetrics metrics = BrokerMetrics.create(true, true, clock)) {
            KafkaMetricName name = KafkaMetricName.of("kafka.server", "BrokerTopicMetrics", "BytesInPerSec", "topic", "rates");
            KafkaMeter meter = metrics.meter(name, "bytes");
            ObjectName on = name.objectName();
            meter.mark(1000);
            clock.add(Duration.ofSeconds(5));

            assertEquals(200.0, (Double) ManagementFactory.getPlatformMBeanServer().getAttribute(on, "OneMinuteRate"), EPS);
            clock.add(Duration.ofSeconds(60));
            assertEquals(200.0 * Math.exp(-1),
                    (Double) ManagementFactory.getPlatformMBeanServer().getAttribute(on, "OneMinuteRate"), EPS);
        }
    }
}
