package io.fjord.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two example systems of {@code examples/} end to end against a bin/broker process, each app its own JVM from
 * its executable jar ({@link ExampleApp}), driven over HTTP:
 * <ul>
 *   <li>order-service -> {@code order-created} -> mail-service (Spring Kafka: KafkaTemplate with JSON, a
 *       {@code @KafkaListener} with concurrency 3 in group {@code mail-service}, a second group {@code audit},
 *       DefaultErrorHandler + DeadLetterPublishingRecoverer to {@code order-created.DLT});</li>
 *   <li>question-service -> {@code question-events} -> notification-service (Spring Cloud Stream's Kafka binder,
 *       StreamBridge and a functional {@code Consumer} binding).</li>
 * </ul>
 * The apps' output is in {@code integration-tests/target/example-apps/} and printed when a test fails.
 */
class ExampleAppsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path LOGS = Path.of("target", "example-apps");
    private static final int ORDERS = 30;

    @RegisterExtension
    static final BrokerProcessExtension BROKER = new BrokerProcessExtension();

    private static final List<ExampleApp> APPS = new ArrayList<>();
    private static ExampleApp orders;
    private static ExampleApp mails;
    private static ExampleApp questions;
    private static ExampleApp notifications;

    @RegisterExtension
    final TestWatcher printAppOutputOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            APPS.forEach(app -> System.out.println(app.output()));
        }
    };

    @BeforeAll
    @Timeout(240)
    static void startTheAppsAndAwaitTheirConsumerGroups() throws Exception {
        for (String name : List.of("order-service", "mail-service", "question-service", "notification-service")) {
            ExampleApp.jar(name);
        }
        String kafka = "--spring.kafka.bootstrap-servers=" + BROKER.bootstrapServers();
        String binder = "--spring.cloud.stream.kafka.binder.brokers=" + BROKER.bootstrapServers();
        orders = start("order-service", kafka);
        mails = start("mail-service", kafka);
        questions = start("question-service", binder);
        notifications = start("notification-service", binder);
        for (ExampleApp app : APPS) {
            app.awaitHttp(180);
        }
        awaitGroup("mail-service", 3, "order-created", 1);
        awaitGroup("audit", 1, "order-created", 3);
        awaitGroup("mail-service-dlt", 1, "order-created.DLT", 3);
        awaitGroup("notification-service", 1, "question-events", 1);
    }

    private static ExampleApp start(String name, String... properties) throws Exception {
        ExampleApp app = ExampleApp.start(name, LOGS, properties);
        APPS.add(app);
        return app;
    }

    /** Waits until {@code group} is stable with {@code members} members, each assigned {@code partitions} of {@code topic}. */
    private static void awaitGroup(String group, int members, String topic, int partitions) throws Exception {
        Map<String, ConsumerGroupDescription> last = new HashMap<>();
        Eventually.until(120, () -> {
            try {
                ConsumerGroupDescription description =
                        BROKER.admin().describeConsumerGroups(List.of(group)).all().get().get(group);
                last.put(group, description);
                return description.groupState() == GroupState.STABLE && description.members().size() == members
                        && description.members().stream().allMatch(m -> assigned(m, topic) == partitions);
            } catch (Exception e) {
                return false;
            }
        }, "group " + group + " stable with " + members + " member(s) of " + partitions + " partition(s) of " + topic
                + " each", () -> last.get(group) + "\n" + APPS.stream().map(ExampleApp::output)
                .collect(Collectors.joining("\n")));
    }

    private static long assigned(MemberDescription member, String topic) {
        return member.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(topic)).count();
    }

    @AfterAll
    static void stopTheApps() throws Exception {
        APPS.forEach(ExampleApp::stop);
        for (ExampleApp app : APPS) {
            app.close();
        }
    }

    @Test
    @Timeout(120)
    void everyOrderIsMailedOnceAndAuditedOnceAndTheThreeListenerContainersShareThePartitions() throws Exception {
        Map<String, Integer> partitionOfOrder = new HashMap<>();
        for (int i = 0; i < ORDERS; i++) {
            JsonNode accepted = JSON.readTree(orders.post("/orders",
                    "{\"userId\":\"user-" + i + "\",\"amount\":" + (10 + i) + ".5,\"email\":\"user-" + i + "@example.com\"}"));
            partitionOfOrder.put(accepted.get("orderId").asText(), accepted.get("partition").asInt());
        }

        List<JsonNode> mailed = awaitAll(mails, "/mails", partitionOfOrder.keySet());
        List<JsonNode> audited = awaitAll(mails, "/audit", partitionOfOrder.keySet());

        assertEquals(partitionOfOrder.keySet(), countsOf(mailed).keySet());
        assertEquals(Set.of(1L), Set.copyOf(countsOf(mailed).values()), "mails per order: " + countsOf(mailed));
        assertEquals(Set.of(1L), Set.copyOf(countsOf(audited).values()), "audit entries per order: " + countsOf(audited));
        for (JsonNode mail : mailed) {
            String orderId = mail.get("orderId").asText();
            assertEquals(partitionOfOrder.get(orderId), mail.get("partition").asInt(), mail.toString());
            assertTrue(mail.get("to").asText().endsWith("@example.com"), mail.toString());
        }
        Map<Integer, Set<String>> consumersOfPartition = mailed.stream().collect(Collectors.groupingBy(
                m -> m.get("partition").asInt(), Collectors.mapping(m -> m.get("consumer").asText(), Collectors.toSet())));
        assertEquals(Set.of(0, 1, 2), consumersOfPartition.keySet(), "partitions the orders were mailed from");
        assertTrue(consumersOfPartition.values().stream().allMatch(c -> c.size() == 1),
                "each partition is consumed by one container: " + consumersOfPartition);
        Set<String> consumers = consumersOfPartition.values().stream().flatMap(Set::stream).collect(Collectors.toSet());
        assertEquals(3, consumers.size(), "three listener containers mailed: " + consumers);
        assertTrue(consumers.stream().allMatch(c -> c.startsWith("mail-")), consumers.toString());
    }

    @Test
    @Timeout(120)
    void anOrderWithABadAddressIsRetriedThenPublishedToTheDeadLetterTopicAndNeverMailed() throws Exception {
        JsonNode accepted = JSON.readTree(orders.post("/orders",
                "{\"userId\":\"mallory\",\"amount\":1.00,\"email\":\"no-at-sign.example.com\"}"));
        String orderId = accepted.get("orderId").asText();
        int partition = accepted.get("partition").asInt();

        ConsumerRecord<String, String> dead = readDeadLetter(orderId);

        assertEquals(partition, dead.partition(), "the recoverer keeps the partition number");
        JsonNode event = JSON.readTree(dead.value());
        assertEquals("no-at-sign.example.com", event.get("email").asText(), dead.value());
        assertEquals("mallory", event.get("userId").asText(), dead.value());
        assertEquals("order-created", header(dead, "kafka_dlt-original-topic"));
        assertEquals(partition, ByteBuffer.wrap(dead.headers().lastHeader("kafka_dlt-original-partition").value()).getInt());
        String exception = header(dead, "kafka_dlt-exception-message");
        assertTrue(exception != null && exception.contains("invalid address"), "exception header: " + exception);

        List<JsonNode> deadLetters = awaitAll(mails, "/dead-letters", Set.of(orderId));
        assertEquals(1, deadLetters.size(), deadLetters.toString());
        awaitAll(mails, "/audit", Set.of(orderId));
        List<String> mailedIds = ids(JSON.readTree(mails.get("/mails")));
        assertFalse(mailedIds.contains(orderId), "order " + orderId + " was mailed: " + mailedIds);
    }

    @Test
    @Timeout(120)
    void aQuestionReachesTheNotificationServiceThroughSpringCloudStream() throws Exception {
        JsonNode accepted = JSON.readTree(questions.post("/questions",
                "{\"userId\":\"carol\",\"title\":\"Does Fjord speak Kafka?\",\"body\":\"Asking for a friend.\"}"));
        String questionId = accepted.get("questionId").asText();

        List<JsonNode> notified = awaitAll(notifications, "/notifications", Set.of(questionId));

        assertEquals(1, notified.size(), notified.toString());
        assertEquals("carol", notified.get(0).get("userId").asText());
        assertTrue(notified.get(0).get("text").asText().contains("Does Fjord speak Kafka?"), notified.toString());
    }

    /** Reads {@code order-created.DLT} from the beginning with a plain kafka-clients consumer until {@code key} shows up. */
    private static ConsumerRecord<String, String> readDeadLetter(String key) throws Exception {
        try (KafkaConsumer<String, String> consumer = Clients.consumer(BROKER.bootstrapServers(),
                Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))) {
            List<TopicPartition> partitions = IntStream.range(0, 3)
                    .mapToObj(p -> new TopicPartition("order-created.DLT", p)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<String> seen = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (key.equals(record.key())) {
                        return record;
                    }
                    seen.add(record.key());
                }
            }
            throw new AssertionError("order " + key + " did not reach order-created.DLT within 60 s; keys there: " + seen);
        }
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertNotNull(header, name + " header on " + record);
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Polls {@code GET path} of {@code app} (a JSON array) until it holds an element for each id; those elements. */
    private static List<JsonNode> awaitAll(ExampleApp app, String path, Set<String> ids) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        Eventually.until(60, () -> {
            try {
                found.clear();
                for (JsonNode element : JSON.readTree(app.get(path))) {
                    if (ids.contains(id(element))) {
                        found.add(element);
                    }
                }
                return found.stream().map(ExampleAppsIT::id).collect(Collectors.toSet()).containsAll(ids);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, app.name() + path + " listing " + ids.size() + " id(s)", () -> "found " + found.size() + ": " + found);
        return List.copyOf(found);
    }

    private static String id(JsonNode element) {
        JsonNode id = element.has("orderId") ? element.get("orderId") : element.get("questionId");
        return id == null ? null : id.asText();
    }

    private static List<String> ids(JsonNode array) {
        List<String> ids = new ArrayList<>();
        array.forEach(element -> ids.add(id(element)));
        return ids;
    }

    private static Map<String, Long> countsOf(List<JsonNode> elements) {
        return elements.stream().collect(Collectors.groupingBy(ExampleAppsIT::id, Collectors.counting()));
    }
}
