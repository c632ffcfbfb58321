package io.fjord.metadata;

import io.fjord.metadata.MetadataRecord.Endpoint;
import io.fjord.protocol.ApiException;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.Uuid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/** Three voters in one JVM: only the leader decides, every voter applies, a new leader sees the whole log. */
@Timeout(60)
class ThreeVoterQuorumTest {

    @TempDir
    Path dir;

    private final List<QuorumController> nodes = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        for (QuorumController c : nodes) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void followersRefuseWritesEveryVoterAppliesAndANewLeaderKeepsTheLog() throws Exception {
        int[] ports = new int[3];
        StringBuilder voters = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            try (ServerSocket s = new ServerSocket(0)) {
                ports[i] = s.getLocalPort();
            }
            voters.append(i == 0 ? "" : ",").append(i + 1).append("@localhost:").append(ports[i]);
        }
        for (int i = 0; i < 3; i++) {
            nodes.add(QuorumController.start(QuorumConfig.of(i + 1, "localhost:" + ports[i], voters.toString(),
                    dir.resolve("node-" + (i + 1)))));
        }
        QuorumController leader = awaitLeader();
        for (QuorumController c : nodes) {
            if (c != leader) {
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> c.registerBroker(9, List.of(), null).get(10, TimeUnit.SECONDS));
                assertEquals(ErrorCode.NOT_CONTROLLER, ((ApiException) e.getCause()).errorCode());
            }
        }
        leader.registerBroker(1, List.of(new Endpoint("PLAINTEXT", "localhost", 9092, (short) 0)), null)
                .get(10, TimeUnit.SECONDS);
        Uuid id = leader.createTopic("m", 3, (short) 1, Map.of(), false).get(10, TimeUnit.SECONDS).topicId();
        for (QuorumController c : nodes) {
            awaitTrue(() -> c.image().topic("m") != null && c.image().topic("m").id().equals(id));
        }

        nodes.set(nodes.indexOf(leader), null);
        leader.close();
        QuorumController next = awaitLeader();
        ExecutionException dup = assertThrows(ExecutionException.class,
                () -> next.createTopic("m", 1, (short) 1, Map.of(), false).get(10, TimeUnit.SECONDS));
        assertEquals(ErrorCode.TOPIC_ALREADY_EXISTS, ((ApiException) dup.getCause()).errorCode());
        next.createTopic("n", 1, (short) 1, Map.of(), false).get(10, TimeUnit.SECONDS);
        for (QuorumController c : nodes) {
            if (c != null) {
                awaitTrue(() -> c.image().topic("n") != null);
            }
        }
    }

    private QuorumController awaitLeader() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            for (QuorumController c : nodes) {
                if (c != null && c.isLeaderReady()) {
                    return c;
                }
            }
            Thread.sleep(10);
        }
        return fail("no leader elected");
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void awaitTrue(Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                fail("timed out");
            }
            Thread.sleep(10);
        }
    }
}
