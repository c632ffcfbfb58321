package io.fjord.broker.api;

import io.fjord.broker.config.ConfigDescriber;
import io.fjord.broker.metadata.BrokerMetadata;
import io.fjord.metadata.ConfigResource;
import io.fjord.metadata.TopicConfigs;
import io.fjord.metadata.TopicNames;
import io.fjord.protocol.ApiException;
import io.fjord.protocol.ErrorCode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What AlterConfigs and IncrementalAlterConfigs share (and DescribeConfigs, the resource types): checks of a resource as Kafka's broker makes them
 * before it forwards the change to the controller, and the write through
 * {@code QuorumController.alterConfigs} with a change computed from the resource's current configs.
 *
 * <p>TOPIC: name "" INVALID_REQUEST, a bad name INVALID_TOPIC_EXCEPTION; the controller checks the configs
 * (INVALID_CONFIG) and then that the topic exists (UNKNOWN_TOPIC_OR_PARTITION). BROKER: name "" (cluster
 * default) or this node's id, else INVALID_REQUEST; keys that cannot change at run time INVALID_CONFIG
 * ("Cannot update these configs dynamically"), bad values INVALID_CONFIG. BROKER_LOGGER, CLIENT_METRICS and
 * GROUP resources are not supported here (INVALID_REQUEST). Stateless; thread-safe.
 */
final class ConfigChanges {
    static final byte TOPIC = 2;
    static final byte BROKER = 4;
    static final byte BROKER_LOGGER = 8;
    static final List<Byte> KNOWN_TYPES = List.of(TOPIC, BROKER, BROKER_LOGGER, (byte) 16, (byte) 32);

    private final BrokerMetadata metadata;
    private final ConfigDescriber configs;

    ConfigChanges(BrokerMetadata metadata, ConfigDescriber configs) {
        this.metadata = metadata;
        this.configs = configs;
    }

    /** Fails the whole request (INVALID_REQUEST) if a resource type is not one Kafka knows. */
    static void checkTypes(List<Byte> types) {
        for (byte type : types) {
            if (!KNOWN_TYPES.contains(type)) {
                throw new ApiException(ErrorCode.INVALID_REQUEST, "Unexpected resource type " + type);
            }
        }
    }

    /** Indexes of resources named more than once (type and name) in a request. */
    static Set<Integer> duplicates(List<String> typeAndNames) {
        Map<String, Integer> counts = new HashMap<>();
        typeAndNames.forEach(k -> counts.merge(k, 1, Integer::sum));
        Set<Integer> out = new java.util.HashSet<>();
        for (int i = 0; i < typeAndNames.size(); i++) {
            if (counts.get(typeAndNames.get(i)) > 1) {
                out.add(i);
            }
        }
        return out;
    }

