package io.fjord.metadata;

import io.fjord.log.Time;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the metadata quorum, named after Kafka's: {@code node.id}, the CONTROLLER listener
 * ({@code host:port} this node's Raft server binds), {@code controller.quorum.voters}
 * ({@code id@host:port,...}), the metadata directory, and the defaults used when CreateTopics asks for them
 * ({@code num.partitions}, {@code default.replication.factor}). Snapshot/log knobs are ours; tests use
 * small values. Immutable.
 */
public record QuorumConfig(int nodeId, String controllerListener, String voters, Path metadataDir,
                           int defaultPartitions, short defaultReplicationFactor, long snapshotThreshold,
                           long logSegmentBytes, int logPurgeGap, Time time) {

    /** One entry of controller.quorum.voters. */
    public record Voter(int id, String host, int port) {
        public String address() {
            return host + ":" + port;
        }
    }

    public QuorumConfig {
        Objects.requireNonNull(controllerListener, "controllerListener");
        Objects.requireNonNull(voters, "voters");
        Objects.requireNonNull(metadataDir, "metadataDir");
        Objects.requireNonNull(time, "time");
        parseVoters(voters);
        parseHostPort(controllerListener);
    }

    /**
     * Production defaults: snapshot every 10,000 entries (and when the server stops), 8 MiB log segments, purge
     * gap 8. Every start opens a new Raft log segment and Ratis reads all of them at start, so the log is purged
     * up to the snapshot after a few entries rather than Ratis' default 1024: otherwise each restart makes the
     * next one slower. A peer that falls behind the purged log catches up by snapshot installation.
     */
    public static QuorumConfig of(int nodeId, String controllerListener, String voters, Path metadataDir) {
        return new QuorumConfig(nodeId, controllerListener, voters, metadataDir, 1, (short) 1, 10_000,
                8L << 20, 8, Time.SYSTEM);
    }

    public QuorumConfig withSnapshots(long threshold, long segmentBytes, int purgeGap) {
        return new QuorumConfig(nodeId, controllerListener, voters, metadataDir, defaultPartitions,
                defaultReplicationFactor, threshold, segmentBytes, purgeGap, time);
    }

    public QuorumConfig withTopicDefaults(int partitions, short replicationFactor) {
        return new QuorumConfig(nodeId, controllerListener, voters, metadataDir, partitions, replicationFactor,
                snapshotThreshold, logSegmentBytes, logPurgeGap, time);
    }

    public List<Voter> voterList() {
        return parseVoters(voters);
    }

    public String listenerHost() {
        return parseHostPort(controllerListener).host();
    }

    public int listenerPort() {
        return parseHostPort(controllerListener).port();
    }

    static List<Voter> parseVoters(String voters) {
        List<Voter> out = new ArrayList<>();
        for (String entry : voters.split(",")) {
            String e = entry.trim();
            int at = e.indexOf('@');
            if (at <= 0) {
                throw new IllegalArgumentException("controller.quorum.voters: '" + e + "' is not id@host:port");
            }
            int id;
            try {
                id = Integer.parseInt(e.substring(0, at));
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("controller.quorum.voters: bad node id in '" + e + "'");
            }
            Voter hp = parseHostPort(e.substring(at + 1));
            out.add(new Voter(id, hp.host(), hp.port()));
        }
        return out;
    }

    private static Voter parseHostPort(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("'" + hostPort + "' is not host:port");
        }
        try {
            return new Voter(-1, hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("'" + hostPort + "' is not host:port");
        }
    }
}
