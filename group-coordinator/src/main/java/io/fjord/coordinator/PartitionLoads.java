package io.fjord.coordinator;

import io.fjord.protocol.ErrorCode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which {@code __consumer_offsets} partition stores a group, and the load state of the partitions a
 * {@link GroupCoordinator} serves: a partition is absent (not served here: NOT_COORDINATOR), loading
 * (COORDINATOR_LOAD_IN_PROGRESS) or loaded. Every load gets a new epoch, greater than any before, so a call or a
 * write that belongs to one load can be told from a later load of the same partition.
 * Not thread-safe: guarded by the owning coordinator's monitor.
 */
final class PartitionLoads {
    private enum State { LOADING, LOADED }

    private record Load(State state, long epoch) {
    }

    private int partitionCount;
    private final Map<Integer, Load> loads = new HashMap<>();
    private long lastEpoch;

    PartitionLoads(int partitionCount) {
        this.partitionCount = partitionCount;
    }

    int partitionCount() {
        return partitionCount;
    }

    /** Changes the partition count; only while no partition is loading or loaded, since it moves every group. */
    void setPartitionCount(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("partition count " + count);
        }
        if (count != partitionCount && !loads.isEmpty()) {
            throw new IllegalStateException("cannot change the partition count from " + partitionCount + " to "
                    + count + " while partitions " + loads.keySet() + " are served");
        }
        partitionCount = count;
    }

    /** Kafka's rule: the absolute value of the hash (Integer.MIN_VALUE maps to 0) modulo the partition count. */
    int partitionFor(String groupId) {
        int hash = groupId.hashCode();
        return (hash == Integer.MIN_VALUE ? 0 : Math.abs(hash)) % partitionCount;
    }

    boolean isServed(int partition) {
        return loads.containsKey(partition);
    }

    /**
     * Starts a load of {@code partition} (which must not be served) and returns its epoch.
     *
     * @throws IllegalArgumentException when no group maps to {@code partition}
     */
    long beginLoad(int partition) {
        if (partition < 0 || partition >= partitionCount) {
            throw new IllegalArgumentException("partition " + partition + " is outside the " + partitionCount
                    + " partitions groups are placed on");
        }
        long epoch = ++lastEpoch;
        loads.put(partition, new Load(State.LOADING, epoch));
        return epoch;
    }

    boolean isLoading(int partition, long epoch) {
        Load load = loads.get(partition);
        return load != null && load.state() == State.LOADING && load.epoch() == epoch;
    }

    /** Marks the load {@code epoch} of {@code partition} complete; the caller checked {@link #isLoading}. */
    void completeLoad(int partition, long epoch) {
        loads.put(partition, new Load(State.LOADED, epoch));
    }

    void remove(int partition) {
        loads.remove(partition);
    }

    /** The epoch of {@code partition}'s load when it is loaded, else -1 (epochs start at 1). */
    long loadedEpoch(int partition) {
        Load load = loads.get(partition);
        return load != null && load.state() == State.LOADED ? load.epoch() : -1;
    }

    /** NONE when {@code groupId}'s partition is loaded, else NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS. */
    ErrorCode coordinatorError(String groupId) {
        Load load = loads.get(partitionFor(groupId));
        if (load == null) {
            return ErrorCode.NOT_COORDINATOR;
        }
        return load.state() == State.LOADING ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS : ErrorCode.NONE;
    }

    boolean isLoaded(String groupId) {
        return loadedEpoch(partitionFor(groupId)) >= 0;
    }

    boolean anyLoading() {
        return loads.values().stream().anyMatch(l -> l.state() == State.LOADING);
    }

    List<Integer> loadedPartitions() {
        List<Integer> loaded = new ArrayList<>();
        loads.forEach((p, load) -> {
            if (load.state() == State.LOADED) {
                loaded.add(p);
            }
        });
        return loaded;
    }
}
