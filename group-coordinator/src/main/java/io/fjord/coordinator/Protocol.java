package io.fjord.coordinator;

import java.util.Arrays;

/** One assignment protocol a member supports (e.g. "range"), with its opaque subscription metadata. Immutable. */
public record Protocol(String name, byte[] metadata) {
    public Protocol {
        metadata = metadata == null ? new byte[0] : metadata.clone();
    }

    @Override
    public byte[] metadata() {
        return metadata.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Protocol p && p.name.equals(name) && Arrays.equals(p.metadata, metadata);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(metadata);
    }
}
