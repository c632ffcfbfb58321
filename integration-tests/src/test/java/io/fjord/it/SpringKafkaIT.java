package io.fjord.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaProducerException;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.SendResult;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Payload;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spring for Apache Kafka 4.0 in a Spring Boot 4 application (auto-configured {@code KafkaAdmin},
 * {@code KafkaTemplate} and listener container factory, {@code spring.kafka.*} properties) against a bin/broker
 * process: {@code NewTopic} beans create topics with their partitions, replication factor and configs, and a
 * later application with more partitions and another config value grows and alters them; {@code KafkaTemplate}
 * sends complete their futures and callbacks with the partition and offset a consumer finds the record at, a send
 * to an invalid topic name fails at once with Kafka's {@link InvalidTopicException} (KafkaTemplate throws what the
 * producer fails before sending) and a record the broker rejects (no key on a compacted topic) fails the future and
 * the callback with Kafka's {@link InvalidRecordException}; {@code @KafkaListener}
 * methods receive every record once, one at a time (as {@code ConsumerRecord} or payload plus headers) and in
 * batches ({@code List<ConsumerRecord>} and {@code List<String>}); JSON payloads round-trip through Spring's
 * Jackson serializer and deserializer. Each test starts its own application (see {@link SpringApps}) on its own
 * topics and groups.
 */
@Timeout(120)
class SpringKafkaIT {
    @RegisterExtension
    static final BrokerProcessExtension broker = new BrokerProcessExtension();

