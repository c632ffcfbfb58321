package io.fjord.log;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} driven by a {@link MockTime}: tasks run on the thread that advances the clock,
 * in due-time order, when the clock passes their due time ({@code advance(0)} runs tasks due now).
 * For deterministic tests. Thread-safe.
 */
public final class MockScheduler implements Scheduler {
    private record Task(String name, Runnable body, long dueMs, long periodMs, long sequence) {
    }

    private final MockTime time;
    private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) -> a.dueMs != b.dueMs
            ? Long.compare(a.dueMs, b.dueMs) : Long.compare(a.sequence, b.sequence));
    private long sequence;
    private boolean closed;

    public MockScheduler(MockTime time) {
        this.time = time;
        time.onAdvance(this::runDue);
    }

    @Override
    public synchronized void scheduleOnce(String name, Runnable task, long delayMs) {
        add(name, task, delayMs, -1);
    }

    @Override
    public synchronized void schedule(String name, Runnable task, long delayMs, long periodMs) {
        add(name, task, delayMs, periodMs);
    }

    private void add(String name, Runnable task, long delayMs, long periodMs) {
        if (!closed) {
            queue.add(new Task(name, task, saturatedSum(time.milliseconds(), delayMs), periodMs, sequence++));
        }
    }

    /** Due times saturate, so a period or delay of Long.MAX_VALUE (Kafka's "never") means never. */
    private static long saturatedSum(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /** Runs every task whose due time has passed (periodic ones are re-queued). */
    public void runDue() {
        while (true) {
            Task task;
            synchronized (this) {
                task = queue.peek();
                if (task == null || task.dueMs > time.milliseconds()) {
                    return;
                }
                queue.poll();
                if (task.periodMs >= 0) {
                    queue.add(new Task(task.name, task.body, saturatedSum(task.dueMs, Math.max(task.periodMs, 1)), task.periodMs, sequence++));
                }
            }
            task.body.run();
        }
    }

    public synchronized List<String> pendingTaskNames() {
        List<String> names = new ArrayList<>();
        queue.forEach(t -> names.add(t.name));
        return names;
    }

    @Override
    public synchronized void close() {
        closed = true;
        queue.clear();
    }
}
