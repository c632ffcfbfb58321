package io.fjord.broker;

import io.fjord.broker.api.ApiHandlerRegistry;
import io.fjord.broker.api.BrokerFeatures;
import io.fjord.broker.metadata.BrokerMetadata;
import io.fjord.broker.api.RequestDispatcher;
import io.fjord.broker.config.BrokerConfig;
import io.fjord.broker.config.Endpoint;
import io.fjord.broker.config.HostPort;
import io.fjord.broker.group.GroupCoordinatorService;
import io.fjord.broker.http.HealthHandler;
import io.fjord.broker.log.PartitionManager;
import io.fjord.broker.metrics.BrokerGauges;
import io.fjord.broker.network.ConnectionErrorHandler;
import io.fjord.broker.network.ConnectionSequencer;
import io.fjord.broker.network.IdleConnectionReaper;
import io.fjord.broker.network.KafkaFrameDecoder;
import io.fjord.broker.network.RequestDecoder;
import io.fjord.broker.network.ResponseEncoder;
import io.fjord.broker.network.RequestStats;
import io.fjord.metrics.BrokerMetrics;
import io.fjord.metrics.BrokerTopicMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka-protocol TCP server: one server socket per broker listener (listeners not named in
 * controller.listener.names) and, for a full node, the HTTP listener, on one acceptor thread and
 * {@code num.network.threads} event loops, each connection with the pipeline built in
 * {@link #initConnection} (Kafka protocol) or {@link #initHttpConnection} (HTTP). Uses the native epoll
 * transport when its library is present, NIO otherwise.
 *
 * <p>Lifecycle: {@link #start()} once: the listeners bind first (ApiVersions is answered from then on), then
 * the quorum starts while the logs load, the broker registers and the node becomes ready; requests other than
 * ApiVersions wait for readiness. Then {@link #close()} (idempotent): not ready any more, stop accepting,
 * close every connection, stop the event loops. Thread-safety: start and close are synchronized; everything
 * else runs on Netty's threads.
 */
public final class BrokerServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerServer.class);
    private static final int HTTP_MAX_REQUEST_BYTES = 64 * 1024;

    private final BrokerConfig config;
    private final RequestDispatcher dispatcher;
    private final BrokerMetadata metadata;
    /** The gauges over partitions, controller, logs, groups and consumer lag; null without a quorum. */
    private final BrokerGauges gauges;
    private final PartitionManager partitions;
    private final GroupCoordinatorService groups;
    private final BrokerMetrics metrics;
    private final RequestStats requestStats;
    private final ResponseEncoder responseEncoder = new ResponseEncoder();
    private final ConnectionErrorHandler errorHandler = new ConnectionErrorHandler();
    private final Map<String, Channel> serverChannels = new LinkedHashMap<>();
    private final boolean serveHttp;
    private final HealthHandler healthHandler;
    private Channel httpChannel;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile boolean closing;
    private EventLoopGroup acceptorGroup;
    private EventLoopGroup networkGroup;
    private ChannelGroup connections;
    private boolean closed;

    /** A server with the given handlers, no metadata quorum and no HTTP listener (tests of the request path). */
    public BrokerServer(BrokerConfig config, ApiHandlerRegistry registry) {
        this.config = config;
        this.metrics = BrokerMetrics.create(config.metricsEnabled(), false);
        this.dispatcher = new RequestDispatcher(registry, ready);
        this.requestStats = new RequestStats(metrics, registry);
        this.metadata = null;
        this.partitions = null;
        this.groups = null;
        this.gauges = null;
        this.serveHttp = false;
        this.healthHandler = null;
    }

    /**
     * A full node: the metadata quorum runs in process (process.roles must contain controller), the HTTP
     * listener (http.listener) answers /health, and every handler of
     * {@link ApiHandlerRegistry#forBroker(BrokerFeatures, BrokerMetadata, PartitionManager, GroupCoordinatorService)}
     * is served, with the group coordinator following the leadership of {@code __consumer_offsets}.
     */
    public BrokerServer(BrokerConfig config) {
        if (!config.processRoles().contains("controller")) {
            throw new IllegalArgumentException("process.roles must contain controller: this broker runs the metadata "
                    + "quorum in process");
        }
        this.config = config;
        this.metrics = BrokerMetrics.create(config.metricsEnabled(), true);
        this.metadata = new BrokerMetadata(config);
        this.partitions = new PartitionManager(metadata, new BrokerTopicMetrics.Topics(metrics));
        this.groups = new GroupCoordinatorService(config, metadata, partitions);
        this.dispatcher = new RequestDispatcher(ApiHandlerRegistry.forBroker(BrokerFeatures.defaults(), metadata,
                partitions, groups), ready);
        this.requestStats = new RequestStats(metrics, dispatcher.registry());
        this.serveHttp = true;
        this.healthHandler = new HealthHandler(this::status, config.nodeId(), metrics);
        this.gauges = BrokerGauges.register(metrics, metadata, partitions, groups);
    }

    /**
     * Binds every broker listener, then starts the metadata quorum (if any), opens the logs and registers this
     * broker with the bound ports; returns once the node is ready. ApiVersions is answered as soon as the
     * listeners are bound, other requests wait for readiness (see {@link RequestDispatcher}). Throws if any
     * step fails (after releasing what was started).
     */
    public synchronized void start() throws InterruptedException, IOException {
        if (acceptorGroup != null) {
            throw new IllegalStateException("already started");
        }
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        acceptorGroup = new MultiThreadIoEventLoopGroup(1, io);
        networkGroup = new MultiThreadIoEventLoopGroup(config.numNetworkThreads(), io);
        connections = new DefaultChannelGroup("fjord-connections", GlobalEventExecutor.INSTANCE);
        try {
            for (Endpoint endpoint : config.brokerListeners()) {
                ServerBootstrap bootstrap = new ServerBootstrap()
                        .group(acceptorGroup, networkGroup)
                        .channel(channelType)
                        .option(ChannelOption.SO_BACKLOG, 128)
                        .option(ChannelOption.SO_REUSEADDR, true)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childHandler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                initConnection(ch, endpoint.listenerName());
                            }
                        });
                InetSocketAddress address = endpoint.host().isEmpty()
                        ? new InetSocketAddress(endpoint.port())
                        : new InetSocketAddress(endpoint.host(), endpoint.port());
                Channel channel = bootstrap.bind(address).sync().channel();
                serverChannels.put(endpoint.listenerName(), channel);
                LOG.info("Listening on {} ({}, {} transport)", channel.localAddress(), endpoint.listenerName(),
                        epoll ? "epoll" : "nio");
            }
            if (serveHttp) {
                bindHttp(channelType);
            }
            if (metadata != null) {
                warmUpPlatformMBeanServer();
                startQuorumAndLoadLogs();
                Map<String, Integer> ports = new LinkedHashMap<>();
                serverChannels.forEach((name, ch) -> ports.put(name, ((InetSocketAddress) ch.localAddress()).getPort()));
                metadata.registerBroker(ports);
            }
            ready.complete(null);
        } catch (InterruptedException | IOException | RuntimeException e) {
            ready.completeExceptionally(e);
            close();
            throw e;
        }
    }

    /**
     * Starts the metadata quorum on this thread while the logs load on another ({@link PartitionManager#open()}
     * waits for the caught-up image only to give each log found its config), then lets the logs follow the
     * image. Returns once both are done; if either fails, waits for the other and throws.
     */
    private void startQuorumAndLoadLogs() throws IOException {
        CompletableFuture<Void> logs = CompletableFuture.runAsync(partitions::open, r -> {
            Thread t = new Thread(r, "fjord-log-loader");
            t.setDaemon(true);
            t.start();
        });
        try {
            metadata.start();
        } catch (IOException | RuntimeException e) {
            logs.handle((ignored, error) -> null).join();
            throw e;
        }
        try {
            logs.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new IOException("Cannot load the logs: " + e.getCause(), e.getCause());
        }
        partitions.followImage();
    }

    /**
     * Creates the JVM's platform MBean server on a short-lived daemon thread once the listeners are bound: Ratis
     * registers its JMX beans on the quorum's start path, and creating the server there (registering every
     * platform MXBean) costs ~50-150 ms; by then it is usually ready. Whoever asks first creates it, the other
     * waits for it.
     */
    private static void warmUpPlatformMBeanServer() {
        Thread t = new Thread(ManagementFactory::getPlatformMBeanServer, "fjord-jmx-warm-up");
        t.setDaemon(true);
        t.start();
    }

    private void bindHttp(Class<? extends ServerChannel> channelType) throws InterruptedException {
        HostPort http = config.httpListener();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptorGroup, networkGroup)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 64)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        initHttpConnection(ch);
                    }
                });
        InetSocketAddress address = http.host().isEmpty()
                ? new InetSocketAddress(http.port())
                : new InetSocketAddress(http.host(), http.port());
        httpChannel = bootstrap.bind(address).sync().channel();
        LOG.info("HTTP listener on {} (/metrics, /health, /health/live, /health/ready)", httpChannel.localAddress());
    }

    /** The pipeline of one HTTP connection (http.listener); every handler is named. */
    private void initHttpConnection(SocketChannel ch) {
        connections.add(ch);
        ChannelPipeline pipeline = ch.pipeline();
        if (config.connectionsMaxIdleMs() > 0) {
            pipeline.addLast("idleReaper", new IdleConnectionReaper(config.connectionsMaxIdleMs()));
        }
        pipeline.addLast("httpCodec", new HttpServerCodec());
        pipeline.addLast("httpAggregator", new HttpObjectAggregator(HTTP_MAX_REQUEST_BYTES));
        pipeline.addLast("health", healthHandler);
    }

    /** What /health reports: starting until {@link #start()} finished, ready, then stopping once closing. */
    public HealthHandler.Status status() {
        if (closing || ready.isCompletedExceptionally()) {
            return HealthHandler.Status.STOPPING;
        }
        return ready.isDone() ? HealthHandler.Status.READY : HealthHandler.Status.STARTING;
    }

    /** The port http.listener is bound to, or -1 when this server has no HTTP listener. */
    public synchronized int httpPort() {
        return httpChannel == null ? -1 : ((InetSocketAddress) httpChannel.localAddress()).getPort();
    }

    /** The partition logs of this node, or null for a server built without a quorum. */
    public PartitionManager partitions() {
        return partitions;
    }

    /** The group coordinator of this node, or null for a server built without a quorum. */
    public GroupCoordinatorService groupCoordinator() {
        return groups;
    }

    /**
     * The metrics of this node (metrics.enabled; JMX for a full node): components register their meters and
     * gauges here once; /metrics serves its scrape. Closed last by {@link #close()}.
     */
    public BrokerMetrics metrics() {
        return metrics;
    }

    /** The metadata of this node, or null for a server built without a quorum. */
    public BrokerMetadata metadata() {
        return metadata;
    }

    /** The pipeline of one client connection; every handler is named. */
    private void initConnection(SocketChannel ch, String listenerName) {
        connections.add(ch);
        ChannelPipeline pipeline = ch.pipeline();
        if (config.connectionsMaxIdleMs() > 0) {
            pipeline.addLast("idleReaper", new IdleConnectionReaper(config.connectionsMaxIdleMs()));
        }
        pipeline.addLast("frameDecoder", new KafkaFrameDecoder(config.socketRequestMaxBytes()));
        pipeline.addLast("responseEncoder", responseEncoder);
        pipeline.addLast("requestDecoder", new RequestDecoder(dispatcher.registry(), listenerName));
        pipeline.addLast("sequencer", new ConnectionSequencer(dispatcher, requestStats));
        pipeline.addLast("errorHandler", errorHandler);
    }

    /** The port {@code listenerName} is bound to (the real one when configured as 0). */
    public synchronized int boundPort(String listenerName) {
        Channel channel = serverChannels.get(listenerName);
        if (channel == null) {
            throw new IllegalArgumentException("No bound listener " + listenerName);
        }
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public synchronized void close() {
        closing = true;
        ready.completeExceptionally(new IllegalStateException("the broker is shutting down"));
        if (closed || acceptorGroup == null) {
            if (!closed && metadata != null) {
                gauges.close();
                groups.close();
                partitions.close();
                metadata.close();
            }
            metrics.close();
            return;
        }
        closed = true;
        for (Channel channel : serverChannels.values()) {
            channel.close().syncUninterruptibly();
        }
        if (httpChannel != null) {
            httpChannel.close().syncUninterruptibly();
        }
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        acceptorGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        networkGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        LOG.info("Network server stopped");
        if (metadata != null) {
            gauges.close();
            groups.close();
            partitions.close();
            metadata.close();
        }
        metrics.close();
    }
}
