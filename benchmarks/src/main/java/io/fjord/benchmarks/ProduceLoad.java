package io.fjord.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

/**
 * A steady produce load on one broker, for {@link MetricsOverheadHarness}: one thread and socket per
 * connection, each writing to its own partition the same pre-encoded Produce frame, with at most
 * {@code window} requests unanswered. The load runs until {@link #close()}; {@link #answered()} may be read
 * at any moment, so rounds are cut by sampling rather than by stopping and restarting the load.
 *
 * <p>With a rate, each connection sends its share of it on a fixed schedule; a connection that falls behind
 * (its window full) drops the slots more than a window in the past rather than catching up in a burst. So
 * both brokers of a run get the same offered load, and their CPU per request can be compared.
 *
 * <p>The client is kept cheap, since it shares the CPUs with the brokers it measures: per loop one read
 * takes every response that has arrived and one write sends as many frames as were answered (the frames lie
 * back to back in one array). Every response's correlation id is checked; the first and every 1024th are
 * decoded and must carry error NONE.
 *
 * <p>Invariant: {@link #answered()} counts only requests whose response arrived. Thread-safe for
 * {@link #answered()} (each connection publishes its count through a volatile field written only by its
 * thread); {@link #start(int)} and {@link #close()} are for the owning thread. A connection's failure ends
 * that connection and is rethrown by {@link #answered()} and {@link #close()}.
 */
final class ProduceLoad implements AutoCloseable {
    private static final int CHECK_EVERY = 1024;
    private static final int READ_BUFFER = 1 << 16;

    private final Connection[] connections;

    /**
     * @param frames one size-prefixed Produce frame per connection
     * @param requestsPerSecond the load's rate, shared evenly by the connections; 0 for as fast as the window allows
     */
    ProduceLoad(String name, int port, byte[][] frames, int window, double requestsPerSecond) {
        connections = new Connection[frames.length];
        for (int c = 0; c < frames.length; c++) {
            connections[c] = new Connection(name + "-" + c, port, frames[c], window, requestsPerSecond / frames.length);
        }
    }

    /** Starts connection {@code index}; the harness interleaves the starts of two loads. */
    void start(int index) {
        connections[index].thread.start();
    }

    long answered() {
        long total = 0;
        for (Connection c : connections) {
            c.rethrowFailure();
            total += c.answered;
        }
        return total;
    }

    /** Stops sending, waits for the responses in flight and closes the sockets. */
    @Override
    public void close() throws InterruptedException {
        for (Connection c : connections) {
            c.running = false;
        }
        for (Connection c : connections) {
            if (c.thread.isAlive()) {
                c.thread.join(TimeUnit.SECONDS.toMillis(30));
            }
        }
        for (Connection c : connections) {
            c.rethrowFailure();
        }
    }

    /** One socket and its thread; {@link #answered} is written by that thread only. */
    private static final class Connection implements Runnable {
        private final String name;
        private final int port;
        private final int frameLength;
        private final byte[] frames;
        private final int window;
        private final Thread thread;
        private final double nanosPerRequest;
        private volatile long answered;
        private volatile boolean running = true;
        private volatile Throwable failure;

        Connection(String name, int port, byte[] frame, int window, double requestsPerSecond) {
            this.name = name;
            this.nanosPerRequest = requestsPerSecond > 0 ? 1e9 / requestsPerSecond : 0;
            this.port = port;
            this.frameLength = frame.length;
            this.window = window;
            this.frames = new byte[frame.length * window];
            for (int i = 0; i < window; i++) {
                System.arraycopy(frame, 0, frames, i * frame.length, frame.length);
            }
            this.thread = new Thread(this, "bench-" + name);
            thread.setDaemon(true);
        }

        void rethrowFailure() {
            if (failure != null) {
                throw new IllegalStateException("connection " + name + " failed", failure);
            }
        }

        @Override
        public void run() {
            try (Socket socket = RawKafkaRequests.connect(port)) {
                pump(socket.getOutputStream(), socket.getInputStream());
            } catch (Throwable e) {
                failure = e;
            }
        }

        private void pump(OutputStream out, InputStream in) throws IOException {
            byte[] buffer = new byte[READ_BUFFER];
            int start = 0;
            int end = 0;
            int inFlight = 0;
            long count = 0;
            long slots = 0;
            long startNanos = System.nanoTime();
            while (running || inFlight > 0) {
                if (running && inFlight < window) {
                    int send = window - inFlight;
                    if (nanosPerRequest > 0) {
                        long scheduled = (long) ((System.nanoTime() - startNanos) / nanosPerRequest) + 1;
                        slots = Math.max(slots, scheduled - window);
                        send = (int) Math.max(0, Math.min(send, scheduled - slots));
                        if (send == 0 && inFlight == 0) {
                            java.util.concurrent.locks.LockSupport.parkNanos((long) nanosPerRequest);
                            continue;
                        }
                    }
                    if (send > 0) {
                        out.write(frames, 0, send * frameLength);
                        inFlight += send;
                        slots += send;
                    }
                }
                int n = in.read(buffer, end, buffer.length - end);
                if (n < 0) {
                    throw new IOException("connection closed by the broker with " + inFlight + " requests in flight");
                }
                end += n;
                while (end - start >= 8) {
                    int size = readInt(buffer, start);
                    if (size < 4 || size > READ_BUFFER - 4) {
                        throw new IOException("bad response size " + size);
                    }
                    if (end - start < 4 + size) {
                        break;
                    }
                    if (readInt(buffer, start + 4) != RawKafkaRequests.CORRELATION_ID) {
                        throw new IOException("unexpected correlation id " + readInt(buffer, start + 4));
                    }
                    if (count % CHECK_EVERY == 0) {
                        RawKafkaRequests.checkProduceResponse(buffer, start + 4, size);
                    }
                    start += 4 + size;
                    inFlight--;
                    count++;
                }
                answered = count;
                if (start == end) {
                    start = 0;
                    end = 0;
                } else if (buffer.length - end < 1024) {
                    System.arraycopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }
            }
        }

        private static int readInt(byte[] b, int at) {
            return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
        }
    }
}
