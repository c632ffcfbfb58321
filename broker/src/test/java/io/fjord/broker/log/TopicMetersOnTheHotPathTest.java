package io.fjord.broker.log;

import io.fjord.broker.BrokerServer;
import io.fjord.broker.InProcessNode;
import io.fjord.broker.api.FetchHandler;
import io.fjord.broker.api.ProduceHandler;
import io.fjord.broker.api.RequestContext;
import io.fjord.metrics.BrokerTopicMetrics;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.RequestHeader;
import io.fjord.protocol.Uuid;
import io.fjord.protocol.message.FetchRequest;
import io.fjord.protocol.message.FetchResponse;
import io.fjord.protocol.message.ProduceRequest;
import io.fjord.protocol.message.ProduceResponse;
import io.fjord.protocol.records.CompressionType;
import io.fjord.protocol.records.RecordBatchBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Produce and Fetch count a topic's BrokerTopicMetrics into the meters {@link PartitionManager#leader} serves with the
 * log, not into a lookup per request; a deleted or re-created topic's series go. Runs a full in-process node.
 *
 * <p>To tell the two apart, the tests drop the topic's entry from the registry behind the partition manager's back:
 * a lookup per request would then find a fresh instance and count there, the served meters would stay still.
 */
class TopicMetersOnTheHotPathTest {
    private static final String TOPIC = "orders";

    @TempDir
    Path dir;

    private BrokerServer server;
    private PartitionManager partitions;
    private BrokerTopicMetrics.Topics registry;

    @BeforeEach
    void startNode() throws Exception {
        server = InProcessNode.start(dir.resolve("data"), Map.of());
        partitions = server.partitions();
        registry = partitions.topicMetrics();
    }

    @AfterEach
    void stopNode() {
        server.close();
    }

    private void createTopic() throws Exception {
        server.metadata().controller().createTopic(TOPIC, 2, (short) 1, Map.of(), false).get(30, TimeUnit.SECONDS);
        awaitImage(true);
    }

