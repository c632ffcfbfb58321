package io.fjord.coordinator;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One member of a classic group: identity, timeouts, the protocols it supports and the assignment the leader
 * gave it, plus the join or sync response it is waiting for while a rebalance runs.
 * Invariant: {@code protocols} is non-empty and keeps the member's order of preference.
 * Not thread-safe: owned by its {@link ClassicGroup}, guarded by the {@link GroupCoordinator}'s lock.
 */
public final class ClassicGroupMember {
    private String memberId;
    private final String groupInstanceId;
    private final String clientId;
    private final String clientHost;
    private int sessionTimeoutMs;
    private int rebalanceTimeoutMs;
    private final String protocolType;
    private List<Protocol> protocols;
    private byte[] assignment = new byte[0];
    CompletableFuture<JoinResult> awaitingJoin;
    CompletableFuture<SyncResult> awaitingSync;
    long heartbeatDeadlineMs;
    boolean isNew;

    ClassicGroupMember(String memberId, String groupInstanceId, String clientId, String clientHost, int sessionTimeoutMs,
                       int rebalanceTimeoutMs, String protocolType, List<Protocol> protocols) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.protocolType = protocolType;
        this.protocols = List.copyOf(protocols);
    }

    public String memberId() {
        return memberId;
    }

    void memberId(String newId) {
        this.memberId = newId;
    }

    /** The static member's {@code group.instance.id}, or null for a dynamic member. */
    public String groupInstanceId() {
        return groupInstanceId;
    }

    public boolean isStatic() {
        return groupInstanceId != null;
    }

    public String clientId() {
        return clientId;
    }

    public String clientHost() {
        return clientHost;
    }

    public int sessionTimeoutMs() {
        return sessionTimeoutMs;
    }

    public int rebalanceTimeoutMs() {
        return rebalanceTimeoutMs;
    }

    public String protocolType() {
        return protocolType;
    }

    public List<Protocol> protocols() {
        return protocols;
    }

    void update(List<Protocol> newProtocols, int newSessionTimeoutMs, int newRebalanceTimeoutMs) {
        this.protocols = List.copyOf(newProtocols);
        this.sessionTimeoutMs = newSessionTimeoutMs;
        this.rebalanceTimeoutMs = newRebalanceTimeoutMs;
    }

    public byte[] assignment() {
        return assignment.clone();
    }

    void assignment(byte[] newAssignment) {
        this.assignment = newAssignment == null ? new byte[0] : newAssignment.clone();
    }

    /** This member's metadata for {@code protocolName}, or null when it does not support that protocol. */
    public byte[] metadata(String protocolName) {
        for (Protocol p : protocols) {
            if (p.name().equals(protocolName)) {
                return p.metadata();
            }
        }
        return null;
    }

    boolean supports(String protocolName) {
        return protocols.stream().anyMatch(p -> p.name().equals(protocolName));
    }

    boolean isAwaitingJoin() {
        return awaitingJoin != null;
    }

    boolean isAwaitingSync() {
        return awaitingSync != null;
    }
}
