package io.fjord.log;

import java.util.Collection;
import java.util.List;

/** A {@link Checkpoint} in memory that counts its writes. */
final class InMemoryCheckpoint<T> implements Checkpoint<T> {
    private List<T> entries = List.of();
    private int writes;

    @Override
    public List<T> read() {
        return entries;
    }

    @Override
    public void write(Collection<? extends T> entries) {
        this.entries = List.copyOf(entries);
        writes++;
    }

    int writes() {
        return writes;
    }
}
