package io.fjord.log;

import java.util.Collection;
import java.util.List;

/**
 * A durable list of entries that is always replaced whole. {@link CheckpointFile} is the on-disk one; tests
 * substitute an in-memory one to count or inspect writes.
 */
public interface Checkpoint<T> {

    /** The entries last written, in order; empty if nothing was ever written. */
    List<T> read();

    /** Replaces the stored entries; durable when this returns. */
    void write(Collection<? extends T> entries);
}