    /** Throws INVALID_REQUEST if a key appears twice. */
    static void checkNoDuplicateKeys(List<String> keys) {
        if (new java.util.HashSet<>(keys).size() != keys.size()) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "Error due to duplicate config keys");
        }
    }

    /** Builds one resource's entry of an AlterConfigs-like response; {@code error} is null on success. */
    interface ResourceResult<T> {
        T of(byte type, String name, ApiException error);
    }

    /**
     * Alters each of {@code resources} on its own, as AlterConfigs and IncrementalAlterConfigs do: first the whole
     * request fails if a type is unknown ({@link #checkTypes}); then a resource named twice (type and name) gets
     * INVALID_REQUEST, one {@code check} throws an {@link ApiException} for gets that, and the others are
     * {@link #alter}ed with the change {@code changeOf} gives for them. The future holds each resource's
     * {@code result} in request order and never completes exceptionally.
     */
    <R, T> CompletableFuture<List<T>> alterEach(List<R> resources, Function<R, Byte> type, Function<R, String> name,
                                                Consumer<R> check,
                                                Function<R, Function<Map<String, String>, Map<String, String>>> changeOf,
                                                boolean validateOnly, ResourceResult<T> result) {
        checkTypes(resources.stream().map(type).toList());
        Set<Integer> duplicates = duplicates(resources.stream().map(r -> type.apply(r) + "/" + name.apply(r)).toList());
        List<CompletableFuture<ApiException>> outcomes = new ArrayList<>();
        for (int i = 0; i < resources.size(); i++) {
            R r = resources.get(i);
            if (duplicates.contains(i)) {
                outcomes.add(CompletableFuture.completedFuture(new ApiException(ErrorCode.INVALID_REQUEST,
                        "Each resource must appear at most once.")));
                continue;
            }
            try {
                check.accept(r);
            } catch (ApiException e) {
                outcomes.add(CompletableFuture.completedFuture(e));
                continue;
            }
            outcomes.add(alter(type.apply(r), name.apply(r), changeOf.apply(r), validateOnly));
        }
        return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<T> out = new ArrayList<>();
            for (int i = 0; i < resources.size(); i++) {
                R r = resources.get(i);
                out.add(result.of(type.apply(r), name.apply(r), outcomes.get(i).join()));
            }
            return out;
        });
    }

    /**
     * Applies a change to one resource; the future completes with null on success or with the resource's
     * error, never exceptionally. {@code change} maps the resource's current dynamic configs to key -> new
     * value (null deletes); it runs on the controller thread and may throw an {@link ApiException}.
     */
    CompletableFuture<ApiException> alter(byte type, String name, Function<Map<String, String>, Map<String, String>> change,
                                          boolean validateOnly) {
        ConfigResource resource;
        Function<Map<String, String>, Map<String, String>> checked = change;
        try {
            switch (type) {
                case TOPIC -> {
                    if (name.isEmpty()) {
                        throw new ApiException(ErrorCode.INVALID_REQUEST, "Default topic resources are not allowed.");
                    }
                    TopicNames.validate(name);
                    resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
                }
                case BROKER -> {
                    if (!name.isEmpty()) {
                        checkThisNode(name);
                    }
                    resource = new ConfigResource(ConfigResource.Type.BROKER, name);
                    checked = current -> checkBrokerChange(resource, change.apply(current));
                }
                case BROKER_LOGGER -> {
                    checkThisNode(name);
                    throw new ApiException(ErrorCode.INVALID_REQUEST, "Unsupported resource type: BROKER_LOGGER");
                }
                default -> throw new ApiException(ErrorCode.INVALID_REQUEST, "Unsupported resource type: " + type);
            }
        } catch (ApiException e) {
            return CompletableFuture.completedFuture(e);
        }
        return metadata.controller().alterConfigs(resource, checked, validateOnly).handle((ok, error) -> {
            if (error == null) {
                return null;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            return cause instanceof ApiException api ? api
                    : new ApiException(ErrorCode.UNKNOWN_SERVER_ERROR, cause.toString(), cause);
        });
    }

    private void checkThisNode(String name) {
        int id;
        try {
            id = Integer.parseInt(name);
        } catch (NumberFormatException e) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "Node id must be an integer, but it is: " + name);
        }
        if (id != metadata.nodeId()) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "Unexpected broker id, expected "
                    + metadata.nodeId() + ", but received " + name);
        }
    }

    private Map<String, String> checkBrokerChange(ConfigResource resource, Map<String, String> changes) {
        Set<String> readOnly = new TreeSet<>();
        changes.forEach((k, v) -> {
            if (v != null && !ConfigDescriber.isDynamicBrokerConfig(k)) {
                readOnly.add(k);
            }
        });
        if (!readOnly.isEmpty()) {
            throw new ApiException(ErrorCode.INVALID_CONFIG, "Cannot update these configs dynamically: Set("
                    + String.join(", ", readOnly) + ")");
        }
        Map<String, String> merged = new HashMap<>(configs.effectiveBrokerProperties(metadata.image()));
        Map<String, String> set = new HashMap<>();
        changes.forEach((k, v) -> {
            if (v == null) {
                merged.remove(k);
            } else {
                merged.put(k, v);
                set.put(k, v);
            }
        });
        ConfigDescriber.validateBrokerValues(set, merged);
        return changes;
    }

    /** The value list of a LIST config for APPEND/SUBTRACT: its current value, else its default. */
    static List<String> listValue(byte type, String key, Map<String, String> current) {
        String value = current.get(key);
        if (value == null && type == TOPIC) {
            value = TopicConfigs.DEFINITIONS.get(key).defaultValue();
        }
        List<String> out = new ArrayList<>();
        if (value != null && !value.isEmpty()) {
            for (String part : value.split(",")) {
                out.add(part.trim());
            }
        }
        return out;
    }

    /** True if {@code key} of a resource of {@code type} holds a comma-separated list. */
    static boolean isList(byte type, String key) {
        if (type == TOPIC) {
            TopicConfigs.Definition def = TopicConfigs.DEFINITIONS.get(key);
            return def != null && def.type() == TopicConfigs.Type.LIST;
        }
        return key.equals("log.cleanup.policy") || key.equals("process.roles") || key.equals("controller.quorum.voters");
    }

}
