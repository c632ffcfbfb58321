package io.fjord.it;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One {@link BrokerProcess} (a real bin/broker) shared by all tests of a class that registers this on a static
 * field with {@code @RegisterExtension}: started before the first test with the given {@code --override}s on a
 * new temporary dir, stopped with its {@link #admin()} client and the dir deleted after the last. In between a
 * test can {@link #restart()} the node (SIGTERM, start on the same data and ports) or {@link #killAndStart()} it
 * (SIGKILL), which is what the group coordinator's persistence is tested with.
 *
 * <p>Not thread-safe: the test thread drives it.
 */
final class BrokerProcessExtension implements BeforeAllCallback, AfterAllCallback {
    private final String[] overrides;
    private Path dir;
    private BrokerProcess broker;
    private Admin admin;

    BrokerProcessExtension(String... overrides) {
        this.overrides = overrides.clone();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = ScratchDirs.create();
        broker = BrokerProcess.started(dir, overrides);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            closeAdmin();
        } finally {
            if (broker != null) {
                broker.close();
            }
            ScratchDirs.delete(dir);
        }
    }

    private void closeAdmin() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }

    /** SIGTERM (asserting exit code 0), then a start on the same data dir and ports. */
    void restart() throws Exception {
        closeAdmin();
        int exit = broker.stop();
        if (exit != 0) {
            throw new AssertionError("bin/broker exited with " + exit + " on SIGTERM\n" + broker.output());
        }
        broker.start();
    }

    /** SIGKILL, then a start on the same data dir and ports. */
    void killAndStart() throws Exception {
        closeAdmin();
        broker.kill();
        broker.start();
    }

    int port() {
        return broker.port();
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    boolean isAlive() {
        return broker.isAlive();
    }

    /** stdout and stderr so far, for failure messages. */
    String output() {
        return broker.output();
    }

    /** One admin client ({@link Clients#admin}), created on first use and replaced after a restart. */
    Admin admin() {
        if (admin == null) {
            admin = Clients.admin(broker.bootstrapServers());
        }
        return admin;
    }
}
