package io.fjord.it;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.requests.DeleteRecordsResponse;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse;
import org.apache.kafka.common.requests.DescribeLogDirsRequest;
import org.apache.kafka.common.requests.DescribeLogDirsResponse;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.apache.kafka.common.requests.DescribeTopicPartitionsResponse;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.apache.kafka.common.requests.IncrementalAlterConfigsResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DescribeConfigs, AlterConfigs, IncrementalAlterConfigs, DeleteRecords, DescribeLogDirs and
 * DescribeTopicPartitions at every served version, as raw requests encoded and parsed by kafka-clients.
 */
class AdminRequestsIT {
    private static final byte TOPIC = ConfigResource.Type.TOPIC.id();
    private static final byte BROKER = ConfigResource.Type.BROKER.id();

    @RegisterExtension
    final InProcessBrokerExtension broker = new InProcessBrokerExtension();

    @BeforeEach
    void createTopics() throws Exception {
        broker.createTopics(new NewTopic("t", 3, (short) 1), new NewTopic("u", 2, (short) 1),
                new NewTopic("c", 1, (short) 1).configs(Map.of("cleanup.policy", "compact")));
    }

    private AbstractResponse send(AbstractRequest request) throws Exception {
        return broker.raw().send(request);
    }

    private void produce(String topic, int partition, int count) throws Exception {
        Clients.produce(broker.bootstrap(), topic, partition, count, i -> null, i -> "v" + i);
    }

