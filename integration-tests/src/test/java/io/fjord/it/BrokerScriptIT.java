package io.fjord.it;

import io.fjord.broker.RawConnection;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bin/broker as a user runs it: a real process, started after {@code package}, stopped with SIGTERM. */
@Timeout(120)
class BrokerScriptIT {
    @TempDir
    Path dir;

    @Test
    void scriptStartsABrokerThatAnswersAndStopsWithExitCodeZeroOnSigterm() throws Exception {
        try (BrokerProcess broker = BrokerProcess.started(dir)) {
            try (RawConnection connection = new RawConnection(broker.port())) {
                ApiVersionsResponse answer = new RawClient(broker.port()).send(connection,
                        new ApiVersionsRequest.Builder().build((short) 4));
                assertEquals(Errors.NONE.code(), answer.data().errorCode());
            }

            assertEquals(0, broker.stop(), broker.output());
        }
    }

    @Test
    void invalidConfigurationExitsWithOneLineNamingTheKey() throws Exception {
        Process broker = BrokerProcess.launch(dir, List.of("--override", "node.id=first"));
        try {
            assertTrue(broker.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, broker.exitValue());
            List<String> lines = Files.readAllLines(dir.resolve("broker.err"), StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.startsWith("bin/broker:")).toList();
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.get(0).contains("'node.id'"), lines.get(0));
        } finally {
            broker.destroyForcibly();
        }
    }
}
