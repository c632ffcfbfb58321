package io.fjord.it;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsResponse;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.DescribeClusterResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Metadata, CreateTopics, DeleteTopics and DescribeCluster at every served version, as raw requests. */
class MetadataRequestIT {
    @TempDir
    Path dir;

    private InProcessBroker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private AbstractResponse send(AbstractRequest request) throws Exception {
        return new RawClient(broker.port()).send(request);
    }

    private MetadataResponseData metadata(short version, List<String> topics, boolean autoCreate) throws Exception {
        MetadataRequestData data = new MetadataRequestData().setAllowAutoTopicCreation(version < 4 || autoCreate);
        if (topics == null) {
            data.setTopics(version == 0 ? new ArrayList<>() : null);
        } else {
            topics.forEach(t -> data.topics().add(new MetadataRequestData.MetadataRequestTopic().setName(t)));
        }
        return ((MetadataResponse) send(new MetadataRequest(data, version))).data();
    }

    private CreateTopicsResponseData createTopic(short version, String name, int partitions, short rf,
                                                 boolean validateOnly) throws Exception {
        CreateTopicsRequestData data = new CreateTopicsRequestData().setTimeoutMs(10_000).setValidateOnly(validateOnly);
        data.topics().add(new CreateTopicsRequestData.CreatableTopic().setName(name).setNumPartitions(partitions)
                .setReplicationFactor(rf));
        return ((CreateTopicsResponse) send(new CreateTopicsRequest.Builder(data).build(version))).data();
    }

