package io.fjord.broker;

import io.fjord.broker.api.ApiHandlerRegistry;
import io.fjord.broker.api.BrokerFeatures;
import io.fjord.broker.config.BrokerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class BrokerServerIdleTest {

    @Test
    void idleConnectionsAreClosedAfterConnectionsMaxIdleMs() throws Exception {
        BrokerConfig config = BrokerConfig.fromMap(Map.of("node.id", "1", "process.roles", "broker",
                "listeners", "PLAINTEXT://127.0.0.1:0", "connections.max.idle.ms", "300"));
        try (BrokerServer server = new BrokerServer(config, ApiHandlerRegistry.forBroker(BrokerFeatures.defaults()))) {
            server.start();
            try (RawConnection idle = new RawConnection(server.boundPort("PLAINTEXT"))) {
                long start = System.nanoTime();

                assertTrue(idle.closedByBroker());
                assertTrue(System.nanoTime() - start >= 250_000_000L, "closed too early");
            }
        }
    }
}
