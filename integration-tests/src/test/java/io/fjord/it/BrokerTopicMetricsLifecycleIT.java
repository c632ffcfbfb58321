package io.fjord.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A topic's kafka.server BrokerTopicMetrics over its life, from the /metrics scrape of an in-process node with stock
 * clients: the series appear with the first produce and count each record once, go when the topic is deleted, and a
 * topic created again under the same name counts from zero while the broker-wide series keep every record.
 */
class BrokerTopicMetricsLifecycleIT {
    private static final String TOPIC = "lifecycle-t";
    private static final String MESSAGES_IN = "kafka_server_brokertopicmetrics_messagesin_total";

    @TempDir
    Path dir;

    /** The value of {@code name} for {@code topic} ("" for the broker-wide series), or -1 without such a line. */
    private static double value(String scrape, String name, String topic) {
        String labels = topic.isEmpty() ? "" : "\\{topic=\"" + Pattern.quote(topic) + "\"\\}";
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + labels + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static String topicSeries(String scrape) {
        return scrape.lines().filter(l -> l.startsWith("kafka_server_brokertopicmetrics_")
                && l.contains("topic=\"" + TOPIC + "\"")).reduce("", (a, b) -> a + b + "\n");
    }

    @Test
    @Timeout(120)
    void aDeletedTopicsSeriesGoAndTheTopicCreatedAgainCountsFromZero() throws Exception {
        try (InProcessBroker broker = InProcessBroker.start(dir, Map.of());
             Admin admin = Clients.admin(broker.bootstrap())) {
            var metrics = broker.server().metrics();
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            Clients.produce(broker.bootstrap(), TOPIC, 0, 5, i -> "k" + i, i -> "first-" + i);
            String first = metrics.scrape();
            assertEquals(5, value(first, MESSAGES_IN, TOPIC), topicSeries(first));
            assertEquals(0, value(first, "kafka_server_brokertopicmetrics_failedproducerequests_total", TOPIC));

            admin.deleteTopics(List.of(TOPIC)).all().get();
            Eventually.until(20, () -> topicSeries(metrics.scrape()).isEmpty(), "the deleted topic's series to go",
                    () -> topicSeries(metrics.scrape()));

            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            Clients.produce(broker.bootstrap(), TOPIC, 0, 3, i -> "k" + i, i -> "again-" + i);
            String again = metrics.scrape();
            assertEquals(3, value(again, MESSAGES_IN, TOPIC), topicSeries(again));
            assertEquals(8, value(again, MESSAGES_IN, ""), "broker-wide records of both incarnations");
        }
    }
}
