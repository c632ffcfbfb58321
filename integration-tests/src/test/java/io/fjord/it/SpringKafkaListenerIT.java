package io.fjord.it;

import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.AbstractConsumerSeekAware;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.kafka.support.KafkaHeaders;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.util.backoff.FixedBackOff;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spring for Apache Kafka listener containers in a Spring Boot 4 application against a bin/broker process, for
 * what depends on the group coordinator: manual acknowledgment (MANUAL and MANUAL_IMMEDIATE) commits exactly the
 * acknowledged offsets, so a restarted container gets the unacknowledged records again; {@code concurrency=3}
 * over six partitions gives each of the three consumers two partitions and every record is consumed once; a
 * {@code ConsumerSeekAware} listener seeks back to the beginning and consumes everything again; a listener that
 * throws is retried by a {@code DefaultErrorHandler} with a {@code FixedBackOff} and the record then goes to
 * the dead-letter topic through a {@code DeadLetterPublishingRecoverer} (Spring Kafka 4.0's default name
 * {@code <topic>-dlt}, same partition; 3.x used {@code <topic>.DLT}), with the exception and origin headers,
 * while the other records are processed once. Each test starts its own application (see {@link SpringApps}).
 */
@Timeout(120)
class SpringKafkaListenerIT {
    @RegisterExtension
    static final BrokerProcessExtension broker = new BrokerProcessExtension();

    private static Map<TopicPartition, Long> committed(String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = broker.admin().listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, Long> result = new HashMap<>();
        offsets.forEach((tp, offset) -> result.put(tp, offset == null ? null : offset.offset()));
        return result;
    }

    private static Map<TopicPartition, Long> committedOrEmpty(String group) {
        try {
            return committed(group);
        } catch (Exception e) {
            return Map.of();
        }
    }

    private static Map<TopicPartition, Long> endOffsets(String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> result = new HashMap<>();
        broker.admin().listOffsets(request).all().get().forEach((tp, info) -> result.put(tp, info.offset()));
        return result;
    }

    @SuppressWarnings("unchecked")
    private static <K, V> KafkaTemplate<K, V> template(ConfigurableApplicationContext context) {
        return context.getBean(KafkaTemplate.class);
    }

    private static int index(String value) {
        return Integer.parseInt(value.substring(value.indexOf('-') + 1));
    }

    /** Acknowledges the records whose index is below {@link #acknowledgeBelow}, leaves the others unacknowledged. */
    static class AcknowledgingListener {
        final List<String> received = new CopyOnWriteArrayList<>();
        volatile int acknowledgeBelow;