    private void awaitImage(boolean hasTopic) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while ((server.metadata().image().topic(TOPIC) != null) != hasTopic) {
            assertTrue(System.currentTimeMillis() < deadline, "the image never " + (hasTopic ? "had" : "lost") + " the topic");
            Thread.sleep(10);
        }
    }

    private void awaitNewTopicId(Uuid old) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (server.metadata().image().topic(TOPIC) == null || server.metadata().image().topic(TOPIC).id().equals(old)) {
            assertTrue(System.currentTimeMillis() < deadline, "the image never had the re-created topic");
            Thread.sleep(10);
        }
    }

    private String topicSeries() {
        return server.metrics().scrape().lines().filter(l -> l.startsWith("kafka_server_brokertopicmetrics_")
                && l.contains("topic=\"" + TOPIC + "\"")).reduce("", (a, b) -> a + b + "\n");
    }

    /** Waits until the image follower ran every image queued on it so far. */
    private void awaitFollower() throws InterruptedException {
        CountDownLatch caughtUp = new CountDownLatch(1);
        partitions.runOnImageFollower(caughtUp::countDown);
        assertTrue(caughtUp.await(30, TimeUnit.SECONDS));
    }

    private static RequestContext context(ApiKey api, int version) {
        return new RequestContext(new RequestHeader(api.id(), (short) version, 1, "c"),
                new InetSocketAddress("localhost", 50_000), "PLAINTEXT");
    }

    /** Produces {@code records} one-record batches to {@code partition}, a request each; returns each one's error. */
    private List<ErrorCode> produce(int records, int partition) throws Exception {
        ProduceHandler handler = new ProduceHandler(server.metadata(), partitions);
        List<ErrorCode> errors = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            ByteBuf batch = new RecordBatchBuilder(CompressionType.NONE).append(System.currentTimeMillis(), null,
                    Unpooled.copiedBuffer("value-" + i, StandardCharsets.UTF_8), List.of()).build();
            try {
                ProduceRequest request = new ProduceRequest().setAcks((short) 1).setTimeoutMs(5_000)
                        .setTopicData(List.of(new ProduceRequest.TopicProduceData().setName(TOPIC).setPartitionData(
                                List.of(new ProduceRequest.PartitionProduceData().setIndex(partition).setRecords(batch)))));
                ProduceResponse response = handler.handle(context(ApiKey.PRODUCE, 9), request).get(30, TimeUnit.SECONDS);
                errors.add(ErrorCode.forCode(response.responses().get(0).partitionResponses().get(0).errorCode()));
            } finally {
                batch.release();
            }
        }
        return errors;
    }

    /** A consumer's sessionless fetch of partition 0 from offset 0; returns the bytes of records answered. */
    private int fetch() throws Exception {
        FetchHandler handler = new FetchHandler(server.metadata(), partitions);
        FetchRequest request = new FetchRequest().setMaxWaitMs(0).setTopics(new ArrayList<>(List.of(
                new FetchRequest.FetchTopic().setTopic(TOPIC).setPartitions(new ArrayList<>(List.of(
                        new FetchRequest.FetchPartition().setPartition(0).setFetchOffset(0)
                                .setPartitionMaxBytes(1 << 20)))))));
        FetchResponse response = handler.handle(context(ApiKey.FETCH, 12), request).get(30, TimeUnit.SECONDS);
        FetchResponse.PartitionData data = response.responses().get(0).partitions().get(0);
        assertEquals(ErrorCode.NONE.code(), data.errorCode());
        int bytes = data.records().readableBytes();
        ReferenceCountUtil.release(data.records());
        return bytes;
    }

    @Test
    @Timeout(60)
    void produceCountsIntoTheMetersServedWithTheLogNotIntoALookupPerRequest() throws Exception {
        createTopic();
        assertEquals(List.of(ErrorCode.NONE), produce(1, 0));
        BrokerTopicMetrics served = partitions.leader(TOPIC, 0).orElseThrow().meters();
        assertSame(registry.topic(TOPIC), served, "the served meters are the registry's");
        assertEquals(1, served.messagesIn());

        registry.remove(TOPIC);
        assertEquals(List.of(ErrorCode.NONE, ErrorCode.NONE), produce(2, 0));

        assertEquals(3, served.messagesIn());
        assertEquals(3, served.totalProduceRequests());
        assertEquals(0, registry.topic(TOPIC).totalProduceRequests(), "a produce looked the topic's meters up");
    }

    @Test
    @Timeout(60)
    void aPartitionRefusedBeforeItHasALogStillCountsAsAProduceRequestOfItsTopic() throws Exception {
        createTopic();
        BrokerTopicMetrics meters = registry.topic(TOPIC);

        assertEquals(List.of(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION), produce(1, 7));
        assertEquals(List.of(ErrorCode.NONE), produce(1, 1));

        assertEquals(2, meters.totalProduceRequests());
        assertEquals(1, meters.messagesIn());
        assertEquals(2, registry.allTopics().totalProduceRequests());
    }

    @Test
    @Timeout(60)
    void fetchCountsIntoTheMetersServedWithTheLogNotIntoALookupPerRequest() throws Exception {
        createTopic();
        produce(3, 0);
        BrokerTopicMetrics served = partitions.leader(TOPIC, 0).orElseThrow().meters();
        int first = fetch();
        assertEquals(1, served.totalFetchRequests());
        assertEquals(first, served.bytesOut());

        registry.remove(TOPIC);
        int second = fetch();

        assertEquals(2, served.totalFetchRequests());
        assertEquals(first + second, served.bytesOut());
        assertEquals(0, registry.topic(TOPIC).totalFetchRequests(), "a fetch looked the topic's meters up");
    }

    @Test
    @Timeout(60)
    void aDeletedTopicsSeriesGoAndTheTopicCreatedAgainCountsFromZero() throws Exception {
        createTopic();
        produce(2, 0);
        BrokerTopicMetrics before = partitions.leader(TOPIC, 0).orElseThrow().meters();

        server.metadata().controller().deleteTopic(TOPIC).get(30, TimeUnit.SECONDS);
        awaitImage(false);
        long deadline = System.currentTimeMillis() + 30_000;
        while (!topicSeries().isEmpty()) {
            assertTrue(System.currentTimeMillis() < deadline, "the deleted topic's series stayed: " + topicSeries());
            Thread.sleep(10);
        }

        createTopic();
        assertEquals(List.of(ErrorCode.NONE), produce(1, 0));
        BrokerTopicMetrics after = partitions.leader(TOPIC, 0).orElseThrow().meters();
        assertNotSame(before, after);
        assertEquals(1, after.messagesIn());
        assertEquals(2, before.messagesIn());
        assertEquals(3, registry.allTopics().messagesIn(), "the broker-wide count keeps what the deleted topic added");
    }

    @Test
    @Timeout(60)
    void aTopicReCreatedBetweenTwoImagesIsServedWithFreshMeters() throws Exception {
        createTopic();
        produce(2, 0);
        BrokerTopicMetrics before = partitions.leader(TOPIC, 0).orElseThrow().meters();
        Uuid oldId = server.metadata().image().topic(TOPIC).id();
        CountDownLatch release = new CountDownLatch(1);
        partitions.runOnImageFollower(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            server.metadata().controller().deleteTopic(TOPIC).get(30, TimeUnit.SECONDS);
            server.metadata().controller().createTopic(TOPIC, 2, (short) 1, Map.of(), false).get(30, TimeUnit.SECONDS);
            awaitNewTopicId(oldId);

            assertEquals(List.of(ErrorCode.NONE), produce(1, 0));
            BrokerTopicMetrics after = partitions.leader(TOPIC, 0).orElseThrow().meters();

            assertNotSame(before, after, "the re-created topic counts into the old topic's meters");
            assertSame(registry.topic(TOPIC), after);
            assertEquals(1, after.messagesIn());
        } finally {
            release.countDown();
        }
        awaitFollower();
        assertSame(registry.topic(TOPIC), partitions.leader(TOPIC, 0).orElseThrow().meters());
        assertTrue(topicSeries().contains("kafka_server_brokertopicmetrics_messagesin_total{topic=\"" + TOPIC + "\"} 1.0"),
                topicSeries());
    }
}
