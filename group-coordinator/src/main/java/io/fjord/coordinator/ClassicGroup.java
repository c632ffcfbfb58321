package io.fjord.coordinator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The membership state of one classic consumer group: its {@link GroupState}, members in join order, pending
 * members (given an id by MEMBER_ID_REQUIRED but not yet joined), static members by {@code group.instance.id},
 * the generation, the protocol type and chosen protocol, and the leader.
 * Invariants: the leader, when set, is a member; every static member is in {@code staticMembers} under its
 * instance id; in CompletingRebalance and Stable {@code protocolName} is supported by every member; the
 * generation only grows.
 * Not thread-safe: guarded by the owning {@link GroupCoordinator}'s lock.
 */
public final class ClassicGroup {
    private final String groupId;
    private GroupState state = GroupState.EMPTY;
    private int generationId;
    private String protocolType;
    private String protocolName;
    private String leaderId;
    private final Map<String, ClassicGroupMember> members = new LinkedHashMap<>();
    private final Set<String> pendingMembers = new HashSet<>();
    private final Map<String, String> staticMembers = new HashMap<>();
    final Set<String> pendingSyncMembers = new HashSet<>();
    int rebalanceEpoch;
    boolean newMemberAdded;
    boolean inInitialDelay;
    /**
     * Set when a tombstone of this group is decided and being written; every entry point then treats the group as
     * Dead. Cleared when that write fails; when it succeeds the group is removed.
     */
    boolean deletionPending;

    /** Dead, or its deletion is decided and being written: the coordinator then answers as for a Dead group. */
    boolean isDead() {
        return state == GroupState.DEAD || deletionPending;
    }
    private long stateTimestampMs;

    ClassicGroup(String groupId, long nowMs) {
        this.groupId = groupId;
        this.stateTimestampMs = nowMs;
    }

    /**
     * A group as a group metadata record describes it: Stable with its members and their assignments, or Empty
     * without members. Each member supports just the recorded protocol, with its recorded subscription.
     */
    static ClassicGroup restore(String groupId, OffsetsTopicFormat.GroupMetadata record) {
        ClassicGroup group = new ClassicGroup(groupId, record.currentStateTimestampMs());
        group.generationId = record.generation();
        group.protocolType = record.protocolType() == null || record.protocolType().isEmpty()
                ? null : record.protocolType();
        for (OffsetsTopicFormat.MemberMetadata m : record.members()) {
            List<Protocol> protocols = List.of(new Protocol(record.protocol() == null ? "" : record.protocol(),
                    m.subscription()));
            ClassicGroupMember member = new ClassicGroupMember(m.memberId(), m.groupInstanceId(), m.clientId(),
                    m.clientHost(), m.sessionTimeoutMs(), m.rebalanceTimeoutMs(), group.protocolType, protocols);
            member.assignment(m.assignment());
            group.members.put(member.memberId(), member);
            if (member.isStatic()) {
                group.staticMembers.put(member.groupInstanceId(), member.memberId());
            }
        }
        if (group.members.isEmpty()) {
            group.state = GroupState.EMPTY;
        } else {
            group.state = GroupState.STABLE;
            group.protocolName = record.protocol();
            group.leaderId = record.leader() != null && group.members.containsKey(record.leader())
                    ? record.leader() : group.members.keySet().iterator().next();
        }
        return group;
    }

    /** The group as a group metadata record stores it, with {@code assignments} (by member id) when given. */
    OffsetsTopicFormat.GroupMetadata toRecord(Map<String, byte[]> assignments) {
        List<OffsetsTopicFormat.MemberMetadata> recorded = new ArrayList<>();
        for (ClassicGroupMember m : members.values()) {
            byte[] assignment = assignments != null ? assignments.getOrDefault(m.memberId(), new byte[0])
                    : m.assignment();
            byte[] subscription = m.metadata(protocolName);
            recorded.add(new OffsetsTopicFormat.MemberMetadata(m.memberId(), m.groupInstanceId(), m.clientId(),
                    m.clientHost(), m.rebalanceTimeoutMs(), m.sessionTimeoutMs(),
                    subscription == null ? new byte[0] : subscription, assignment));
        }
        return new OffsetsTopicFormat.GroupMetadata(protocolType, generationId, protocolName, leaderId,
                stateTimestampMs, recorded);
    }

