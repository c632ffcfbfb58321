package io.fjord.log;

/** The clock and sleeper every log component uses, so tests can move time by hand. Thread-safe. */
public interface Time {
    Time SYSTEM = new Time() {
        @Override
        public long milliseconds() {
            return System.currentTimeMillis();
        }

        @Override
        public long nanoseconds() {
            return System.nanoTime();
        }

        @Override
        public void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    };

    /** Wall-clock time in ms since the epoch (timestamps, retention). */
    long milliseconds();

    /** Monotonic time in ns (durations). */
    long nanoseconds();

    void sleep(long ms);
}
