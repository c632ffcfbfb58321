package io.fjord.it;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polls a condition every 50 ms until it holds or a given time has passed, then fails with a description of
 * the state: {@link Await} with a caller-chosen limit, for waits that include session timeouts and rebalances.
 * Stateless.
 */
final class Eventually {
    private Eventually() {
    }

    /** Waits up to {@code seconds} for {@code condition}; the failure message is {@code what} and {@code state}. */
    static void until(int seconds, BooleanSupplier condition, String what, Supplier<String> state)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out after " + seconds + " s waiting for " + what + "; " + state.get());
            }
            Thread.sleep(50);
        }
    }
}
