package io.fjord.it;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * A stock KafkaConsumer that subscribes to one topic in a consumer group and polls on its own thread until
 * {@link #close()}, as an application's poll loop would. It records what the group protocol did to it — every
 * {@link ConsumerRebalanceListener} call with its partitions, the current assignment, generation and member id
 * after each poll — and every record value it received, for the test thread to read.
 *
 * <p>Thread-safety: the KafkaConsumer is used only by the poll thread (it is created, polled and closed
 * there); the recorded state is published through concurrent collections and volatile fields, so any thread
 * may read it.
 */
final class GroupConsumer implements AutoCloseable {
    /** What a rebalance listener call was told. */
    enum Kind { ASSIGNED, REVOKED, LOST }

    record Event(Kind kind, Set<TopicPartition> partitions) {
        @Override
        public String toString() {
            return kind + partitions.stream().map(TopicPartition::partition).sorted().toList().toString();
        }
    }

    private final String name;
    private final Thread thread;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final Set<String> values = ConcurrentHashMap.newKeySet();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile KafkaConsumer<String, String> consumer;
    private volatile boolean running = true;
    private volatile Set<TopicPartition> assignment = Set.of();
    private volatile int generation = -1;
    private volatile String memberId = "";

    private GroupConsumer(String name, Map<String, Object> config, String topic) {
        this.name = name;
        this.thread = new Thread(() -> run(config, topic), "group-consumer-" + name);
        this.thread.setDaemon(true);
    }

    /**
     * Starts a consumer in {@code group} subscribed to {@code topic}: kafka-clients' defaults, reading from the
     * earliest offset when the group has none, client.id {@code name}, plus {@code extra}.
     */
    static GroupConsumer start(String bootstrap, String group, String topic, String name, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.putAll(extra);
        GroupConsumer groupConsumer = new GroupConsumer(name, config, topic);
        groupConsumer.thread.start();
        return groupConsumer;
    }

    private void run(Map<String, Object> config, String topic) {
        try (KafkaConsumer<String, String> kafkaConsumer = new KafkaConsumer<>(config)) {
            consumer = kafkaConsumer;
            kafkaConsumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    events.add(new Event(Kind.REVOKED, Set.copyOf(partitions)));
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    events.add(new Event(Kind.ASSIGNED, Set.copyOf(partitions)));
                    assignment = Set.copyOf(kafkaConsumer.assignment());
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    events.add(new Event(Kind.LOST, Set.copyOf(partitions)));
                }
            });
            while (running) {
                try {
                    for (ConsumerRecord<String, String> record : kafkaConsumer.poll(Duration.ofMillis(100))) {
                        values.add(record.value());
                    }
                } catch (WakeupException e) {
                    break;
                }
                assignment = Set.copyOf(kafkaConsumer.assignment());
                generation = kafkaConsumer.groupMetadata().generationId();
                memberId = kafkaConsumer.groupMetadata().memberId();
            }
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    String name() {
        return name;
    }

    /** The partitions numbers assigned after the last poll. */
    Set<Integer> partitions() {
        return assignment.stream().map(TopicPartition::partition).collect(Collectors.toCollection(TreeSet::new));
    }

    Set<TopicPartition> assignment() {
        return assignment;
    }

    int generation() {
        return generation;
    }

    String memberId() {
        return memberId;
    }

    List<Event> events() {
        return List.copyOf(events);
    }

    long count(Kind kind) {
        return events.stream().filter(e -> e.kind() == kind).count();
    }

    /** Every record value received so far. */
    Set<String> values() {
        return values;
    }

    /** Throws if the poll loop ended with an exception. */
    void assertHealthy() {
        Throwable t = failure.get();
        if (t != null) {
            throw new AssertionError("consumer " + name + " failed", t);
        }
        if (!thread.isAlive() && running) {
            throw new AssertionError("consumer " + name + " stopped polling");
        }
    }

    @Override
    public String toString() {
        return name + " gen " + generation + " " + partitions() + " events " + events;
    }

    /** Ends the poll loop and closes the KafkaConsumer (which leaves the group unless it is a static member). */
    @Override
    public void close() {
        if (!thread.isAlive()) {
            running = false;
            return;
        }
        running = false;
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            throw new AssertionError("consumer " + name + " did not close within 60 s");
        }
    }
}
