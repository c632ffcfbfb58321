package io.fjord.it;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A group member in its own JVM, so that a test can SIGKILL it: nothing of it runs afterwards, no LeaveGroup,
 * no offset commit, its TCP connections just vanish — a crashed consumer as the coordinator sees it. The child's
 * {@link #main} runs a stock KafkaConsumer subscribed to one topic and prints, flushed, {@code ASSIGNED <p,p,..>}
 * after every rebalance and {@code RECORD <value>} for every record; the parent reads those lines.
 *
 * <p>Thread-safety: the parent's view (assignment, values) is updated by one reader thread and published through
 * volatile and concurrent fields; the other methods are for the test thread.
 */
final class ChildGroupConsumer implements AutoCloseable {
    private final Process process;
    private final Thread reader;
    private final Set<String> values = ConcurrentHashMap.newKeySet();
    private final StringBuilder stderr = new StringBuilder();
    private volatile Set<Integer> partitions = Set.of();
    private volatile int assignments;

    private ChildGroupConsumer(Process process) {
        this.process = process;
        this.reader = new Thread(this::read, "child-consumer-reader");
        this.reader.setDaemon(true);
        this.reader.start();
        Thread errors = new Thread(this::readErrors, "child-consumer-stderr");
        errors.setDaemon(true);
        errors.start();
    }

    /** Starts the child: {@code group} on {@code topic} with {@code session.timeout.ms}, from the earliest offset. */
    static ChildGroupConsumer start(String bootstrap, String group, String topic, int sessionTimeoutMs) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"),
                ChildGroupConsumer.class.getName(),
                bootstrap, group, topic, String.valueOf(sessionTimeoutMs)));
        return new ChildGroupConsumer(new ProcessBuilder(command).start());
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("RECORD ")) {
                    values.add(line.substring("RECORD ".length()));
                } else if (line.startsWith("ASSIGNED ")) {
                    String list = line.substring("ASSIGNED ".length()).trim();
                    partitions = list.isEmpty() ? Set.of() : Arrays.stream(list.split(","))
                            .map(Integer::valueOf).collect(Collectors.toCollection(TreeSet::new));
                    assignments++;
                }
            }
        } catch (IOException e) {
            // the child was killed
        }
    }

    private void readErrors() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (stderr) {
                    stderr.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            // the child was killed
        }
    }

    /** The partitions of the child's last assignment. */
    Set<Integer> partitions() {
        return partitions;
    }

    Set<String> values() {
        return values;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    /** SIGKILL to the child JVM, then waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the child consumer survived SIGKILL");
        }
        reader.join(10_000);
    }

    @Override
    public String toString() {
        return "child pid " + process.pid() + " " + partitions + " after " + assignments + " assignments, "
                + values.size() + " records";
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    /** The child: {@code bootstrap group topic sessionTimeoutMs}; runs until killed. */
    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0],
                ConsumerConfig.GROUP_ID_CONFIG, args[1],
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Integer.parseInt(args[3]),
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.CLIENT_ID_CONFIG, "child-" + ProcessHandle.current().pid());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(args[2]), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    out.println("ASSIGNED " + consumer.assignment().stream().map(tp -> String.valueOf(tp.partition()))
                            .sorted().collect(Collectors.joining(",")));
                }
            });
            while (true) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    out.println("RECORD " + record.value());
                }
            }
        }
    }
}
