package io.fjord.it;

import io.fjord.broker.BrokerServer;
import io.fjord.broker.config.BrokerConfig;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A full single-node broker (quorum + handlers) in this JVM on ephemeral ports, over the given data dir; like Kafka's
 * shipped server.properties it sets offsets.topic.replication.factor=1, and group.initial.rebalance.delay.ms=0 so
 * groups form without waiting (both unless {@code extra} sets them).
 */
public final class InProcessBroker implements AutoCloseable {
    private final BrokerServer server;

    private InProcessBroker(BrokerServer server) {
        this.server = server;
    }

    public static InProcessBroker start(Path dataDir, Map<String, String> extra) throws Exception {
        int controllerPort = freePort();
        Map<String, String> props = new HashMap<>();
        props.put("node.id", "1");
        props.put("process.roles", "broker,controller");
        props.put("listeners", "PLAINTEXT://localhost:0,CONTROLLER://localhost:" + controllerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        props.put("log.dirs", dataDir.toString());
        props.put("http.listener", "localhost:0");
        props.put("offsets.topic.replication.factor", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.putAll(extra);
        BrokerServer server = new BrokerServer(BrokerConfig.fromMap(props));
        server.start();
        return new InProcessBroker(server);
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public BrokerServer server() {
        return server;
    }

    public int port() {
        return server.boundPort("PLAINTEXT");
    }

    public String bootstrap() {
        return "localhost:" + port();
    }

    @Override
    public void close() {
        server.close();
    }
}
