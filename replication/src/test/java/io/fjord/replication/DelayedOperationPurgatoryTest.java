package io.fjord.replication;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DelayedOperationPurgatoryTest {
    private final ManualTimer timer = new ManualTimer();
    private final DelayedOperationPurgatory<String> purgatory = new DelayedOperationPurgatory<>("test", timer);

    /** Completes once {@code needed} units are available; counts completions and expirations. */
    private static final class Waiting extends DelayedOperation {
        final AtomicInteger available;
        final int needed;
        int completions;
        int expirations;
        int checks;

        Waiting(long delayMs, AtomicInteger available, int needed) {
            super(delayMs);
            this.available = available;
            this.needed = needed;
        }

        @Override
        protected boolean tryComplete() {
            checks++;
            return available.get() >= needed && forceComplete();
        }

        @Override
        protected void onComplete() {
            completions++;
        }

        @Override
        protected void onExpiration() {
            expirations++;
        }
    }

    @Test
    void anOperationThatCanCompleteAtOnceIsNeitherWatchedNorScheduled() {
        Waiting op = new Waiting(100, new AtomicInteger(5), 1);

        assertTrue(purgatory.tryCompleteElseWatch(op, List.of("a")));

        assertEquals(1, op.completions);
        assertEquals(0, purgatory.watched("a"));
        assertEquals(0, timer.pending());
    }

    @Test
    void anOperationCompletedFromOutsideLeavesEveryWatchList() {
        Waiting op = new Waiting(100, new AtomicInteger(), 3);
        assertFalse(purgatory.tryCompleteElseWatch(op, List.of("a", "b")));

        assertTrue(op.forceComplete());

        assertEquals(1, op.completions);
        assertEquals(0, purgatory.watchedKeys());
        assertEquals(0, timer.pending(), "the expiry is cancelled");
    }

    @Test
    void aCheckOfItsKeyCompletesAWaitingOperationAndUnwatchesItEverywhere() {
        AtomicInteger available = new AtomicInteger();
        Waiting op = new Waiting(100, available, 3);
        assertFalse(purgatory.tryCompleteElseWatch(op, List.of("a", "b")));
        assertEquals(1, purgatory.watched("a"));
        assertEquals(1, purgatory.watched("b"));

        available.set(2);
        assertEquals(0, purgatory.checkAndComplete("a"));
        assertEquals(0, op.completions);
        available.set(3);
        assertEquals(1, purgatory.checkAndComplete("b"));

        assertEquals(1, op.completions);
        assertEquals(0, op.expirations);
        assertEquals(0, purgatory.watched("b"));
        assertEquals(0, purgatory.watched("a"), "the idle key no longer holds the completed operation");
        assertEquals(0, purgatory.watchedKeys());
        assertEquals(0, timer.pending(), "the expiry is cancelled");
    }

    @Test
    void aCheckOfAnotherKeyLeavesTheOperationAlone() {
        Waiting op = new Waiting(100, new AtomicInteger(), 1);
        purgatory.tryCompleteElseWatch(op, List.of("a"));
        op.available.set(1);

        assertEquals(0, purgatory.checkAndComplete("b"));

        assertEquals(0, op.completions);
        assertEquals(1, purgatory.watched("a"));
    }

    @Test
    void anOperationExpiresAfterItsDelayExactlyOnce() {
        Waiting op = new Waiting(100, new AtomicInteger(), 1);
        purgatory.tryCompleteElseWatch(op, List.of("a"));

        timer.advance(99);
        assertEquals(0, op.completions);
        timer.advance(1);

        assertEquals(1, op.completions);
        assertEquals(1, op.expirations);
        assertEquals(0, purgatory.watched("a"));
        op.available.set(1);
        assertEquals(0, purgatory.checkAndComplete("a"));
        timer.advance(1000);
        assertEquals(1, op.completions);
    }

    @Test
    void aForcedCompletionIsNotAnExpirationAndIsDroppedByTheNextCheck() {
        Waiting op = new Waiting(100, new AtomicInteger(), 1);
        purgatory.tryCompleteElseWatch(op, List.of("a"));

        assertTrue(op.forceComplete());
        assertFalse(op.forceComplete());
        purgatory.checkAndComplete("a");
        timer.advance(100);

        assertEquals(1, op.completions);
        assertEquals(0, op.expirations);
        assertEquals(0, purgatory.watchedKeys());
    }

    @Test
    void anOperationIsCheckedAgainAfterBeingWatchedSoARacingEventIsNotMissed() {
        AtomicInteger available = new AtomicInteger();
        // The event happens between the first check and the watch: the second check sees it.
        DelayedOperation op = new DelayedOperation(100) {
            int checks;

            @Override
            protected boolean tryComplete() {
                if (checks++ == 0) {
                    available.set(1);
                    return false;
                }
                return available.get() > 0 && forceComplete();
            }

            @Override
            protected void onComplete() {
            }
        };

        assertTrue(purgatory.tryCompleteElseWatch(op, List.of("a")));

        assertEquals(0, purgatory.watched("a"));
        assertEquals(0, timer.pending());
    }

    @Test
    void manyOperationsOnOneKeyCompleteIndependently() {
        AtomicInteger available = new AtomicInteger();
        Waiting small = new Waiting(100, available, 1);
        Waiting large = new Waiting(100, available, 10);
        purgatory.tryCompleteElseWatch(small, List.of("a"));
        purgatory.tryCompleteElseWatch(large, List.of("a"));

        available.set(5);
        assertEquals(1, purgatory.checkAndComplete("a"));

        assertEquals(1, small.completions);
        assertEquals(0, large.completions);
        assertEquals(1, purgatory.watched("a"));
        timer.advance(100);
        assertEquals(1, large.expirations);
    }

    @Test
    void closingCompletesEveryWaitingOperationAndLaterOnesAtOnce() {
        Waiting op = new Waiting(100, new AtomicInteger(), 1);
        purgatory.tryCompleteElseWatch(op, List.of("a"));

        purgatory.close();

        assertEquals(1, op.completions);
        assertEquals(0, op.expirations);
        Waiting late = new Waiting(100, new AtomicInteger(), 1);
        assertTrue(purgatory.tryCompleteElseWatch(late, List.of("a")));
        assertEquals(1, late.completions);
    }

    @Test
    void aFailingCheckCompletesTheOperationRatherThanLeavingItStuck() {
        int[] completions = {0};
        DelayedOperation op = new DelayedOperation(100) {
            int checks;

            @Override
            protected boolean tryComplete() {
                if (checks++ >= 2) {
                    throw new IllegalStateException("boom");
                }
                return false;
            }

            @Override
            protected void onComplete() {
                completions[0]++;
            }
        };
        purgatory.tryCompleteElseWatch(op, List.of("a"));

        assertEquals(1, purgatory.checkAndComplete("a"));
        assertEquals(1, completions[0]);
        assertEquals(0, purgatory.watchedKeys());
    }
}
