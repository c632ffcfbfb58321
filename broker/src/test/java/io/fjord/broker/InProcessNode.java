package io.fjord.broker;

import io.fjord.broker.config.BrokerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A single-node Fjord cluster in this JVM for the broker module's tests: node 1 in the broker and controller roles,
 * PLAINTEXT and the http listener on free ports, the controller on a port free when the config is made, logs in a
 * given directory. Stateless; the returned server is the caller's to close.
 */
public final class InProcessNode {
    private InProcessNode() {
    }

    /** Starts a node with {@code overrides} over {@link #config}'s properties. */
    public static BrokerServer start(Path logDir, Map<String, String> overrides) throws Exception {
        BrokerServer server = new BrokerServer(config(logDir, freePort(), overrides));
        server.start();
        return server;
    }

    /** The node's config with the metadata quorum on {@code controllerPort}, {@code overrides} applied last. */
    public static BrokerConfig config(Path logDir, int controllerPort, Map<String, String> overrides) {
        Map<String, String> props = new HashMap<>(Map.of("node.id", "1",
                "process.roles", "broker,controller",
                "listeners", "PLAINTEXT://localhost:0,CONTROLLER://localhost:" + controllerPort,
                "controller.listener.names", "CONTROLLER", "controller.quorum.voters", "1@localhost:" + controllerPort,
                "log.dirs", logDir.toString(), "http.listener", "localhost:0"));
        props.putAll(overrides);
        return BrokerConfig.fromMap(props);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
