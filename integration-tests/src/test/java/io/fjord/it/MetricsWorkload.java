package io.fjord.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The small, exactly known workload the metrics tests measure: a topic with {@code partitions} partitions, {@code
 * records} records of {@code valueBytes} ASCII bytes each (null keys) produced one at a time to partition 0 by a
 * stock producer, and optionally a consumer in {@code group} that subscribes, reads all of them, polls once more for
 * {@link #IDLE_POLL} with nothing left to read (so its fetches wait {@link #FETCH_MAX_WAIT_MS} in the broker's
 * purgatory), and then commits only offset {@code committed} of partition 0 (auto-commit off) before it leaves.
 *
 * <p>Immutable; {@link #run} drives the clients on the calling thread.
 */
record MetricsWorkload(String topic, int partitions, int records, int valueBytes, String group, long committed) {
    static final int FETCH_MAX_WAIT_MS = 500;
    static final Duration IDLE_POLL = Duration.ofMillis(1_500);

    /** Without a consumer group. */
    static MetricsWorkload produceOnly(String topic, int partitions, int records, int valueBytes) {
        return new MetricsWorkload(topic, partitions, records, valueBytes, null, 0);
    }

    TopicPartition partition0() {
        return new TopicPartition(topic, 0);
    }

    /** Records produced but not committed by the group. */
    long lag() {
        return records - committed;
    }

    void run(String bootstrap, Admin admin) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        String value = "v".repeat(valueBytes);
        Clients.produce(bootstrap, topic, 0, records, i -> null, i -> value);
        if (group != null) {
            consumeAndCommitPart(bootstrap);
        }
    }

    private void consumeAndCommitPart(String bootstrap) throws Exception {
        try (KafkaConsumer<String, String> consumer = Clients.consumer(bootstrap, Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS))) {
            consumer.subscribe(List.of(topic));
            int read = 0;
            long deadline = System.currentTimeMillis() + 60_000;
            while (read < records) {
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("group " + group + " read " + read + " of " + records + " records of "
                            + topic + " within 60 s");
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value().length() != valueBytes) {
                        throw new AssertionError("read a value of " + record.value().length() + " bytes: " + record);
                    }
                    read++;
                }
            }
            read += consumer.poll(IDLE_POLL).count();
            if (read != records) {
                throw new AssertionError("group " + group + " read " + read + " records, " + records + " were produced");
            }
            consumer.commitSync(Map.of(partition0(), new OffsetAndMetadata(committed)));
        }
    }
}
