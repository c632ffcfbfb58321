package io.fjord.broker.api;

import io.fjord.broker.config.ConfigDescriber;
import io.fjord.broker.group.GroupCoordinatorService;
import io.fjord.broker.log.PartitionManager;
import io.fjord.broker.metadata.BrokerMetadata;
import io.fjord.coordinator.GroupCoordinator;
import io.fjord.protocol.ApiKey;

import java.util.Collection;
import java.util.Collections;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The APIs this broker serves: one {@link ApiHandler} per API key. Adding an API is one
 * {@link #register} line in {@link #forBroker}; ApiVersions answers from this registry, so what is
 * advertised is always exactly what is served.
 *
 * <p>Thread-safety: handlers are registered before the server starts; lookups are lock-free and safe from
 * any thread.
 */
public final class ApiHandlerRegistry {
    private final ConcurrentSkipListMap<Short, ApiHandler<?>> handlers = new ConcurrentSkipListMap<>();

    /** The handlers of a broker node. */
    public static ApiHandlerRegistry forBroker(BrokerFeatures features) {
        ApiHandlerRegistry registry = new ApiHandlerRegistry();
        registry.register(new ApiVersionsHandler(registry, features));
        return registry;
    }

    /**
     * The handlers of a node that runs the metadata quorum and the group coordinator in process; Produce and
     * Fetch count into the BrokerTopicMetrics {@code partitions} serve with the logs.
     */
    public static ApiHandlerRegistry forBroker(BrokerFeatures features, BrokerMetadata metadata,
                                               PartitionManager partitions, GroupCoordinatorService groups) {
        ApiHandlerRegistry registry = forBroker(features);
        registry.register(new MetadataHandler(metadata, groups::offsetsTopicExists));
        registry.register(new DescribeClusterHandler(metadata));
        ConfigDescriber configs = partitions.configDescriber();
        ConfigChanges configChanges = new ConfigChanges(metadata, configs);
        registry.register(new CreateTopicsHandler(metadata, configs));
        registry.register(new DeleteTopicsHandler(metadata));
        registry.register(new CreatePartitionsHandler(metadata));
        registry.register(new ProduceHandler(metadata, partitions));
        registry.register(new InitProducerIdHandler(partitions));
        registry.register(new ListOffsetsHandler(metadata, partitions));
        registry.register(new FetchHandler(metadata, partitions));
        registry.register(new OffsetForLeaderEpochHandler(metadata, partitions));
        registry.register(new DescribeConfigsHandler(metadata, configs));
        registry.register(new IncrementalAlterConfigsHandler(configChanges));
        registry.register(new AlterConfigsHandler(configChanges));
        registry.register(new DeleteRecordsHandler(metadata, partitions));
        registry.register(new DescribeLogDirsHandler(metadata.config().logDirs(), partitions));
        registry.register(new DescribeTopicPartitionsHandler(metadata));
        GroupCoordinator coordinator = groups.coordinator();
        registry.register(new FindCoordinatorHandler(metadata, groups));
        registry.register(new JoinGroupHandler(coordinator));
        registry.register(new SyncGroupHandler(coordinator));
        registry.register(new HeartbeatHandler(coordinator));
        registry.register(new LeaveGroupHandler(coordinator));
        registry.register(new OffsetCommitHandler(metadata, coordinator));
        registry.register(new OffsetFetchHandler(coordinator));
        registry.register(new DescribeGroupsHandler(coordinator));
        registry.register(new ListGroupsHandler(coordinator));
        registry.register(new DeleteGroupsHandler(coordinator));
        registry.register(new OffsetDeleteHandler(metadata, coordinator));
        return registry;
    }

    /** Adds {@code handler}; an API key may be registered once. */
    public ApiHandlerRegistry register(ApiHandler<?> handler) {
        ApiKey key = handler.apiKey();
        if (handlers.putIfAbsent(key.id(), handler) != null) {
            throw new IllegalStateException("A handler for " + key.protocolName() + " is already registered");
        }
        return this;
    }

    /** The handler for {@code apiKey}, or null if this broker does not serve it. */
    public ApiHandler<?> handler(short apiKey) {
        return handlers.get(apiKey);
    }

    /** Every registered handler in ascending API key order. */
    public Collection<ApiHandler<?>> handlers() {
        return Collections.unmodifiableCollection(handlers.values());
    }
}
