package io.fjord.it;

import io.fjord.broker.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A fresh single-node {@link InProcessBroker} for every test of a class that registers this with
 * {@code @RegisterExtension}: started before the test (and before its {@code @BeforeEach} methods) with the
 * given broker configs on a new temporary data dir, closed with its {@link #admin()} client and the dir deleted
 * after the test. {@link #restart()} restarts the node on the same data dir within a test.
 *
 * <p>Not thread-safe: the test thread drives it.
 */
final class InProcessBrokerExtension implements BeforeEachCallback, AfterEachCallback {
    private final Map<String, String> config;
    private Path dir;
    private InProcessBroker broker;
    private Admin admin;
    private RawClient raw;

    InProcessBrokerExtension() {
        this(Map.of());
    }

    InProcessBrokerExtension(Map<String, String> config) {
        this.config = Map.copyOf(config);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        dir = ScratchDirs.create();
        start();
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try {
            stop();
        } finally {
            ScratchDirs.delete(dir);
        }
    }

    private void start() throws Exception {
        broker = InProcessBroker.start(dir, config);
        raw = new RawClient(broker.port());
    }

    private void stop() {
        try {
            if (admin != null) {
                admin.close();
            }
        } finally {
            admin = null;
            if (broker != null) {
                broker.close();
                broker = null;
            }
        }
    }

    /** Closes the admin client and the node, then starts the node again on the same data dir. */
    void restart() throws Exception {
        stop();
        start();
    }

    /** The data dir (log.dirs). */
    Path dir() {
        return dir;
    }

    BrokerServer server() {
        return broker.server();
    }

    int port() {
        return broker.port();
    }

    String bootstrap() {
        return broker.bootstrap();
    }

    /** One admin client per run of the node ({@link Clients#admin}), created on first use. */
    Admin admin() {
        if (admin == null) {
            admin = Clients.admin(bootstrap());
        }
        return admin;
    }

    /** Raw requests to this run of the node, each on a new connection. */
    RawClient raw() {
        return raw;
    }

    /** Creates {@code topics} and waits until the controller has. */
    void createTopics(NewTopic... topics) throws Exception {
        admin().createTopics(List.of(topics)).all().get();
    }
}