    private static String config(String topic, String name) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = broker.admin().describeConfigs(List.of(resource)).all().get().get(resource);
        return config.get(name).value();
    }

    private static TopicDescription describe(String topic) throws Exception {
        return broker.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    }

    @SuppressWarnings("unchecked")
    private static <K, V> KafkaTemplate<K, V> template(ConfigurableApplicationContext context) {
        return context.getBean(KafkaTemplate.class);
    }

    /** The topics of {@link #kafkaAdminCreatesNewTopicBeansAndALaterApplicationGrowsAndReconfiguresThem()}. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TopicsApp {
        @Bean
        NewTopic orders(@Value("${sk.orders.partitions}") int partitions, @Value("${sk.orders.retention}") String retention) {
            return TopicBuilder.name("sk-admin-orders")
                    .partitions(partitions)
                    .replicas(1)
                    .config(TopicConfig.RETENTION_MS_CONFIG, retention)
                    .build();
        }

        @Bean
        NewTopic customers() {
            return TopicBuilder.name("sk-admin-customers").partitions(2).replicas(1).compact().build();
        }
    }

    @Test
    void kafkaAdminCreatesNewTopicBeansAndALaterApplicationGrowsAndReconfiguresThem() throws Exception {
        try (ConfigurableApplicationContext context = SpringApps.start(TopicsApp.class, broker.bootstrapServers(),
                "sk.orders.partitions=3", "sk.orders.retention=3600000")) {
            Map<String, TopicDescription> seenBySpring = context.getBean(KafkaAdmin.class)
                    .describeTopics("sk-admin-orders", "sk-admin-customers");
            assertEquals(3, seenBySpring.get("sk-admin-orders").partitions().size());
            assertEquals(2, seenBySpring.get("sk-admin-customers").partitions().size());
        }
        TopicDescription orders = describe("sk-admin-orders");
        assertEquals(3, orders.partitions().size(), orders.toString());
        for (TopicPartitionInfo partition : orders.partitions()) {
            assertEquals(1, partition.replicas().size(), partition.toString());
            assertEquals(1, partition.isr().size(), partition.toString());
            assertNotNull(partition.leader(), partition.toString());
        }
        assertEquals("3600000", config("sk-admin-orders", TopicConfig.RETENTION_MS_CONFIG));
        assertEquals(2, describe("sk-admin-customers").partitions().size());
        assertEquals("compact", config("sk-admin-customers", TopicConfig.CLEANUP_POLICY_CONFIG));

        try (ConfigurableApplicationContext context = SpringApps.start(TopicsApp.class, broker.bootstrapServers(),
                "sk.orders.partitions=5", "sk.orders.retention=7200000",
                "spring.kafka.admin.modify-topic-configs=true")) {
            assertEquals(5, describe("sk-admin-orders").partitions().size());
            assertEquals("7200000", config("sk-admin-orders", TopicConfig.RETENTION_MS_CONFIG));
            assertEquals(2, describe("sk-admin-customers").partitions().size());
        }
        assertEquals(List.of(0, 1, 2, 3, 4), describe("sk-admin-orders").partitions().stream()
                .map(TopicPartitionInfo::partition).sorted().toList());
    }

    /** The topics of {@link #kafkaTemplateSendsCompleteWithTheOffsetsAConsumerReadsAndRejectedSendsFailWithKafkasExceptions()}. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TemplateApp {
        @Bean
        NewTopic sends() {
            return TopicBuilder.name("sk-template").partitions(3).replicas(1).build();
        }

        @Bean
        NewTopic compacted() {
            return TopicBuilder.name("sk-template-compacted").partitions(1).replicas(1).compact().build();
        }
    }

    @Test
    void kafkaTemplateSendsCompleteWithTheOffsetsAConsumerReadsAndRejectedSendsFailWithKafkasExceptions() throws Exception {
        String topic = "sk-template";
        try (ConfigurableApplicationContext context = SpringApps.start(TemplateApp.class, broker.bootstrapServers())) {
            KafkaTemplate<String, String> template = template(context);
            Map<String, RecordMetadata> byCallback = new ConcurrentHashMap<>();
            List<Throwable> callbackFailures = new CopyOnWriteArrayList<>();
            List<CompletableFuture<SendResult<String, String>>> futures = new ArrayList<>();
            List<CompletableFuture<?>> callbacks = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String value = "value-" + i;
                CompletableFuture<SendResult<String, String>> future = template.send(topic, "key-" + i, value);
                futures.add(future);
                callbacks.add(future.whenComplete((result, failure) -> {
                    if (failure != null) {
                        callbackFailures.add(failure);
                    } else {
                        byCallback.put(result.getProducerRecord().value(), result.getRecordMetadata());
                    }
                }));
            }
            CompletableFuture.allOf(callbacks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertEquals(List.of(), callbackFailures);
            assertEquals(30, byCallback.size());

            Map<Integer, List<ConsumerRecord<String, String>>> read = TopicReader.readAll(broker.bootstrapServers(), topic, 3);
            assertEquals(30, read.values().stream().mapToInt(List::size).sum(), read.toString());
            for (List<ConsumerRecord<String, String>> partition : read.values()) {
                for (ConsumerRecord<String, String> record : partition) {
                    RecordMetadata metadata = byCallback.get(record.value());
                    assertNotNull(metadata, "no callback for " + record);
                    assertEquals(topic, metadata.topic());
                    assertEquals(record.partition(), metadata.partition(), record.toString());
                    assertEquals(record.offset(), metadata.offset(), record.toString());
                    assertEquals("key-" + record.value().substring("value-".length()), record.key());
                }
            }
            for (CompletableFuture<SendResult<String, String>> future : futures) {
                SendResult<String, String> result = future.get();
                assertEquals(byCallback.get(result.getProducerRecord().value()), result.getRecordMetadata());
            }

            long before = System.nanoTime();
            KafkaException invalidTopic = assertThrows(KafkaException.class,
                    () -> template.send("not a valid topic!", "key", "value"));
            assertInstanceOf(InvalidTopicException.class, invalidTopic.getCause(), invalidTopic.toString());
            long tookMs = (System.nanoTime() - before) / 1_000_000;
            assertTrue(tookMs < 10_000, "the invalid topic failed after " + tookMs + " ms, not at once (max.block.ms)");

            List<Throwable> rejectedByCallback = new CopyOnWriteArrayList<>();
            CompletableFuture<SendResult<String, String>> rejected = template.send("sk-template-compacted", null, "no key");
            CompletableFuture<?> rejectedCallback = rejected.whenComplete((result, e) -> rejectedByCallback.add(e));
            ExecutionException failure = assertThrows(ExecutionException.class, () -> rejected.get(30, TimeUnit.SECONDS));
            KafkaProducerException producerException = assertInstanceOf(KafkaProducerException.class, failure.getCause());
            assertInstanceOf(InvalidRecordException.class, producerException.getCause(), producerException.toString());
            assertEquals("sk-template-compacted", producerException.getFailedProducerRecord().topic());
            assertThrows(ExecutionException.class, () -> rejectedCallback.get(5, TimeUnit.SECONDS));
            assertEquals(List.of(producerException), rejectedByCallback);

            RecordMetadata after = template.send(topic, 0, "key-after", "after").get(30, TimeUnit.SECONDS).getRecordMetadata();
            assertEquals(0, after.partition());
            assertEquals(read.get(0).size(), after.offset(), "the template still sends after the failure");
        }
    }

    /** Two groups on one topic: one listener takes {@code ConsumerRecord}s, the other payloads with headers. */
    static class SingleRecordListeners {
        final List<ConsumerRecord<String, String>> records = new CopyOnWriteArrayList<>();
        final List<String> described = new CopyOnWriteArrayList<>();

        @KafkaListener(id = "sk-single-records", topics = "sk-single", groupId = "sk-single-records")
        public void onRecord(ConsumerRecord<String, String> record) {
            records.add(record);
        }

        @KafkaListener(id = "sk-single-payloads", topics = "sk-single", groupId = "sk-single-payloads")
        public void onPayload(@Payload String value, @Header(KafkaHeaders.RECEIVED_KEY) String key,
                              @Header(KafkaHeaders.RECEIVED_PARTITION) int partition,
                              @Header(KafkaHeaders.OFFSET) long offset) {
            described.add(partition + "@" + offset + " " + key + "=" + value);
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class SingleRecordApp {
        @Bean
        NewTopic single() {
            return TopicBuilder.name("sk-single").partitions(2).replicas(1).build();
        }

        @Bean
        SingleRecordListeners listeners() {
            return new SingleRecordListeners();
        }
    }

    @Test
    void recordListenersOfTwoGroupsEachReceiveEveryRecordOnceInOffsetOrder() throws Exception {
        try (ConfigurableApplicationContext context = SpringApps.start(SingleRecordApp.class, broker.bootstrapServers())) {
            KafkaTemplate<String, String> template = template(context);
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                RecordMetadata metadata = template.send("sk-single", i % 2, "k" + i, "v" + i).get(30, TimeUnit.SECONDS)
                        .getRecordMetadata();
                sent.add(metadata.partition() + "@" + metadata.offset() + " k" + i + "=v" + i);
            }
            SingleRecordListeners listeners = context.getBean(SingleRecordListeners.class);
            Eventually.until(30, () -> listeners.records.size() >= 40 && listeners.described.size() >= 40,
                    "both listeners to receive 40 records", () -> listeners.records.size() + " and " + listeners.described);

            List<String> asRecords = listeners.records.stream()
                    .map(r -> r.partition() + "@" + r.offset() + " " + r.key() + "=" + r.value()).toList();
            assertEquals(sorted(sent), sorted(asRecords));
            assertEquals(sorted(sent), sorted(listeners.described));
            assertEquals(sent.stream().filter(s -> s.startsWith("0@")).toList(),
                    asRecords.stream().filter(s -> s.startsWith("0@")).toList(), "partition 0 in offset order");
            assertEquals(sent.stream().filter(s -> s.startsWith("1@")).toList(),
                    listeners.described.stream().filter(s -> s.startsWith("1@")).toList(), "partition 1 in offset order");
        }
    }

    private static List<String> sorted(List<String> values) {
        List<String> copy = new ArrayList<>(values);
        Collections.sort(copy);
        return copy;
    }

    /** Batch listeners: one takes the poll's {@code ConsumerRecord}s, the other only the values. */
    static class BatchListeners {
        final List<List<ConsumerRecord<String, String>>> recordBatches = new CopyOnWriteArrayList<>();
        final List<List<String>> valueBatches = new CopyOnWriteArrayList<>();

        @KafkaListener(id = "sk-batch-records", topics = "sk-batch", groupId = "sk-batch-records", batch = "true")
        public void onRecords(List<ConsumerRecord<String, String>> records) {
            recordBatches.add(List.copyOf(records));
        }

        @KafkaListener(id = "sk-batch-values", topics = "sk-batch", groupId = "sk-batch-values", batch = "true")
        public void onValues(List<String> values) {
            valueBatches.add(List.copyOf(values));
        }

        int records() {
            return recordBatches.stream().mapToInt(List::size).sum();
        }

        int values() {
            return valueBatches.stream().mapToInt(List::size).sum();
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class BatchApp {
        @Bean
        BatchListeners listeners() {
            return new BatchListeners();
        }
    }

    @Test
    void batchListenersReceiveEveryRecordInBatchesOfAtMostMaxPollRecords() throws Exception {
        broker.admin().createTopics(List.of(new NewTopic("sk-batch", 1, (short) 1))).all().get();
        List<String> values = IntStream.range(0, 50).mapToObj(i -> "b" + i).toList();
        Clients.produce(broker.bootstrapServers(), "sk-batch", 0, values.size(), i -> "k" + i, values::get);

        try (ConfigurableApplicationContext context = SpringApps.start(BatchApp.class, broker.bootstrapServers(),
                "spring.kafka.consumer.max-poll-records=20")) {
            BatchListeners listeners = context.getBean(BatchListeners.class);
            Eventually.until(30, () -> listeners.records() >= 50 && listeners.values() >= 50,
                    "both batch listeners to receive 50 records",
                    () -> listeners.recordBatches.size() + " record batches, " + listeners.valueBatches);

            assertEquals(values, listeners.recordBatches.stream().flatMap(List::stream).map(ConsumerRecord::value).toList());
            assertEquals(LongStream.range(0, 50).boxed().toList(), listeners.recordBatches.stream().flatMap(List::stream)
                    .map(ConsumerRecord::offset).toList());
            assertEquals(values, listeners.valueBatches.stream().flatMap(List::stream).toList());
            for (List<List<?>> batches : List.<List<List<?>>>of(new ArrayList<>(listeners.recordBatches),
                    new ArrayList<>(listeners.valueBatches))) {
                List<Integer> sizes = batches.stream().map(List::size).toList();
                assertTrue(sizes.stream().allMatch(s -> s >= 1 && s <= 20), "batch sizes " + sizes);
                assertTrue(sizes.stream().anyMatch(s -> s > 1), "records delivered one at a time: " + sizes);
            }
        }
    }

    /** The JSON payload: a record, as applications send them. */
    record Order(String id, int quantity, List<String> items) {
    }

    static class OrderListener {
        final List<Order> orders = new CopyOnWriteArrayList<>();

        @KafkaListener(id = "sk-json", topics = "sk-json", groupId = "sk-json")
        public void onOrder(Order order) {
            orders.add(order);
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class JsonApp {
        @Bean
        NewTopic orders() {
            return TopicBuilder.name("sk-json").partitions(1).replicas(1).build();
        }

        @Bean
        OrderListener listener() {
            return new OrderListener();
        }
    }

    @Test
    void jsonPayloadsRoundTripThroughSpringsJacksonSerializerAndDeserializer() throws Exception {
        List<Order> sent = IntStream.range(0, 10)
                .mapToObj(i -> new Order("o-" + i, i + 1, IntStream.rangeClosed(0, i % 3).mapToObj(j -> "item" + j).toList()))
                .toList();
        try (ConfigurableApplicationContext context = SpringApps.start(JsonApp.class, broker.bootstrapServers(),
                "spring.kafka.producer.value-serializer=org.springframework.kafka.support.serializer.JacksonJsonSerializer",
                "spring.kafka.consumer.value-deserializer=org.springframework.kafka.support.serializer.JacksonJsonDeserializer",
                "spring.kafka.consumer.properties.spring.json.trusted.packages=io.fjord.it")) {
            KafkaTemplate<String, Order> template = template(context);
            for (Order order : sent) {
                template.send("sk-json", order.id(), order).get(30, TimeUnit.SECONDS);
            }
            OrderListener listener = context.getBean(OrderListener.class);
            Eventually.until(30, () -> listener.orders.size() >= sent.size(), "the listener to receive 10 orders",
                    () -> listener.orders.toString());
            assertEquals(sent, listener.orders);
        }

        List<ConsumerRecord<String, String>> raw = TopicReader.readAll(broker.bootstrapServers(), "sk-json", 1).get(0);
        assertEquals(sent.size(), raw.size());
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < raw.size(); i++) {
            ConsumerRecord<String, String> record = raw.get(i);
            JsonNode node = json.readTree(record.value());
            assertEquals(sent.get(i).id(), record.key());
            assertEquals(sent.get(i).id(), node.get("id").asText(), record.value());
            assertEquals(sent.get(i).quantity(), node.get("quantity").asInt(), record.value());
            assertEquals(sent.get(i).items().size(), node.get("items").size(), record.value());
            org.apache.kafka.common.header.Header type = record.headers().lastHeader("__TypeId__");
            assertNotNull(type, "no type header on " + record);
            assertEquals(Order.class.getName(), new String(type.value(), StandardCharsets.UTF_8));
        }
    }
}
