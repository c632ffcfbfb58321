package io.fjord.broker.metrics;

import io.fjord.coordinator.TopicPartitionRef;
import io.fjord.log.TopicPartition;
import io.fjord.metrics.BrokerMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsumerLagGaugesTest {
    private final BrokerMetrics metrics = BrokerMetrics.create(true, false);
    private final Map<String, Map<TopicPartitionRef, Long>> committed = new HashMap<>();
    private final Map<TopicPartition, Long> logEnds = new HashMap<>();
    private final ConsumerLagGauges lag = new ConsumerLagGauges(metrics, () -> copy(committed),
            tp -> logEnds.containsKey(tp) ? OptionalLong.of(logEnds.get(tp)) : OptionalLong.empty());

    @AfterEach
    void close() {
        metrics.close();
    }

    private static Map<String, Map<TopicPartitionRef, Long>> copy(Map<String, Map<TopicPartitionRef, Long>> m) {
        Map<String, Map<TopicPartitionRef, Long>> c = new HashMap<>();
        m.forEach((g, o) -> c.put(g, Map.copyOf(o)));
        return c;
    }

    private Double value(String series, String group, String topic, int partition) {
        Pattern p = Pattern.compile("^" + series + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
        Matcher m = p.matcher(metrics.scrape());
        while (m.find()) {
            String labels = m.group(1);
            if (labels.contains("consumergroup=\"" + group + "\"") && labels.contains("topic=\"" + topic + "\"")
                    && labels.contains("partition=\"" + partition + "\"")) {
                return Double.parseDouble(m.group(2));
            }
        }
        return null;
    }

    @Test
    void lagIsTheLogEndMinusTheCommittedOffsetAndFollowsTheLogLive() {
        committed.put("g", new HashMap<>(Map.of(new TopicPartitionRef("t", 0), 30L)));
        logEnds.put(new TopicPartition("t", 0), 100L);
        lag.refresh();

        assertEquals(30.0, value("kafka_consumergroup_current_offset", "g", "t", 0));
        assertEquals(70.0, value("kafka_consumergroup_lag", "g", "t", 0));

        logEnds.put(new TopicPartition("t", 0), 150L);
        assertEquals(120.0, value("kafka_consumergroup_lag", "g", "t", 0), "the log end is read at each scrape");
    }

    @Test
    void lagIsNeverNegative() {
        committed.put("g", new HashMap<>(Map.of(new TopicPartitionRef("t", 0), 500L)));
        logEnds.put(new TopicPartition("t", 0), 100L);
        lag.refresh();

        assertEquals(0.0, value("kafka_consumergroup_lag", "g", "t", 0));
    }

    @Test
    void aPartitionWhoseLogIsNotHereHasOnlyItsCommittedOffset() {
        committed.put("g", new HashMap<>(Map.of(new TopicPartitionRef("elsewhere", 0), 5L)));
        lag.refresh();

        assertEquals(5.0, value("kafka_consumergroup_current_offset", "g", "elsewhere", 0));
        assertNull(value("kafka_consumergroup_lag", "g", "elsewhere", 0));
    }

    @Test
    void seriesOfDeletedGroupsAndOffsetsAreRemovedAtTheNextRefresh() {
        committed.put("a", new HashMap<>(Map.of(new TopicPartitionRef("t", 0), 1L, new TopicPartitionRef("t", 1), 2L)));
        committed.put("b", new HashMap<>(Map.of(new TopicPartitionRef("t", 0), 3L)));
        logEnds.put(new TopicPartition("t", 0), 10L);
        logEnds.put(new TopicPartition("t", 1), 10L);
        lag.refresh();
        assertEquals(3, lag.seriesKeys());

        committed.remove("b");
        committed.get("a").remove(new TopicPartitionRef("t", 1));
        lag.refresh();

        assertEquals(1, lag.seriesKeys());
        assertNull(value("kafka_consumergroup_lag", "b", "t", 0));
        assertNull(value("kafka_consumergroup_current_offset", "b", "t", 0));
        assertNull(value("kafka_consumergroup_lag", "a", "t", 1));
        assertEquals(9.0, value("kafka_consumergroup_lag", "a", "t", 0));
    }

    @Test
    void aNewCommitIsReadAfterTheNextRefresh() {
        TopicPartitionRef tp = new TopicPartitionRef("t", 0);
        committed.put("g", new HashMap<>(Map.of(tp, 1L)));
        logEnds.put(new TopicPartition("t", 0), 10L);
        lag.refresh();
        committed.get("g").put(tp, 8L);
        assertEquals(9.0, value("kafka_consumergroup_lag", "g", "t", 0));

        lag.refresh();

        assertEquals(2.0, value("kafka_consumergroup_lag", "g", "t", 0));
        assertEquals(8.0, value("kafka_consumergroup_current_offset", "g", "t", 0));
    }

    @Test
    void closeRemovesEverySeries() {
        committed.put("g", new HashMap<>(Map.of(new TopicPartitionRef("t", 0), 1L)));
        logEnds.put(new TopicPartition("t", 0), 10L);
        lag.refresh();
        assertTrue(metrics.scrape().contains("kafka_consumergroup_lag{"));

        lag.close();

        assertFalse(metrics.scrape().contains("kafka_consumergroup_lag{"));
        assertFalse(metrics.scrape().contains("kafka_consumergroup_current_offset{"));
    }
}
