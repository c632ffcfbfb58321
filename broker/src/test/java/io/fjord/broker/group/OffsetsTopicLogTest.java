package io.fjord.broker.group;

import io.fjord.broker.BrokerServer;
import io.fjord.broker.InProcessNode;
import io.fjord.coordinator.CoordinatorRecord;
import io.fjord.log.FileSlice;
import io.fjord.log.MockTime;
import io.fjord.log.PartitionLog;
import io.fjord.metadata.ConfigResource;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.TopicImage;
import io.fjord.protocol.ApiException;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.records.CompressionType;
import io.fjord.protocol.records.Record;
import io.fjord.protocol.records.RecordBatch;
import io.fjord.protocol.records.RecordBatches;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link OffsetsTopicLog} and the creation of {@code __consumer_offsets} on a full in-process node: the topic gets
 * Kafka's configs and the configured partition count, appends land as one uncompressed batch per call at the
 * leader epoch, in call order, and a partition this node does not lead fails with NOT_COORDINATOR.
 */
class OffsetsTopicLogTest {
    private static final int PARTITIONS = 3;

    @TempDir
    Path dir;

    private BrokerServer server;
    private final MockTime time = new MockTime(1_700_000_000_000L);

    @BeforeEach
    void startNode() throws Exception {
        server = InProcessNode.start(dir, Map.of("offsets.topic.replication.factor", "1",
                "offsets.topic.num.partitions", String.valueOf(PARTITIONS), "offsets.topic.segment.bytes", "1048576"));
    }

    @AfterEach
    void stopNode() {
        server.close();
    }

    private TopicImage awaitOffsetsTopic() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!server.groupCoordinator().offsetsTopicExists()) {
            assertTrue(System.currentTimeMillis() < deadline, "__consumer_offsets was not created");
            Thread.sleep(20);
        }
        while (server.partitions().leaderLog(OffsetsTopic.NAME, 0).isEmpty()) {
            assertTrue(System.currentTimeMillis() < deadline, "no log for __consumer_offsets-0");
            Thread.sleep(20);
        }
        return server.metadata().image().topic(OffsetsTopic.NAME);
    }

    private static CoordinatorRecord record(String key, String value) {
        return new CoordinatorRecord(key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private List<RecordBatch> batches(PartitionLog log, List<ByteBuf> keep) throws Exception {
        FileSlice slice = log.read(log.logStartOffset(), Integer.MAX_VALUE, log.logEndOffset(), true);
        ByteBuf bytes = slice.readBytes();
        keep.add(bytes);
        List<RecordBatch> batches = new ArrayList<>();
        new RecordBatches(bytes).forEach(batches::add);
        return batches;
    }

    @Test
    @Timeout(60)
    void theFirstLookupCreatesTheOffsetsTopicWithKafkasConfigs() throws Exception {
        TopicImage topic = awaitOffsetsTopic();

        assertEquals(PARTITIONS, topic.partitionCount());
        MetadataImage image = server.metadata().image();
        Map<String, String> configs = image.configs(new ConfigResource(ConfigResource.Type.TOPIC, OffsetsTopic.NAME));
        assertEquals("compact", configs.get("cleanup.policy"));
        assertEquals("producer", configs.get("compression.type"));
        assertEquals("1048576", configs.get("segment.bytes"));
    }

    @Test
    @Timeout(60)
    void anAppendIsOneUncompressedBatchWithoutProducerAtTheLeaderEpoch() throws Exception {
        TopicImage topic = awaitOffsetsTopic();
        OffsetsTopicLog log = new OffsetsTopicLog(server.metadata(), server.partitions(), time);
        PartitionLog partition = server.partitions().leaderLog(OffsetsTopic.NAME, 1).orElseThrow();
        long start = partition.logEndOffset();

        log.append(1, List.of(record("k1", "v1"), record("k2", null))).get(10, TimeUnit.SECONDS);

        List<ByteBuf> buffers = new ArrayList<>();
        try {
            List<RecordBatch> batches = batches(partition, buffers);
            RecordBatch batch = batches.get(batches.size() - 1);
            assertEquals(start, batch.baseOffset());
            assertEquals(2, batch.recordCount());
            assertEquals(CompressionType.NONE, batch.compressionType());
            assertEquals(-1, batch.producerId());
            assertFalse(batch.isTransactional());
            assertEquals(topic.partition(1).leaderEpoch(), batch.partitionLeaderEpoch());
            List<Record> records = new ArrayList<>();
            batch.forEach(records::add);
            assertArrayEquals("k1".getBytes(StandardCharsets.UTF_8), ByteBufUtil.getBytes(records.get(0).key()));
            assertArrayEquals("v1".getBytes(StandardCharsets.UTF_8), ByteBufUtil.getBytes(records.get(0).value()));
            assertEquals(time.milliseconds(), records.get(0).timestamp());
            assertArrayEquals("k2".getBytes(StandardCharsets.UTF_8), ByteBufUtil.getBytes(records.get(1).key()));
            assertNull(records.get(1).value());
        } finally {
            buffers.forEach(ByteBuf::release);
        }
    }

    @Test
    @Timeout(60)
    void appendsOfOnePartitionLandInCallOrder() throws Exception {
        awaitOffsetsTopic();
        OffsetsTopicLog log = new OffsetsTopicLog(server.metadata(), server.partitions(), time);
        PartitionLog partition = server.partitions().leaderLog(OffsetsTopic.NAME, 2).orElseThrow();
        long start = partition.logEndOffset();

        List<CompletableFuture<Void>> appends = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            appends.add(log.append(2, List.of(record("key-" + i, "value-" + i))));
        }
        CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        List<ByteBuf> buffers = new ArrayList<>();
        try {
            List<String> keys = new ArrayList<>();
            for (RecordBatch batch : batches(partition, buffers)) {
                for (Record r : batch) {
                    if (r.offset() >= start) {
                        keys.add(new String(ByteBufUtil.getBytes(r.key()), StandardCharsets.UTF_8));
                    }
                }
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                expected.add("key-" + i);
            }
            assertEquals(expected, keys);
        } finally {
            buffers.forEach(ByteBuf::release);
        }
    }

    /**
     * The partition asked for does not exist rather than being led by another node: {@link OffsetsTopicLog} reads the
     * live image of {@code BrokerMetadata}, and on this one-node cluster the controller elects
     * only registered brokers, so no partition can be led elsewhere. Both cases take the same check (no partition, or
     * a leader other than this node); the move of leadership to another node is covered against the coordinator in
     * {@link GroupCoordinatorServiceTest} with a hand-made image.
     */
    @Test
    @Timeout(60)
    void anAppendToAPartitionThisNodeDoesNotLeadFailsWithNotCoordinator() throws Exception {
        awaitOffsetsTopic();
        OffsetsTopicLog log = new OffsetsTopicLog(server.metadata(), server.partitions(), time);

        ExecutionException e = assertThrows(ExecutionException.class,
                () -> log.append(PARTITIONS + 5, List.of(record("k", "v"))).get(10, TimeUnit.SECONDS));

        ApiException cause = assertInstanceOf(ApiException.class, e.getCause());
        assertEquals(ErrorCode.NOT_COORDINATOR, cause.errorCode());
    }
}
