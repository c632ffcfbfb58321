package io.fjord.it;

import io.fjord.broker.log.PartitionManager;
import io.fjord.log.TopicPartition;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The broker's logs follow the metadata image: created for led partitions, deleted with their topic, kept across restarts. */
class PartitionManagerIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(90)
    void logsFollowTopicsAndSurviveRestart() throws Exception {
        try (InProcessBroker broker = InProcessBroker.start(dir, Map.of("log.segment.bytes", "1048576"))) {
            try (Admin admin = Clients.admin(broker.bootstrap())) {
                admin.createTopics(List.of(new NewTopic("t1", 3, (short) 1),
                        new NewTopic("t2", 1, (short) 1).configs(Map.of("segment.bytes", "2097152")),
                        new NewTopic("t3", 1, (short) 1).configs(Map.of("segment.bytes", "3145728")))).all().get();
                PartitionManager pm = broker.server().partitions();
                Await.until(() -> pm.logManager().allLogs().size() == 5, "5 logs");
                for (int i = 0; i < 3; i++) {
                    assertTrue(Files.isDirectory(dir.resolve("t1-" + i)));
                }
                assertEquals(1048576, pm.logManager().getLog(new TopicPartition("t1", 0)).orElseThrow().config().segmentBytes());
                assertEquals(2097152, pm.logManager().getLog(new TopicPartition("t2", 0)).orElseThrow().config().segmentBytes());
                admin.deleteTopics(List.of("t2")).all().get();
                Await.until(() -> pm.logManager().allLogs().size() == 4, "t2's log deleted");
                Await.until(() -> Files.notExists(dir.resolve("t2-0")), "t2-0 renamed for deletion");
            }
        }
        try (InProcessBroker broker = InProcessBroker.start(dir, Map.of())) {
            assertEquals(4, broker.server().partitions().logManager().allLogs().size());
            assertEquals(3145728, broker.server().partitions().logManager().getLog(new TopicPartition("t3", 0))
                    .orElseThrow().config().segmentBytes(), "a loaded log has its topic's config from the image");
            assertTrue(broker.server().partitions().leaderLog("t1", 2).isPresent());
            assertTrue(broker.server().partitions().leaderLog("t2", 0).isEmpty());
            assertTrue(broker.server().partitions().leaderLog("t1", 3).isEmpty());
        }
    }
}
