package io.fjord.it;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a whole topic back with a stock KafkaConsumer, without a consumer group: assign every partition,
 * seek to the beginning, poll until each partition's position reaches the end offset taken at the start.
 *
 * <p>Stateless; each call uses its own consumer.
 */
final class TopicReader {
    private TopicReader() {
    }

    /** Every record of {@code topic}'s partitions 0..partitions-1 as strings, per partition in offset order. */
    static Map<Integer, List<ConsumerRecord<String, String>>> readAll(String bootstrapServers, String topic, int partitions) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> assigned = new ArrayList<>();
            Map<Integer, List<ConsumerRecord<String, String>>> read = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                assigned.add(new TopicPartition(topic, p));
                read.put(p, new ArrayList<>());
            }
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, Duration.ofSeconds(30));
            long deadline = System.currentTimeMillis() + 60_000;
            while (!assigned.stream().allMatch(tp -> consumer.position(tp, Duration.ofSeconds(30)) >= ends.get(tp))) {
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("could not read " + topic + " up to " + ends + " within 60 s; read "
                            + read.values().stream().mapToInt(List::size).sum() + " records");
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    read.get(record.partition()).add(record);
                }
            }
            return read;
        }
    }
}
