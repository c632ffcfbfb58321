package io.fjord.it;

import java.util.function.BooleanSupplier;

/** Polls a condition every 20 ms until it holds, failing the test after 20 s. Stateless. */
final class Await {
    private Await() {
    }

    static void until(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
