package io.fjord.broker.log;

import io.fjord.broker.BrokerServer;
import io.fjord.broker.InProcessNode;
import io.fjord.log.PartitionLog;
import io.fjord.protocol.records.CompressionType;
import io.fjord.protocol.records.RecordBatchBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link PartitionManager} on a full in-process node, for the races between request threads and the image follower. */
class PartitionManagerTest {
    @TempDir
    Path dir;

    private BrokerServer server;

    @BeforeEach
    void startNode() throws Exception {
        server = InProcessNode.start(dir.resolve("data"), Map.of());
    }

    @AfterEach
    void stopNode() {
        server.close();
    }

    @Test
    @Timeout(60)
    void anImageReconciledLateDoesNotDeleteTheLogAProduceCreatedFromANewerImage() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server.partitions().runOnImageFollower(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // queued behind the held follower: an image without "orders", then one with it
        server.metadata().controller().createTopic("other", 1, (short) 1, Map.of(), false).get(30, TimeUnit.SECONDS);
        server.metadata().controller().createTopic("orders", 1, (short) 1, Map.of(), false).get(30, TimeUnit.SECONDS);
        long deadline = System.currentTimeMillis() + 30_000;
        while (server.metadata().image().topic("orders") == null) {
            assertTrue(System.currentTimeMillis() < deadline, "the topic never reached the image");
            Thread.sleep(10);
        }
        PartitionLog log = server.partitions().leaderLog("orders", 0).orElseThrow();
        ByteBuf batch = new RecordBatchBuilder(CompressionType.NONE)
                .append(System.currentTimeMillis(), null, Unpooled.copiedBuffer("v", StandardCharsets.UTF_8), List.of())
                .build();
        try {
            log.append(batch, 0);
        } finally {
            batch.release();
        }

        release.countDown();
        CountDownLatch caughtUp = new CountDownLatch(1);
        server.partitions().runOnImageFollower(caughtUp::countDown);
        assertTrue(caughtUp.await(30, TimeUnit.SECONDS));

        PartitionLog after = server.partitions().leaderLog("orders", 0).orElseThrow();
        assertSame(log, after, "the log the produce wrote to was replaced");
        assertEquals(1, after.logEndOffset());
    }
}