        @KafkaListener(id = "${sk.id}", topics = "${sk.topic}", groupId = "${sk.group}")
        public void onRecord(ConsumerRecord<String, String> record, Acknowledgment acknowledgment) {
            received.add(record.value());
            if (index(record.value()) < acknowledgeBelow) {
                acknowledgment.acknowledge();
            }
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class AcknowledgingApp {
        @Bean
        NewTopic topic(org.springframework.core.env.Environment environment) {
            return TopicBuilder.name(environment.getRequiredProperty("sk.topic")).partitions(1).replicas(1).build();
        }

        @Bean
        AcknowledgingListener listener() {
            return new AcknowledgingListener();
        }
    }

    @ParameterizedTest
    @EnumSource(value = AckMode.class, names = {"MANUAL", "MANUAL_IMMEDIATE"})
    void manualAcknowledgmentCommitsTheAcknowledgedRecordsAndARestartedContainerGetsTheOthersAgain(AckMode mode)
            throws Exception {
        String name = "sk-ack-" + mode.name().toLowerCase().replace('_', '-');
        TopicPartition partition = new TopicPartition(name, 0);
        List<String> values = IntStream.range(0, 10).mapToObj(i -> "m-" + i).toList();
        try (ConfigurableApplicationContext context = SpringApps.start(AcknowledgingApp.class, broker.bootstrapServers(),
                "spring.kafka.listener.ack-mode=" + mode, "sk.id=" + name, "sk.topic=" + name, "sk.group=" + name)) {
            AcknowledgingListener listener = context.getBean(AcknowledgingListener.class);
            listener.acknowledgeBelow = 6;
            KafkaTemplate<String, String> template = template(context);
            for (String value : values) {
                template.send(name, 0, null, value).get(30, TimeUnit.SECONDS);
            }
            Eventually.until(30, () -> listener.received.size() >= 10, "the listener to receive 10 records",
                    () -> listener.received.toString());
            assertEquals(values, listener.received);
            Eventually.until(30, () -> Long.valueOf(6).equals(committedOrEmpty(name).get(partition)),
                    "offset 6 (after the six acknowledged records) to be committed", () -> committedOrEmpty(name).toString());

            MessageListenerContainer container = context.getBean(KafkaListenerEndpointRegistry.class).getListenerContainer(name);
            assertNotNull(container);
            container.stop();
            assertEquals(Map.of(partition, 6L), committed(name), "committed offsets after the container stopped");

            listener.received.clear();
            listener.acknowledgeBelow = 10;
            container.start();
            Eventually.until(30, () -> listener.received.size() >= 4, "the four unacknowledged records again",
                    () -> listener.received.toString());
            assertEquals(values.subList(6, 10), listener.received.subList(0, 4));
            Eventually.until(30, () -> Long.valueOf(10).equals(committedOrEmpty(name).get(partition)),
                    "offset 10 to be committed", () -> committedOrEmpty(name).toString());
            assertEquals(values.subList(6, 10), listener.received, "nothing delivered after the acknowledged records");
        }
    }

    /** Records which consumer thread got which record; three consumers through {@code concurrency = "3"}. */
    static class ConcurrentListener {
        final List<String> received = new CopyOnWriteArrayList<>();
        final Map<Integer, Set<String>> threadsByPartition = new ConcurrentHashMap<>();

        @KafkaListener(id = "sk-concurrent", topics = "sk-concurrent", groupId = "sk-concurrent", concurrency = "3")
        public void onRecord(ConsumerRecord<String, String> record) {
            received.add(record.value());
            threadsByPartition.computeIfAbsent(record.partition(), p -> ConcurrentHashMap.newKeySet())
                    .add(Thread.currentThread().getName());
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class ConcurrentApp {
        @Bean
        NewTopic topic() {
            return TopicBuilder.name("sk-concurrent").partitions(6).replicas(1).build();
        }

        @Bean
        ConcurrentListener listener() {
            return new ConcurrentListener();
        }
    }

    @Test
    void threeConcurrentConsumersGetTwoOfSixPartitionsEachAndConsumeEveryRecordOnce() throws Exception {
        try (ConfigurableApplicationContext context = SpringApps.start(ConcurrentApp.class, broker.bootstrapServers())) {
            ConcurrentMessageListenerContainer<?, ?> container = (ConcurrentMessageListenerContainer<?, ?>) context
                    .getBean(KafkaListenerEndpointRegistry.class).getListenerContainer("sk-concurrent");
            assertNotNull(container);
            Eventually.until(60, () -> assignmentsOf(container).size() == 3
                            && assignmentsOf(container).stream().allMatch(a -> a.size() == 2)
                            && union(assignmentsOf(container)).size() == 6,
                    "three consumers with two partitions each", () -> assignmentsOf(container).toString());

            List<String> values = IntStream.range(0, 600).mapToObj(i -> "c-" + i).toList();
            KafkaTemplate<String, String> template = template(context);
            for (int i = 0; i < values.size(); i++) {
                template.send("sk-concurrent", i % 6, "k" + i, values.get(i));
            }
            template.flush();

            ConcurrentListener listener = context.getBean(ConcurrentListener.class);
            Eventually.until(30, () -> new HashSet<>(listener.received).size() == values.size(),
                    "the group to consume 600 records", () -> listener.received.size() + " received");
            Map<TopicPartition, Long> ends = endOffsets("sk-concurrent", 6);
            Eventually.until(30, () -> committedOrEmpty("sk-concurrent").equals(ends),
                    "the group to commit the end offsets " + ends, () -> committedOrEmpty("sk-concurrent").toString());
            assertEquals(values.size(), listener.received.size(), "records consumed more than once");
            assertEquals(new HashSet<>(values), new HashSet<>(listener.received));

            assertEquals(Set.of(0, 1, 2, 3, 4, 5), listener.threadsByPartition.keySet());
            Map<String, List<Integer>> partitionsByThread = new TreeMap<>();
            listener.threadsByPartition.forEach((p, threads) -> {
                assertEquals(1, threads.size(), "partition " + p + " consumed by " + threads);
                partitionsByThread.computeIfAbsent(threads.iterator().next(), t -> new ArrayList<>()).add(p);
            });
            assertEquals(3, partitionsByThread.size(), partitionsByThread.toString());
            assertTrue(partitionsByThread.values().stream().allMatch(p -> p.size() == 2), partitionsByThread.toString());
        }
    }

    private static List<Set<TopicPartition>> assignmentsOf(ConcurrentMessageListenerContainer<?, ?> container) {
        List<Set<TopicPartition>> assignments = new ArrayList<>();
        for (KafkaMessageListenerContainer<?, ?> child : container.getContainers()) {
            Collection<TopicPartition> assigned = child.getAssignedPartitions();
            assignments.add(assigned == null ? Set.of() : Set.copyOf(assigned));
        }
        return assignments;
    }

    private static Set<TopicPartition> union(List<Set<TopicPartition>> sets) {
        Set<TopicPartition> union = new HashSet<>();
        sets.forEach(union::addAll);
        return union;
    }

    /** A listener that can rewind: {@link AbstractConsumerSeekAware#seekToBeginning()} on its assigned partitions. */
    static class ReplayingListener extends AbstractConsumerSeekAware {
        final List<String> received = new CopyOnWriteArrayList<>();

        @KafkaListener(id = "sk-replay", topics = "sk-replay", groupId = "sk-replay")
        public void onValue(String value) {
            received.add(value);
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class ReplayApp {
        @Bean
        NewTopic topic() {
            return TopicBuilder.name("sk-replay").partitions(2).replicas(1).build();
        }

        @Bean
        ReplayingListener listener() {
            return new ReplayingListener();
        }
    }

    @Test
    void aSeekAwareListenerSeeksToTheBeginningAndConsumesEveryRecordAgain() throws Exception {
        try (ConfigurableApplicationContext context = SpringApps.start(ReplayApp.class, broker.bootstrapServers())) {
            List<String> values = IntStream.range(0, 20).mapToObj(i -> "r-" + i).toList();
            KafkaTemplate<String, String> template = template(context);
            for (int i = 0; i < values.size(); i++) {
                template.send("sk-replay", i % 2, null, values.get(i)).get(30, TimeUnit.SECONDS);
            }
            ReplayingListener listener = context.getBean(ReplayingListener.class);
            Eventually.until(30, () -> listener.received.size() >= 20, "the first pass over 20 records",
                    () -> listener.received.toString());
            assertEquals(new HashSet<>(values), new HashSet<>(listener.received));
            Map<TopicPartition, Long> ends = endOffsets("sk-replay", 2);
            Eventually.until(30, () -> committedOrEmpty("sk-replay").equals(ends), "the first pass to be committed",
                    () -> committedOrEmpty("sk-replay").toString());
            assertEquals(20, listener.received.size());

            listener.seekToBeginning();
            Eventually.until(30, () -> listener.received.size() >= 40, "the replay of 20 records",
                    () -> listener.received.size() + " received: " + listener.received);
            Map<String, Long> counts = listener.received.stream()
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertEquals(values.stream().collect(Collectors.toMap(Function.identity(), v -> 2L)), counts);
            Eventually.until(30, () -> committedOrEmpty("sk-replay").equals(ends), "the replay to be committed",
                    () -> committedOrEmpty("sk-replay").toString());
        }
    }

    /** Fails every record whose value starts with "bad", counting each delivery. */
    static class FailingListener {
        final Map<String, Integer> attempts = new ConcurrentHashMap<>();
        final List<String> processed = new CopyOnWriteArrayList<>();

        @KafkaListener(id = "sk-dlt", topics = "sk-dlt", groupId = "sk-dlt")
        public void onRecord(ConsumerRecord<String, String> record) {
            attempts.merge(record.value(), 1, Integer::sum);
            if (record.value().startsWith("bad")) {
                throw new IllegalArgumentException("rejected " + record.value());
            }
            processed.add(record.value());
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class DeadLetterApp {
        @Bean
        NewTopic topic() {
            return TopicBuilder.name("sk-dlt").partitions(2).replicas(1).build();
        }

        @Bean
        NewTopic deadLetters() {
            return TopicBuilder.name("sk-dlt-dlt").partitions(2).replicas(1).build();
        }

        @Bean
        DefaultErrorHandler errorHandler(KafkaTemplate<Object, Object> template) {
            return new DefaultErrorHandler(new DeadLetterPublishingRecoverer(template), new FixedBackOff(50, 2));
        }

        @Bean
        FailingListener listener() {
            return new FailingListener();
        }
    }

    @Test
    void recordsAListenerRejectsAreRetriedThenPublishedToTheDeadLetterTopicWithTheExceptionHeaders() throws Exception {
        try (ConfigurableApplicationContext context = SpringApps.start(DeadLetterApp.class, broker.bootstrapServers())) {
            KafkaTemplate<String, String> template = template(context);
            Map<String, RecordMetadata> sent = new TreeMap<>();
            List<String> good = new ArrayList<>();
            List<String> bad = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String value = (i % 5 == 2 ? "bad-" : "good-") + i;
                (value.startsWith("bad") ? bad : good).add(value);
                sent.put(value, template.send("sk-dlt", i % 2, "key-" + i, value).get(30, TimeUnit.SECONDS)
                        .getRecordMetadata());
            }
            FailingListener listener = context.getBean(FailingListener.class);
            Map<TopicPartition, Long> ends = endOffsets("sk-dlt", 2);
            Eventually.until(30, () -> committedOrEmpty("sk-dlt").equals(ends),
                    "the group to commit past every record, the rejected ones included",
                    () -> committedOrEmpty("sk-dlt") + ", attempts " + listener.attempts);

            assertEquals(good.stream().sorted().toList(), listener.processed.stream().sorted().toList(),
                    "the good records, each processed once");
            for (String value : good) {
                assertEquals(1, listener.attempts.get(value), value);
            }
            for (String value : bad) {
                assertEquals(3, listener.attempts.get(value), value + ": one delivery and two retries");
            }

            Map<Integer, List<ConsumerRecord<String, String>>> dlt = TopicReader.readAll(broker.bootstrapServers(),
                    "sk-dlt-dlt", 2);
            List<ConsumerRecord<String, String>> deadLetters = dlt.values().stream().flatMap(List::stream).toList();
            assertEquals(bad.stream().sorted().toList(), deadLetters.stream().map(ConsumerRecord::value).sorted().toList());
            for (ConsumerRecord<String, String> letter : deadLetters) {
                RecordMetadata original = sent.get(letter.value());
                assertEquals("key-" + index(letter.value()), letter.key());
                assertEquals(original.partition(), letter.partition(), "same partition as the original");
                assertEquals("sk-dlt", text(letter, KafkaHeaders.DLT_ORIGINAL_TOPIC));
                assertEquals(original.partition(), ByteBuffer.wrap(header(letter, KafkaHeaders.DLT_ORIGINAL_PARTITION)).getInt());
                assertEquals(original.offset(), ByteBuffer.wrap(header(letter, KafkaHeaders.DLT_ORIGINAL_OFFSET)).getLong());
                assertEquals("sk-dlt", text(letter, KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP));
                assertEquals(IllegalArgumentException.class.getName(), text(letter, KafkaHeaders.DLT_EXCEPTION_CAUSE_FQCN));
                assertTrue(text(letter, KafkaHeaders.DLT_EXCEPTION_MESSAGE).contains("rejected " + letter.value()),
                        text(letter, KafkaHeaders.DLT_EXCEPTION_MESSAGE));
                assertTrue(text(letter, KafkaHeaders.DLT_EXCEPTION_STACKTRACE).contains("IllegalArgumentException"));
                assertEquals(ListenerExecutionFailedException.class.getName(), text(letter, KafkaHeaders.DLT_EXCEPTION_FQCN));
            }
        }
    }

    private static byte[] header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertNotNull(header, "no " + name + " header on " + record);
        return header.value();
    }

    private static String text(ConsumerRecord<String, String> record, String name) {
        return new String(header(record, name), StandardCharsets.UTF_8);
    }
}
