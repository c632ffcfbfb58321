package io.fjord.broker;

import io.fjord.broker.api.ApiHandlerRegistry;
import io.fjord.broker.api.BrokerFeatures;
import io.fjord.broker.metadata.BrokerMetadata;
import io.fjord.broker.api.RequestDispatcher;
import io.fjord.broker.config.BrokerConfig;
import io.fjord.broker.config.Endpoint;
import io.fjord.broker.log.PartitionManager;
import io.fjord.broker.network.ConnectionErrorHandler;
import io.fjord.broker.network.ConnectionSequencer;
import io.fjord.broker.network.IdleConnectionReaper;
import io.fjord.broker.network.KafkaFrameDecoder;
import io.fjord.broker.network.RequestDecoder;
import io.fjord.broker.network.ResponseEncoder;
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
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka-protocol TCP server: one server socket per broker listener (listeners not named in
 * controller.listener.names), an acceptor thread and {@code num.network.threads} event loops, each
 * connection with the pipeline built in {@link #initConnection}. Uses the native epoll transport when
 * its library is present, NIO otherwise.
 *
 * <p>Lifecycle: {@link #start()} once, then {@link #close()} (idempotent): stop accepting, close every
 * connection, stop the event loops. Thread-safety: start and close are synchronized; everything else
 * runs on Netty's threads.
 */
public final class BrokerServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerServer.class);

    private final BrokerConfig config;
    private final RequestDispatcher dispatcher;
    private final BrokerMetadata metadata;
    private final PartitionManager partitions;
    private final ResponseEncoder responseEncoder = new ResponseEncoder();
    private final ConnectionErrorHandler errorHandler = new ConnectionErrorHandler();
    private final Map<String, Channel> serverChannels = new LinkedHashMap<>();
    private EventLoopGroup acceptorGroup;
    private EventLoopGroup networkGroup;
    private ChannelGroup connections;
    private boolean closed;

    /** A server with the given handlers and no metadata quorum (tests of the request path). */
    public BrokerServer(BrokerConfig config, ApiHandlerRegistry registry) {
        this.config = config;
        this.dispatcher = new RequestDispatcher(registry);
        this.metadata = null;
        this.partitions = null;
    }

    /**
     * A full node: the metadata quorum runs in process (process.roles must contain controller) and every
     * handler of {@link ApiHandlerRegistry#forBroker(BrokerFeatures, BrokerMetadata, PartitionManager)} is served.
     */
    public BrokerServer(BrokerConfig config) {
        if (!config.processRoles().contains("controller")) {
            throw new IllegalArgumentException("process.roles must contain controller: this broker runs the metadata "
                    + "quorum in process");
        }
        this.config = config;
        this.metadata = new BrokerMetadata(config);
        this.partitions = new PartitionManager(metadata);
        this.dispatcher = new RequestDispatcher(ApiHandlerRegistry.forBroker(BrokerFeatures.defaults(), metadata,
                partitions));
    }

    /**
     * Starts the metadata quorum (if any), binds every broker listener, then registers this broker with
     * the bound ports; throws if any step fails (after releasing what was started).
     */
    public synchronized void start() throws InterruptedException, IOException {
        if (acceptorGroup != null) {
            throw new IllegalStateException("already started");
        }
        if (metadata != null) {
            metadata.start();
            try {
                partitions.open();
            } catch (RuntimeException e) {
                close();
                throw e;
            }
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
            if (metadata != null) {
                Map<String, Integer> ports = new LinkedHashMap<>();
                serverChannels.forEach((name, ch) -> ports.put(name, ((InetSocketAddress) ch.localAddress()).getPort()));
                metadata.registerBroker(ports);
            }
        } catch (InterruptedException | IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The partition logs of this node, or null for a server built without a quorum. */
    public PartitionManager partitions() {
        return partitions;
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
        pipeline.addLast("sequencer", new ConnectionSequencer(dispatcher));
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
        if (closed || acceptorGroup == null) {
            if (!closed && metadata != null) {
                partitions.close();
                metadata.close();
            }
            return;
        }
        closed = true;
        for (Channel channel : serverChannels.values()) {
            channel.close().syncUninterruptibly();
        }
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        acceptorGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        networkGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        LOG.info("Network server stopped");
        if (metadata != null) {
            partitions.close();
            metadata.close();
        }
    }
}