    private DescribeConfigsResponseData describeConfigs(short version, byte type, String name, List<String> keys,
                                                        boolean synonyms) throws Exception {
        DescribeConfigsRequestData data = new DescribeConfigsRequestData().setIncludeSynonyms(synonyms)
                .setIncludeDocumentation(version >= 3);
        data.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType(type)
                .setResourceName(name).setConfigurationKeys(keys));
        return ((DescribeConfigsResponse) send(new DescribeConfigsRequest.Builder(data).build(version))).data();
    }

    @Test
    @Timeout(120)
    void describeConfigsAtEveryVersion() throws Exception {
        for (short v = 1; v <= 4; v++) {
            DescribeConfigsResponseData.DescribeConfigsResult topic =
                    describeConfigs(v, TOPIC, "c", null, true).results().get(0);
            assertEquals(Errors.NONE.code(), topic.errorCode(), "v" + v);
            assertEquals(AdminConfigsIT.TOPIC_CONFIGS.size(), topic.configs().size(), "v" + v);
            DescribeConfigsResponseData.DescribeConfigsResourceResult policy = topic.configs().stream()
                    .filter(c -> c.name().equals("cleanup.policy")).findFirst().orElseThrow();
            assertEquals("compact", policy.value());
            assertEquals(1, policy.configSource(), "DYNAMIC_TOPIC_CONFIG");
            assertEquals("cleanup.policy", policy.synonyms().get(0).name());
            assertEquals(v >= 3 ? 7 : 0, policy.configType(), "LIST from v3");
            assertEquals(v >= 3, policy.documentation() != null && !policy.documentation().isEmpty(),
                    "documentation from v3 when asked");

            DescribeConfigsResponseData.DescribeConfigsResult only =
                    describeConfigs(v, TOPIC, "t", List.of("retention.ms", "no.such.key"), false).results().get(0);
            assertEquals(List.of("retention.ms"), only.configs().stream().map(c -> c.name()).toList(), "v" + v);
            assertTrue(only.configs().get(0).synonyms().isEmpty());

            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                    describeConfigs(v, TOPIC, "nope", null, false).results().get(0).errorCode());
            assertEquals(Errors.INVALID_TOPIC_EXCEPTION.code(),
                    describeConfigs(v, TOPIC, "", null, false).results().get(0).errorCode());
            DescribeConfigsResponseData.DescribeConfigsResult node =
                    describeConfigs(v, BROKER, "1", List.of("log.dirs"), false).results().get(0);
            assertEquals(Errors.NONE.code(), node.errorCode());
            assertEquals(broker.dir().toString(), node.configs().get(0).value());
            assertEquals(4, node.configs().get(0).configSource(), "STATIC_BROKER_CONFIG");
            assertTrue(node.configs().get(0).readOnly());
            assertEquals(Errors.INVALID_REQUEST.code(),
                    describeConfigs(v, BROKER, "2", null, false).results().get(0).errorCode());
            assertEquals(Errors.INVALID_REQUEST.code(),
                    describeConfigs(v, BROKER, "x", null, false).results().get(0).errorCode());
            assertEquals(Errors.INVALID_REQUEST.code(), describeConfigs(v, ConfigResource.Type.BROKER_LOGGER.id(), "",
                    null, false).results().get(0).errorCode());
        }
    }

    private IncrementalAlterConfigsResponseData incrementalAlter(short version, byte type, String name, String key,
                                                                 byte op, String value, boolean validateOnly) throws Exception {
        IncrementalAlterConfigsRequestData data = new IncrementalAlterConfigsRequestData().setValidateOnly(validateOnly);
        IncrementalAlterConfigsRequestData.AlterConfigsResource resource =
                new IncrementalAlterConfigsRequestData.AlterConfigsResource().setResourceType(type).setResourceName(name);
        resource.configs().add(new IncrementalAlterConfigsRequestData.AlterableConfig().setName(key)
                .setConfigOperation(op).setValue(value));
        data.resources().add(resource);
        return ((IncrementalAlterConfigsResponse) send(new IncrementalAlterConfigsRequest.Builder(data).build(version))).data();
    }

    private String topicValue(String topic, String key) throws Exception {
        return describeConfigs((short) 4, TOPIC, topic, List.of(key), false).results().get(0).configs().get(0).value();
    }

    @Test
    @Timeout(120)
    void incrementalAlterConfigsAtEveryVersion() throws Exception {
        for (short v = 0; v <= 1; v++) {
            String retention = Integer.toString(1000 + v);
            assertEquals(Errors.NONE.code(), incrementalAlter(v, TOPIC, "t", "retention.ms", (byte) 0, retention, false)
                    .responses().get(0).errorCode(), "v" + v);
            assertEquals(retention, topicValue("t", "retention.ms"));
            assertEquals(Errors.NONE.code(), incrementalAlter(v, TOPIC, "t", "retention.ms", (byte) 0, "1", true)
                    .responses().get(0).errorCode());
            assertEquals(retention, topicValue("t", "retention.ms"), "validateOnly changes nothing");
            assertEquals(Errors.NONE.code(), incrementalAlter(v, TOPIC, "t", "retention.ms", (byte) 1, null, false)
                    .responses().get(0).errorCode());
            assertEquals("604800000", topicValue("t", "retention.ms"));
            assertEquals(Errors.INVALID_CONFIG.code(), incrementalAlter(v, TOPIC, "t", "no.such", (byte) 0, "1", false)
                    .responses().get(0).errorCode());
            assertEquals(Errors.INVALID_CONFIG.code(), incrementalAlter(v, TOPIC, "t", "segment.bytes", (byte) 2, "1", false)
                    .responses().get(0).errorCode());
            assertEquals(Errors.INVALID_REQUEST.code(), incrementalAlter(v, TOPIC, "t", "retention.ms", (byte) 0, null, false)
                    .responses().get(0).errorCode());
            assertEquals(Errors.INVALID_REQUEST.code(), incrementalAlter(v, TOPIC, "t", "retention.ms", (byte) 9, "1", false)
                    .responses().get(0).errorCode());
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                    incrementalAlter(v, TOPIC, "nope", "retention.ms", (byte) 0, "1", false).responses().get(0).errorCode());
            assertEquals(Errors.INVALID_REQUEST.code(),
                    incrementalAlter(v, TOPIC, "", "retention.ms", (byte) 0, "1", false).responses().get(0).errorCode());
            assertEquals(Errors.NONE.code(), incrementalAlter(v, BROKER, "1", "log.retention.bytes", (byte) 0, "100000", false)
                    .responses().get(0).errorCode());
            assertEquals("100000", topicValue("t", "retention.bytes"));
            assertEquals(Errors.NONE.code(), incrementalAlter(v, BROKER, "1", "log.retention.bytes", (byte) 1, null, false)
                    .responses().get(0).errorCode());
            assertEquals("-1", topicValue("t", "retention.bytes"));
            assertEquals(Errors.INVALID_CONFIG.code(), incrementalAlter(v, BROKER, "", "node.id", (byte) 0, "5", false)
                    .responses().get(0).errorCode());
        }
    }

    private AlterConfigsResponse alterConfigs(short version, byte type, String name, Map<String, String> configs)
            throws Exception {
        List<AlterConfigsRequest.ConfigEntry> entries = new ArrayList<>();
        configs.forEach((k, v) -> entries.add(new AlterConfigsRequest.ConfigEntry(k, v)));
        ConfigResource resource = new ConfigResource(ConfigResource.Type.forId(type), name);
        return (AlterConfigsResponse) send(new AlterConfigsRequest.Builder(
                Map.of(resource, new AlterConfigsRequest.Config(entries)), false).build(version));
    }

    @Test
    @Timeout(120)
    void legacyAlterConfigsReplacesTheWholeSetAtEveryVersion() throws Exception {
        for (short v = 0; v <= 2; v++) {
            assertEquals(Errors.NONE.code(), alterConfigs(v, TOPIC, "u", Map.of("retention.ms", "1234",
                    "segment.ms", "60000")).data().responses().get(0).errorCode(), "v" + v);
            assertEquals("1234", topicValue("u", "retention.ms"));
            assertEquals(Errors.NONE.code(), alterConfigs(v, TOPIC, "u", Map.of("segment.ms", "70000"))
                    .data().responses().get(0).errorCode());
            assertEquals("604800000", topicValue("u", "retention.ms"), "keys left out are deleted");
            assertEquals("70000", topicValue("u", "segment.ms"));
            assertEquals(Errors.INVALID_CONFIG.code(), alterConfigs(v, TOPIC, "u", Map.of("retention.ms", "x"))
                    .data().responses().get(0).errorCode());
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), alterConfigs(v, TOPIC, "nope", Map.of())
                    .data().responses().get(0).errorCode());
        }
    }

    private DeleteRecordsResponseData deleteRecords(short version, String topic, int partition, long offset)
            throws Exception {
        DeleteRecordsRequestData data = new DeleteRecordsRequestData().setTimeoutMs(5000);
        DeleteRecordsRequestData.DeleteRecordsTopic t = new DeleteRecordsRequestData.DeleteRecordsTopic().setName(topic);
        t.partitions().add(new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(partition)
                .setOffset(offset));
        data.topics().add(t);
        return ((DeleteRecordsResponse) send(new DeleteRecordsRequest.Builder(data).build(version))).data();
    }

    private static DeleteRecordsResponseData.DeleteRecordsPartitionResult only(DeleteRecordsResponseData r) {
        return r.topics().iterator().next().partitions().iterator().next();
    }

    @Test
    @Timeout(120)
    void deleteRecordsAtEveryVersion() throws Exception {
        for (short v = 0; v <= 2; v++) {
            produce("t", v, 10);
            DeleteRecordsResponseData.DeleteRecordsPartitionResult moved = only(deleteRecords(v, "t", v, 4));
            assertEquals(Errors.NONE.code(), moved.errorCode(), "v" + v);
            assertEquals(4, moved.lowWatermark());
            assertEquals(4, only(deleteRecords(v, "t", v, 2)).lowWatermark(), "an offset below the start moves nothing");
            DeleteRecordsResponseData.DeleteRecordsPartitionResult beyond = only(deleteRecords(v, "t", v, 11));
            assertEquals(Errors.OFFSET_OUT_OF_RANGE.code(), beyond.errorCode());
            assertEquals(-1, beyond.lowWatermark());
            assertEquals(10, only(deleteRecords(v, "t", v, -1)).lowWatermark(), "-1 is the high watermark");
            assertEquals(Errors.OFFSET_OUT_OF_RANGE.code(), only(deleteRecords(v, "t", v, -7)).errorCode());
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), only(deleteRecords(v, "t", 9, 0)).errorCode());
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), only(deleteRecords(v, "nope", 0, 0)).errorCode());
            assertEquals(Errors.POLICY_VIOLATION.code(), only(deleteRecords(v, "c", 0, 0)).errorCode());
        }
    }

    private DescribeLogDirsResponseData describeLogDirs(short version, List<String> topics) throws Exception {
        DescribeLogDirsRequestData data = new DescribeLogDirsRequestData();
        if (topics == null) {
            data.setTopics(null);
        } else {
            for (String t : topics) {
                data.topics().add(new DescribeLogDirsRequestData.DescribableLogDirTopic().setTopic(t)
                        .setPartitions(List.of(0, 1)));
            }
        }
        return ((DescribeLogDirsResponse) send(new DescribeLogDirsRequest.Builder(data).build(version))).data();
    }

    @Test
    @Timeout(120)
    void describeLogDirsAtEveryVersion() throws Exception {
        produce("u", 1, 5);
        for (short v = 1; v <= 4; v++) {
            DescribeLogDirsResponseData all = describeLogDirs(v, null);
            assertEquals(Errors.NONE.code(), all.errorCode());
            assertEquals(1, all.results().size());
            DescribeLogDirsResponseData.DescribeLogDirsResult result = all.results().get(0);
            assertEquals(Errors.NONE.code(), result.errorCode());
            assertEquals(broker.dir().toAbsolutePath().normalize().toString(), result.logDir());
            assertEquals(List.of("c", "t", "u"), result.topics().stream().map(t -> t.name()).sorted().toList());
            DescribeLogDirsResponseData.DescribeLogDirsTopic u = result.topics().stream()
                    .filter(t -> t.name().equals("u")).findFirst().orElseThrow();
            assertEquals(List.of(0, 1), u.partitions().stream().map(p -> p.partitionIndex()).sorted().toList());
            for (DescribeLogDirsResponseData.DescribeLogDirsPartition p : u.partitions()) {
                assertEquals(p.partitionIndex() == 1, p.partitionSize() > 0, "only partition 1 has records");
                assertEquals(0, p.offsetLag());
                assertFalse(p.isFutureKey());
            }
            if (v >= 4) {
                assertTrue(result.totalBytes() > 0);
                assertTrue(result.usableBytes() >= 0 && result.usableBytes() <= result.totalBytes());
            }
            DescribeLogDirsResponseData some = describeLogDirs(v, List.of("u"));
            assertEquals(List.of("u"), some.results().get(0).topics().stream().map(t -> t.name()).toList());
        }
    }

    private DescribeTopicPartitionsResponseData describeTopicPartitions(List<String> topics, int limit,
                                                                        String cursorTopic, int cursorPartition)
            throws Exception {
        DescribeTopicPartitionsRequestData data = new DescribeTopicPartitionsRequestData().setResponsePartitionLimit(limit);
        topics.forEach(t -> data.topics().add(new DescribeTopicPartitionsRequestData.TopicRequest().setName(t)));
        if (cursorTopic != null) {
            data.setCursor(new DescribeTopicPartitionsRequestData.Cursor().setTopicName(cursorTopic)
                    .setPartitionIndex(cursorPartition));
        }
        return ((DescribeTopicPartitionsResponse) send(new DescribeTopicPartitionsRequest.Builder(data).build((short) 0))).data();
    }

    @Test
    @Timeout(120)
    void describeTopicPartitionsPagesThroughAllTopicsWithACursor() throws Exception {
        List<String> seen = new ArrayList<>();
        String cursorTopic = null;
        int cursorPartition = 0;
        int pages = 0;
        do {
            DescribeTopicPartitionsResponseData page = describeTopicPartitions(List.of(), 2, cursorTopic, cursorPartition);
            pages++;
            for (DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic t : page.topics()) {
                assertEquals(Errors.NONE.code(), t.errorCode());
                assertNotEquals(org.apache.kafka.common.Uuid.ZERO_UUID, t.topicId());
                assertTrue(t.partitions().size() <= 2);
                assertNotEquals(Integer.MIN_VALUE, t.topicAuthorizedOperations());
                for (DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition p : t.partitions()) {
                    assertEquals(1, p.leaderId());
                    assertEquals(List.of(1), p.replicaNodes());
                    assertEquals(List.of(1), p.isrNodes());
                    assertEquals(List.of(), p.eligibleLeaderReplicas());
                    seen.add(t.name() + "-" + p.partitionIndex());
                }
            }
            cursorTopic = page.nextCursor() == null ? null : page.nextCursor().topicName();
            cursorPartition = page.nextCursor() == null ? 0 : page.nextCursor().partitionIndex();
        } while (cursorTopic != null && pages < 10);
        assertEquals(List.of("c-0", "t-0", "t-1", "t-2", "u-0", "u-1"), seen);
        assertEquals(3, pages, "six partitions, two per page");
    }

    @Test
    @Timeout(120)
    void describeTopicPartitionsAnswersUnknownTopicsAndRejectsABadCursor() throws Exception {
        DescribeTopicPartitionsResponseData named = describeTopicPartitions(List.of("u", "nope", "bad/name"), 2000, null, 0);
        List<DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic> namedTopics = List.copyOf(named.topics());
        assertEquals(List.of("bad/name", "nope", "u"), named.topics().stream().map(t -> t.name()).toList());
        assertEquals(Errors.INVALID_TOPIC_EXCEPTION.code(), namedTopics.get(0).errorCode());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), namedTopics.get(1).errorCode());
        assertEquals(org.apache.kafka.common.Uuid.ZERO_UUID, namedTopics.get(1).topicId());
        assertEquals(Errors.NONE.code(), namedTopics.get(2).errorCode());
        assertNull(named.nextCursor());

        DescribeTopicPartitionsResponseData fromCursor = describeTopicPartitions(List.of("t", "u"), 2000, "t", 2);
        assertEquals(List.of(2), List.copyOf(fromCursor.topics()).get(0).partitions().stream().map(p -> p.partitionIndex()).toList());

        DescribeTopicPartitionsResponseData wrongCursor = describeTopicPartitions(List.of("u"), 2000, "t", 0);
        assertEquals(Errors.INVALID_REQUEST.code(), List.copyOf(wrongCursor.topics()).get(0).errorCode());
        DescribeTopicPartitionsResponseData negative = describeTopicPartitions(List.of("t"), 2000, "t", -1);
        assertEquals(Errors.INVALID_REQUEST.code(), List.copyOf(negative.topics()).get(0).errorCode());
    }
}
