package io.fjord.broker.group;

import io.fjord.broker.config.BrokerConfig;

import java.util.Map;

/**
 * The internal topic {@code __consumer_offsets}: its name and the configs it is created with (Kafka's:
 * cleanup.policy=compact, compression.type=producer, segment.bytes = offsets.topic.segment.bytes). Stateless.
 */
public final class OffsetsTopic {
    public static final String NAME = "__consumer_offsets";

    private OffsetsTopic() {
    }

    public static Map<String, String> configs(BrokerConfig config) {
        return Map.of("cleanup.policy", "compact", "compression.type", "producer",
                "segment.bytes", Integer.toString(config.offsetsTopicSegmentBytes()));
    }
}