    /** When the group entered its current state (ms), or -1 when unknown (restored from an old record). */
    public long stateTimestampMs() {
        return stateTimestampMs;
    }

    /**
     * Kafka's isSubscribedToTopic: whether a member of this "consumer" protocol group subscribes to {@code topic}.
     * When the subscriptions are unknown (no protocol chosen yet, or one does not decode) a consumer group counts
     * as subscribed; a group of another protocol type, or without members, never does.
     */
    boolean isSubscribedTo(String topic) {
        if (!"consumer".equals(protocolType) || members.isEmpty()) {
            return false;
        }
        if (protocolName == null) {
            return true;
        }
        boolean subscribed = false;
        for (ClassicGroupMember m : members.values()) {
            List<String> topics = OffsetsTopicFormat.subscribedTopics(m.metadata(protocolName));
            if (topics == null) {
                return true;
            }
            subscribed |= topics.contains(topic);
        }
        return subscribed;
    }

    /** Whether every member's subscription decodes, so subscribed topics are known (Kafka's subscribedTopics). */
    boolean subscriptionsKnown() {
        if (!"consumer".equals(protocolType) || protocolName == null) {
            return false;
        }
        return members.values().stream()
                .allMatch(m -> OffsetsTopicFormat.subscribedTopics(m.metadata(protocolName)) != null);
    }

    public String groupId() {
        return groupId;
    }

    public GroupState state() {
        return state;
    }

    public boolean isInState(GroupState s) {
        return state == s;
    }

    void transitionTo(GroupState next, long nowMs) {
        this.state = next;
        this.stateTimestampMs = nowMs;
    }

    public int generationId() {
        return generationId;
    }

    public String protocolType() {
        return protocolType;
    }

    /** The protocol chosen for the current generation, or null while Empty. */
    public String protocolName() {
        return protocolName;
    }

    public String leaderId() {
        return leaderId;
    }

    public boolean isLeader(String memberId) {
        return memberId != null && memberId.equals(leaderId);
    }

    public int size() {
        return members.size();
    }

    public boolean has(String memberId) {
        return members.containsKey(memberId);
    }

    public ClassicGroupMember member(String memberId) {
        return members.get(memberId);
    }

    public Collection<ClassicGroupMember> members() {
        return List.copyOf(members.values());
    }

    boolean isPending(String memberId) {
        return pendingMembers.contains(memberId);
    }

    void addPending(String memberId) {
        pendingMembers.add(memberId);
    }

    boolean removePending(String memberId) {
        return pendingMembers.remove(memberId);
    }

    int pendingCount() {
        return pendingMembers.size();
    }

    /** The member id currently holding {@code groupInstanceId}, or null. */
    public String staticMemberId(String groupInstanceId) {
        return groupInstanceId == null ? null : staticMembers.get(groupInstanceId);
    }

    void add(ClassicGroupMember member) {
        if (members.isEmpty()) {
            protocolType = member.protocolType();
        }
        members.put(member.memberId(), member);
        if (member.isStatic()) {
            staticMembers.put(member.groupInstanceId(), member.memberId());
        }
        if (leaderId == null) {
            leaderId = member.memberId();
        }
    }

    void remove(String memberId) {
        pendingSyncMembers.remove(memberId);
        ClassicGroupMember removed = members.remove(memberId);
        if (removed != null && removed.isStatic()) {
            staticMembers.remove(removed.groupInstanceId(), memberId);
        }
        if (memberId.equals(leaderId)) {
            leaderId = members.values().stream().filter(ClassicGroupMember::isAwaitingJoin)
                    .map(ClassicGroupMember::memberId).findFirst()
                    .orElse(members.isEmpty() ? null : members.keySet().iterator().next());
        }
    }

