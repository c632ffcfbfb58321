package io.fjord.broker;

import io.fjord.broker.api.ApiHandlerRegistry;
import io.fjord.broker.api.BrokerFeatures;
import io.fjord.broker.config.BrokerConfig;
import io.fjord.broker.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Entry point of {@code bin/broker [server.properties] [--override key=value]...}. A configuration error
 * prints one line and exits 1; otherwise the broker runs until SIGTERM or SIGINT, then shuts down
 * cleanly and exits 0. A shutdown by other means (System.exit elsewhere) still closes the server from a
 * shutdown hook.
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        BrokerConfig config;
        try {
            config = BrokerConfig.fromArgs(args);
        } catch (ConfigException e) {
            System.err.println("fjord: " + e.getMessage());
            System.exit(1);
            return;
        }
        long started = System.nanoTime();
        BrokerServer server = config.processRoles().contains("controller")
                ? new BrokerServer(config)
                : new BrokerServer(config, ApiHandlerRegistry.forBroker(BrokerFeatures.defaults()));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "fjord-shutdown"));
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> {
                LOG.info("Received SIG{}, shutting down", signal.getName());
                server.close();
                System.exit(0);
            });
        }
        try {
            server.start();
        } catch (Exception e) {
            System.err.println("fjord: cannot start the broker: " + e);
            System.exit(1);
            return;
        }
        LOG.info("Fjord broker node {} started in {} ms", config.nodeId(), (System.nanoTime() - started) / 1_000_000);
    }
}