    @Test
    @Timeout(60)
    void everyMetadataVersionDescribesBrokersClusterAndTopics() throws Exception {
        broker = InProcessBroker.start(dir, Map.of());
        assertEquals(Errors.NONE.code(), createTopic((short) 7, "t1", 2, (short) 1, false).topics().find("t1").errorCode());
        String clusterId = broker.server().metadata().clusterId();
        for (short v = 0; v <= 13; v++) {
            MetadataResponseData r = metadata(v, null, false);
            assertEquals(1, r.brokers().size(), "v" + v);
            assertEquals(broker.port(), r.brokers().iterator().next().port());
            if (v >= 1) {
                assertEquals(1, r.controllerId(), "v" + v);
            }
            if (v >= 2) {
                assertEquals(clusterId, r.clusterId(), "v" + v);
            }
            MetadataResponseData.MetadataResponseTopic t = r.topics().find("t1");
            assertEquals(Errors.NONE.code(), t.errorCode());
            assertEquals(2, t.partitions().size());
            assertEquals(1, t.partitions().get(0).leaderId());
            assertEquals(List.of(1), t.partitions().get(0).replicaNodes());
            assertEquals(List.of(1), t.partitions().get(0).isrNodes());
            if (v >= 7) {
                assertEquals(0, t.partitions().get(0).leaderEpoch());
            }
            if (v >= 8) {
                assertEquals(Integer.MIN_VALUE, t.topicAuthorizedOperations(), "v" + v);
            }
            if (v >= 10) {
                assertEquals(Uuid.ZERO_UUID.equals(t.topicId()), false);
            }
        }
        MetadataRequestData asked = new MetadataRequestData().setIncludeTopicAuthorizedOperations(true)
                .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("t1")));
        MetadataResponseData r = ((MetadataResponse) send(new MetadataRequest(asked, (short) 12))).data();
        assertEquals(3576, r.topics().find("t1").topicAuthorizedOperations());
    }

    @Test
    @Timeout(60)
    void missingTopicIsAutoCreatedAndFirstAnsweredLeaderNotAvailable() throws Exception {
        broker = InProcessBroker.start(dir, Map.of("num.partitions", "3"));
        MetadataResponseData first = metadata((short) 12, List.of("auto"), true);
        assertEquals(Errors.LEADER_NOT_AVAILABLE.code(), first.topics().find("auto").errorCode());
        MetadataResponseData.MetadataResponseTopic created = null;
        for (int i = 0; i < 100; i++) {
            created = metadata((short) 12, List.of("auto"), true).topics().find("auto");
            if (created.errorCode() == Errors.NONE.code()) {
                break;
            }
            Thread.sleep(50);
        }
        assertEquals(Errors.NONE.code(), created.errorCode());
        assertEquals(3, created.partitions().size());

        MetadataResponseData internal = metadata((short) 12, List.of("__consumer_offsets"), true);
        assertEquals(Errors.LEADER_NOT_AVAILABLE.code(), internal.topics().find("__consumer_offsets").errorCode());
        assertTrue(internal.topics().find("__consumer_offsets").isInternal());
        Await.until(() -> broker.server().metadata().image().topic("__consumer_offsets") != null,
                "__consumer_offsets created by the Metadata request that asked for it");

        MetadataResponseData bad = metadata((short) 12, List.of("bad name"), true);
        assertEquals(Errors.INVALID_TOPIC_EXCEPTION.code(), bad.topics().find("bad name").errorCode());
        MetadataResponseData off = metadata((short) 12, List.of("other"), false);
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), off.topics().find("other").errorCode());
    }

    @Test
    @Timeout(60)
    void autoCreateOffInTheBrokerAnswersUnknownTopic() throws Exception {
        broker = InProcessBroker.start(dir, Map.of("auto.create.topics.enable", "false"));
        MetadataResponseData r = metadata((short) 3, List.of("x"), true);
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), r.topics().find("x").errorCode());
        assertTrue(metadata((short) 3, null, true).topics().isEmpty());
    }

    @Test
    @Timeout(60)
    void unknownTopicIdIsAnsweredUnknownTopicId() throws Exception {
        broker = InProcessBroker.start(dir, Map.of());
        Uuid id = Uuid.randomUuid();
        MetadataRequestData data = new MetadataRequestData().setAllowAutoTopicCreation(false)
                .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setTopicId(id).setName(null)));
        MetadataResponseData r = ((MetadataResponse) send(new MetadataRequest(data, (short) 12))).data();
        assertEquals(1, r.topics().size());
        assertEquals(Errors.UNKNOWN_TOPIC_ID.code(), r.topics().iterator().next().errorCode());
        assertNull(r.topics().iterator().next().name());
    }

    @Test
    @Timeout(60)
    void createTopicsAtEveryVersionReportsPerTopicOutcomes() throws Exception {
        broker = InProcessBroker.start(dir, Map.of());
        for (short v = 2; v <= 7; v++) {
            String name = "topic-v" + v;
            CreateTopicsResponseData.CreatableTopicResult ok = createTopic(v, name, 2, (short) 1, false).topics().find(name);
            assertEquals(Errors.NONE.code(), ok.errorCode(), "v" + v);
            if (v >= 5) {
                assertEquals(2, ok.numPartitions());
                assertEquals(1, ok.replicationFactor());
            }
            if (v >= 7) {
                assertTrue(!Uuid.ZERO_UUID.equals(ok.topicId()));
            }
            CreateTopicsResponseData.CreatableTopicResult dup = createTopic(v, name, 2, (short) 1, false).topics().find(name);
            assertEquals(Errors.TOPIC_ALREADY_EXISTS.code(), dup.errorCode());
            assertEquals("Topic '" + name + "' already exists.", dup.errorMessage());
        }
        assertEquals(Errors.INVALID_PARTITIONS.code(),
                createTopic((short) 7, "zero", 0, (short) 1, false).topics().find("zero").errorCode());
        assertEquals(Errors.INVALID_REPLICATION_FACTOR.code(),
                createTopic((short) 7, "rf", 1, (short) 2, false).topics().find("rf").errorCode());
        assertEquals(Errors.INVALID_TOPIC_EXCEPTION.code(),
                createTopic((short) 7, "..", 1, (short) 1, false).topics().find("..").errorCode());
        assertEquals(Errors.NONE.code(),
                createTopic((short) 7, "dry", 1, (short) 1, true).topics().find("dry").errorCode());
        assertTrue(metadata((short) 12, List.of("dry"), false).topics().find("dry").errorCode()
                == Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }

    @Test
    @Timeout(60)
    void deleteTopicsAtEveryVersion() throws Exception {
        broker = InProcessBroker.start(dir, Map.of());
        for (short v = 1; v <= 6; v++) {
            String name = "del-v" + v;
            createTopic((short) 7, name, 1, (short) 1, false);
            DeleteTopicsRequestData data = new DeleteTopicsRequestData().setTimeoutMs(10_000);
            if (v >= 6) {
                data.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setName(name));
                data.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setName("missing"));
            } else {
                data.setTopicNames(List.of(name, "missing"));
            }
            DeleteTopicsResponseData r = ((DeleteTopicsResponse) send(new DeleteTopicsRequest.Builder(data).build(v))).data();
            assertEquals(Errors.NONE.code(), r.responses().find(name).errorCode(), "v" + v);
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), r.responses().find("missing").errorCode());
        }
    }

    @Test
    @Timeout(60)
    void describeClusterOfControllersIsUnsupportedOnABrokerListener() throws Exception {
        broker = InProcessBroker.start(dir, Map.of());
        DescribeClusterRequestData data = new DescribeClusterRequestData().setEndpointType((byte) 2);
        DescribeClusterResponseData r = ((DescribeClusterResponse) send(
                new DescribeClusterRequest.Builder(data).build((short) 1))).data();
        assertEquals(Errors.UNSUPPORTED_ENDPOINT_TYPE.code(), r.errorCode());
        DescribeClusterResponseData ok = ((DescribeClusterResponse) send(new DescribeClusterRequest.Builder(
                new DescribeClusterRequestData().setIncludeClusterAuthorizedOperations(true)).build((short) 2))).data();
        assertEquals(Errors.NONE.code(), ok.errorCode());
        assertEquals(broker.server().metadata().clusterId(), ok.clusterId());
        assertEquals(1, ok.brokers().size());
    }
}
