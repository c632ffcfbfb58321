package io.fjord.broker.api;

import io.fjord.broker.log.PartitionManager;
import io.fjord.broker.metadata.BrokerMetadata;
import io.fjord.log.PartitionLog;
import io.fjord.metadata.PartitionImage;
import io.fjord.metadata.TopicImage;
import io.fjord.protocol.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.function.Function;

/**
 * A per-partition read that only the partition's leader answers (ListOffsets, OffsetForLeaderEpoch): Kafka's
 * checks in Kafka's order (UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH for a
 * current leader epoch older than the image's, UNKNOWN_LEADER_EPOCH for a newer one; -1 skips the epoch
 * checks), then the read on the leader log; an exception from the read becomes the error
 * {@link ErrorCode#forException} maps it to, logged once when that is UNKNOWN_SERVER_ERROR.
 *
 * <p>Stateless; runs on the caller's thread (the handlers' I/O executor), so it is as thread-safe as the read.
 */
final class LeaderLogRead {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderLogRead.class);

    /** Reads the leader log of a partition that passed the checks. */
    interface Read<R> {
        R read(PartitionImage partition, PartitionLog log);
    }

    private LeaderLogRead() {
    }

    /**
     * {@code read} of partition {@code index} of topic {@code name} ({@code topic} its image, null if unknown),
     * or {@code error} of the check that fails; {@code api} names the request in the log.
     */
    static <R> R read(BrokerMetadata metadata, PartitionManager partitions, String api, TopicImage topic, String name,
                      int index, int currentLeaderEpoch, Function<ErrorCode, R> error, Read<R> read) {
        PartitionImage partition = topic == null ? null : topic.partition(index);
        if (partition == null) {
            return error.apply(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        }
        if (partition.leader() != metadata.nodeId()) {
            return error.apply(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        }
        if (currentLeaderEpoch >= 0 && currentLeaderEpoch < partition.leaderEpoch()) {
            return error.apply(ErrorCode.FENCED_LEADER_EPOCH);
        }
        if (currentLeaderEpoch > partition.leaderEpoch()) {
            return error.apply(ErrorCode.UNKNOWN_LEADER_EPOCH);
        }
        try {
            Optional<PartitionLog> log = partitions.leaderLog(name, index);
            if (log.isEmpty()) {
                return error.apply(ErrorCode.NOT_LEADER_OR_FOLLOWER);
            }
            return read.read(partition, log.get());
        } catch (RuntimeException e) {
            ErrorCode code = ErrorCode.forException(e);
            if (code == ErrorCode.UNKNOWN_SERVER_ERROR) {
                LOG.error("{} for {}-{} failed", api, name, index, e);
            }
            return error.apply(code);
        }
    }
}
