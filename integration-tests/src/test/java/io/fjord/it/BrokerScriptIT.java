package io.fjord.it;

import io.fjord.broker.RawConnection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
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
    private static final Path SCRIPT = Path.of(System.getProperty("fjord.home", "..")).resolve("bin/broker");

    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private Process start(String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(SCRIPT.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .redirectError(dir.resolve("stderr.log").toFile());
        builder.environment().put("KAFKA_HEAP_OPTS", "-Xmx128m");
        return builder.start();
    }

    private static ApiVersionsResponse apiVersions(RawConnection connection) throws IOException {
        RequestHeader header = new RequestHeader(ApiKeys.API_VERSIONS, (short) 4, "script-it", 1);
        connection.sendFrame(new ApiVersionsRequest.Builder().build((short) 4).serializeWithHeader(header));
        return (ApiVersionsResponse) AbstractResponse.parseResponse(connection.receiveFrame(), header);
    }

    @Test
    void scriptStartsABrokerThatAnswersAndStopsWithExitCodeZeroOnSigterm() throws Exception {
        int port = freePort();
        int controllerPort = freePort();
        Process broker = start("--override", "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "--override", "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "--override", "log.dirs=" + dir.resolve("data"), "--override", "http.listener=127.0.0.1:0");
        try {
            RawConnection connection = connectWithin(port, broker, 60_000);
            try (connection) {
                assertEquals(Errors.NONE.code(), apiVersions(connection).data().errorCode());
            }

            broker.destroy();

            assertTrue(broker.waitFor(30, TimeUnit.SECONDS), "broker did not stop on SIGTERM");
            assertEquals(0, broker.exitValue(), Files.readString(dir.resolve("stderr.log")));
        } finally {
            broker.destroyForcibly();
        }
    }

    @Test
    void invalidConfigurationExitsWithOneLineNamingTheKey() throws Exception {
        Process broker = start("--override", "node.id=first");
        try {
            assertTrue(broker.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, broker.exitValue());
            List<String> lines = Files.readAllLines(dir.resolve("stderr.log"), StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.startsWith("bin/broker:")).toList();
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.get(0).contains("'node.id'"), lines.get(0));
        } finally {
            broker.destroyForcibly();
        }
    }

    private RawConnection connectWithin(int port, Process broker, long millis) throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        while (true) {
            try {
                return new RawConnection(port);
            } catch (IOException e) {
                if (!broker.isAlive() || System.currentTimeMillis() > deadline) {
                    throw new AssertionError("broker did not listen on " + port + ": "
                            + Files.readString(dir.resolve("stderr.log")), e);
                }
                Thread.sleep(50);
            }
        }
    }
}
