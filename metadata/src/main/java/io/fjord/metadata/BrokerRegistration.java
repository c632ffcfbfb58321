package io.fjord.metadata;

import io.fjord.metadata.MetadataRecord.Endpoint;

import java.util.List;

/** A registered broker: id, epoch of its latest registration, listeners, rack (nullable). Immutable. */
public record BrokerRegistration(int id, long epoch, List<Endpoint> endpoints, String rack) {
    public BrokerRegistration {
        endpoints = List.copyOf(endpoints);
    }
}
