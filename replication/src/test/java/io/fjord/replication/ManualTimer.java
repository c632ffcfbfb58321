package io.fjord.replication;

import java.util.ArrayList;
import java.util.List;

/** A {@link Timer} whose clock moves only by {@link #advance}, running due tasks on the caller's thread. */
final class ManualTimer implements Timer {
    private record Task(long due, Runnable run, boolean[] cancelled) {
    }

    private final List<Task> tasks = new ArrayList<>();
    private long now;
    private boolean closed;

    @Override
    public synchronized Cancellable schedule(Runnable task, long delayMs) {
        boolean[] cancelled = {false};
        tasks.add(new Task(now + delayMs, task, cancelled));
        return () -> {
            synchronized (ManualTimer.this) {
                cancelled[0] = true;
            }
        };
    }

    void advance(long ms) {
        List<Task> due = new ArrayList<>();
        synchronized (this) {
            now += ms;
            for (Task t : List.copyOf(tasks)) {
                if (t.due() <= now) {
                    tasks.remove(t);
                    if (!t.cancelled()[0] && !closed) {
                        due.add(t);
                    }
                }
            }
        }
        due.forEach(t -> t.run().run());
    }

    synchronized int pending() {
        return (int) tasks.stream().filter(t -> !t.cancelled()[0]).count();
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
