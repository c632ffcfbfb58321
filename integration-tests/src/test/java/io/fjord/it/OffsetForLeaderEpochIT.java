package io.fjord.it;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.LogTruncationException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** OffsetForLeaderEpoch at every served version as raw requests, and a KafkaConsumer validating its position. */
class OffsetForLeaderEpochIT {
    private static final String TOPIC = "epochs";
    private static final int RECORDS = 7;

    @RegisterExtension
    final InProcessBrokerExtension broker = new InProcessBrokerExtension();

    @BeforeEach
    void createTopicWithRecords() throws Exception {
        broker.createTopics(new NewTopic(TOPIC, 2, (short) 1));
        Clients.produce(broker.bootstrap(), TOPIC, 0, RECORDS, i -> "k" + i, i -> "v");
    }

    private Map<String, EpochEndOffset> offsetsForEpochs(short version, String topic, OffsetForLeaderPartition... partitions)
            throws Exception {
        OffsetForLeaderEpochRequestData data = new OffsetForLeaderEpochRequestData().setReplicaId(-1);
        OffsetForLeaderTopic t = new OffsetForLeaderTopic().setTopic(topic);
        t.partitions().addAll(List.of(partitions));
        data.topics().add(t);
        OffsetForLeaderEpochResponseData response = broker.raw()
                .<OffsetsForLeaderEpochResponse>send(new OffsetsForLeaderEpochRequest(data, version)).data();
        Map<String, EpochEndOffset> out = new HashMap<>();
        response.topics().forEach(rt -> rt.partitions().forEach(p -> out.put(rt.topic() + "-" + p.partition(), p)));
        return out;
    }

    private static OffsetForLeaderPartition p(int partition, int currentLeaderEpoch, int leaderEpoch) {
        return new OffsetForLeaderPartition().setPartition(partition).setCurrentLeaderEpoch(currentLeaderEpoch)
                .setLeaderEpoch(leaderEpoch);
    }

    @Test
    @Timeout(60)
    void everyVersionAnswersTheEndOfTheEpochWithKafkasErrors() throws Exception {
        for (short v = ApiKeys.OFFSET_FOR_LEADER_EPOCH.oldestVersion(); v <= ApiKeys.OFFSET_FOR_LEADER_EPOCH.latestVersion(); v++) {
            String at = "v" + v;
            Map<String, EpochEndOffset> r = offsetsForEpochs(v, TOPIC, p(0, 0, 0), p(1, -1, 0), p(9, -1, 0));

            assertEquals(Errors.NONE.code(), r.get(TOPIC + "-0").errorCode(), at);
            assertEquals(0, r.get(TOPIC + "-0").leaderEpoch(), at);
            assertEquals(RECORDS, r.get(TOPIC + "-0").endOffset(), at);
            assertEquals(Errors.NONE.code(), r.get(TOPIC + "-1").errorCode(), at);
            assertEquals(0, r.get(TOPIC + "-1").endOffset(), at);
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), r.get(TOPIC + "-9").errorCode(), at);

            Map<String, EpochEndOffset> newer = offsetsForEpochs(v, TOPIC, p(0, 3, 0));
            assertEquals(Errors.UNKNOWN_LEADER_EPOCH.code(), newer.get(TOPIC + "-0").errorCode(), at);
            Map<String, EpochEndOffset> later = offsetsForEpochs(v, TOPIC, p(0, -1, 5));
            assertEquals(-1, later.get(TOPIC + "-0").leaderEpoch(), at + ": an epoch above the latest is undefined, as Kafka");
            assertEquals(-1, later.get(TOPIC + "-0").endOffset(), at);
            Map<String, EpochEndOffset> unknown = offsetsForEpochs(v, "no-such-topic", p(0, -1, 0));
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), unknown.get("no-such-topic-0").errorCode(), at);
        }
    }

    private KafkaConsumer<String, String> consumer() {
        return Clients.consumer(broker.bootstrap(), Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"));
    }

    @Test
    @Timeout(60)
    void aConsumerSeekingWithAnEpochValidatesItsPosition() {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, new OffsetAndMetadata(3, Optional.of(0), ""));
            List<String> keys = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 20_000;
            while (keys.size() < RECORDS - 3 && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    keys.add(r.key());
                }
            }
            assertEquals(List.of("k3", "k4", "k5", "k6"), keys);
        }
    }

    @Test
    @Timeout(60)
    void aPositionPastTheEndOfItsEpochIsReportedAsTruncation() {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, new OffsetAndMetadata(RECORDS + 5, Optional.of(0), ""));
            LogTruncationException truncated = assertThrows(LogTruncationException.class, () -> {
                long deadline = System.currentTimeMillis() + 20_000;
                while (System.currentTimeMillis() < deadline) {
                    consumer.poll(Duration.ofMillis(200));
                }
            });
            assertEquals(RECORDS, truncated.divergentOffsets().get(tp).offset());
        }
    }
}
