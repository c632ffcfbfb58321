package io.fjord.broker.api;

import java.util.List;

/**
 * The feature flags (KIP-584) a broker reports in ApiVersions v3+: the version ranges it supports and the
 * cluster-wide finalized levels with their epoch. Until the metadata log finalizes features, a broker
 * reports metadata.version only, at the level of Apache Kafka 4.1 (range 7-27, finalized 27). No
 * transaction.version or group.version is finalized, so clients use the classic transaction and group
 * protocols. Immutable.
 */
public record BrokerFeatures(List<SupportedFeature> supported, long finalizedEpoch, List<FinalizedFeature> finalized) {

    public record SupportedFeature(String name, short minVersion, short maxVersion) {
    }

    public record FinalizedFeature(String name, short minVersionLevel, short maxVersionLevel) {
    }

    public static final String METADATA_VERSION = "metadata.version";

    public static BrokerFeatures defaults() {
        return new BrokerFeatures(
                List.of(new SupportedFeature(METADATA_VERSION, (short) 7, (short) 27)),
                0L,
                List.of(new FinalizedFeature(METADATA_VERSION, (short) 27, (short) 27)));
    }

    public BrokerFeatures {
        supported = List.copyOf(supported);
        finalized = List.copyOf(finalized);
    }
}