    /** Moves a static member to {@code newMemberId}, keeping its place, assignment and leadership. */
    ClassicGroupMember replaceStaticMember(String groupInstanceId, String newMemberId) {
        String oldId = staticMembers.get(groupInstanceId);
        ClassicGroupMember member = members.remove(oldId);
        Map<String, ClassicGroupMember> reordered = new LinkedHashMap<>(members);
        members.clear();
        member.memberId(newMemberId);
        members.put(newMemberId, member);
        members.putAll(reordered);
        if (pendingSyncMembers.remove(oldId)) {
            pendingSyncMembers.add(newMemberId);
        }
        staticMembers.put(groupInstanceId, newMemberId);
        if (oldId.equals(leaderId)) {
            leaderId = newMemberId;
        }
        return member;
    }

    boolean hasAllMembersJoined() {
        return pendingMembers.isEmpty() && members.values().stream().allMatch(ClassicGroupMember::isAwaitingJoin);
    }

    /** The longest rebalance timeout of any member: how long a rebalance waits for everyone to rejoin. */
    int rebalanceTimeoutMs() {
        return members.values().stream().mapToInt(ClassicGroupMember::rebalanceTimeoutMs).max().orElse(0);
    }

    /**
     * Whether a member offering {@code protocols} of {@code type} may join: an empty group takes any non-empty
     * offer; otherwise the type must match and at least one offered protocol must be supported by every member.
     */
    boolean supportsProtocols(String type, List<Protocol> protocols) {
        if (type == null || type.isEmpty() || protocols.isEmpty()) {
            return false;
        }
        if (members.isEmpty()) {
            return true;
        }
        if (!type.equals(protocolType)) {
            return false;
        }
        return protocols.stream().anyMatch(p -> members.values().stream().allMatch(m -> m.supports(p.name())));
    }

    /**
     * Kafka's vote: among the protocols every member supports, each member votes for the first one in its own
     * preference order; the most votes wins, ties going to the candidate the earliest-joined member prefers.
     */
    String selectProtocol() {
        List<String> candidates = new ArrayList<>();
        for (ClassicGroupMember first : members.values()) {
            for (Protocol p : first.protocols()) {
                if (members.values().stream().allMatch(m -> m.supports(p.name()))) {
                    candidates.add(p.name());
                }
            }
            break;
        }
        if (candidates.isEmpty()) {
            throw new IllegalStateException("no protocol supported by every member of group " + groupId);
        }
        Map<String, Integer> votes = new LinkedHashMap<>();
        candidates.forEach(c -> votes.put(c, 0));
        for (ClassicGroupMember m : members.values()) {
            for (Protocol p : m.protocols()) {
                if (votes.containsKey(p.name())) {
                    votes.merge(p.name(), 1, Integer::sum);
                    break;
                }
            }
        }
        String best = null;
        int bestVotes = -1;
        for (Map.Entry<String, Integer> e : votes.entrySet()) {
            if (e.getValue() > bestVotes) {
                best = e.getKey();
                bestVotes = e.getValue();
            }
        }
        return best;
    }

    /**
     * Starts the next generation: CompletingRebalance with a chosen protocol, or Empty without members (the
     * protocol type stays, as Kafka keeps it for Empty groups).
     */
    void initNextGeneration(long nowMs) {
        generationId++;
        stateTimestampMs = nowMs;
        if (members.isEmpty()) {
            protocolName = null;
            leaderId = null;
            state = GroupState.EMPTY;
        } else {
            protocolName = selectProtocol();
            state = GroupState.COMPLETING_REBALANCE;
        }
    }

    /** Marks the group deleted or unloaded: every later call on this object answers as for a Dead group. */
    void markDead(long nowMs) {
        members.clear();
        staticMembers.clear();
        pendingMembers.clear();
        pendingSyncMembers.clear();
        leaderId = null;
        transitionTo(GroupState.DEAD, nowMs);
    }
}
