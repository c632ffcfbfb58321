package io.fjord.broker.metadata;

import io.fjord.broker.config.BrokerConfig;
import io.fjord.broker.config.Endpoint;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.MetadataRecord;
import io.fjord.metadata.QuorumConfig;
import io.fjord.metadata.QuorumController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * This node's view of the metadata quorum: runs the {@link QuorumController} in process (process.roles
 * contains controller) from the broker's settings, registers this broker with its advertised endpoints,
 * and gives handlers the controller and the current {@link MetadataImage}.
 *
 * <p>The metadata dir is metadata.log.dir, else the first of log.dirs (Kafka keeps __cluster_metadata-0
 * there; ours holds meta.properties and the Raft log as described in docs/metadata.md).
 *
 * <p>Lifecycle: {@link #start()} after the client listeners are bound, {@link #registerBroker} once the logs are
 * loaded, {@link #close()} on shutdown; {@link #awaitImage()} lets the logs load while the quorum starts.
 * Thread-safety: the controller reference is published once by start (volatile); everything the handlers call is
 * thread-safe.
 */
public final class BrokerMetadata implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerMetadata.class);
    private static final short PLAINTEXT = 0;

    private final BrokerConfig config;
    private volatile QuorumController controller;
    private final CompletableFuture<QuorumController> started = new CompletableFuture<>();

    public BrokerMetadata(BrokerConfig config) {
        this.config = config;
    }

    public BrokerConfig config() {
        return config;
    }

    /** Starts the quorum; returns once this node leads (single voter) and the image is complete. */
    public synchronized void start() throws IOException {
        if (controller != null) {
            throw new IllegalStateException("already started");
        }
        try {
            startQuorum();
        } catch (IOException | RuntimeException e) {
            started.completeExceptionally(e);
            throw e;
        }
    }

    private void startQuorum() throws IOException {
        Endpoint listener = config.listeners().stream()
                .filter(l -> config.controllerListenerNames().contains(l.listenerName()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no CONTROLLER listener in listeners"));
        String host = listener.host().isEmpty() ? "0.0.0.0" : listener.host();
        StringBuilder voters = new StringBuilder();
        for (BrokerConfig.Voter v : config.controllerQuorumVoters()) {
            if (voters.length() > 0) {
                voters.append(',');
            }
            voters.append(v.nodeId()).append('@').append(v.endpoint().host()).append(':').append(v.endpoint().port());
        }
        QuorumConfig quorum = QuorumConfig.of(config.nodeId(), host + ":" + listener.port(), voters.toString(),
                        config.metadataLogDir())
                .withTopicDefaults(config.numPartitions(), config.defaultReplicationFactor());
        controller = QuorumController.start(quorum);
        started.complete(controller);
        LOG.info("Metadata quorum started in {} (cluster id {})", config.metadataLogDir(), controller.clusterId());
    }

    /**
     * Registers this broker with its advertised listeners; {@code boundPorts} replaces a configured port 0
     * by the port actually bound. Waits for the registration to be applied.
     */
    public void registerBroker(Map<String, Integer> boundPorts) throws IOException {
        List<MetadataRecord.Endpoint> endpoints = new ArrayList<>();
        for (Endpoint e : config.advertisedListeners()) {
            int port = e.port() == 0 ? boundPorts.getOrDefault(e.listenerName(), 0) : e.port();
            String host = e.host().isEmpty() || e.host().equals("0.0.0.0") ? "localhost" : e.host();
            endpoints.add(new MetadataRecord.Endpoint(e.listenerName(), host, port, PLAINTEXT));
        }
        try {
            long epoch = controller().registerBroker(config.nodeId(), endpoints, null).get(30, TimeUnit.SECONDS);
            LOG.info("Registered broker {} with epoch {}: {}", config.nodeId(), epoch, endpoints);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while registering the broker", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("Cannot register broker " + config.nodeId() + ": " + e, e);
        }
    }

    /** The running controller; throws if not started. */
    public QuorumController controller() {
        QuorumController c = controller;
        if (c == null) {
            throw new IllegalStateException("the metadata quorum is not started");
        }
        return c;
    }

    public MetadataImage image() {
        return controller().image();
    }

    /**
     * The current image once {@link #start()} has returned: waits for it (from another thread than the one
     * starting the quorum); throws IllegalStateException if the quorum failed to start or was closed first.
     */
    public MetadataImage awaitImage() {
        try {
            return started.join().image();
        } catch (CompletionException | CancellationException e) {
            throw new IllegalStateException("the metadata quorum did not start", e.getCause() == null ? e : e.getCause());
        }
    }

    public String clusterId() {
        return controller().clusterId();
    }

    public int nodeId() {
        return config.nodeId();
    }

    @Override
    public synchronized void close() {
        started.completeExceptionally(new IllegalStateException("the metadata quorum is closed"));
        QuorumController c = controller;
        if (c == null) {
            return;
        }
        controller = null;
        try {
            c.close();
            LOG.info("Metadata quorum stopped");
        } catch (IOException e) {
            LOG.warn("Error closing the metadata quorum", e);
        }
    }
}
