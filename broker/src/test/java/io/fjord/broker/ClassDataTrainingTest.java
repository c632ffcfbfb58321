package io.fjord.broker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training run behind bin/broker's class-data archive gets an answer to every request it sends, including the
 * group requests (which create __consumer_offsets).
 */
class ClassDataTrainingTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void theTrainingRunStartsABrokerAndEveryRequestIsAnswered() throws Exception {
        ClassDataTraining.train(dir);

        assertTrue(Files.exists(dir.resolve("data").resolve("class-data-training-0").resolve("partition.metadata")));
        assertTrue(Files.exists(dir.resolve("data").resolve("__consumer_offsets-0").resolve("partition.metadata")),
                "the group requests created __consumer_offsets");
    }
}
