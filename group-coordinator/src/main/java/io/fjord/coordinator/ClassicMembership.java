package io.fjord.coordinator;

import io.fjord.log.Scheduler;
import io.fjord.log.Time;
import io.fjord.protocol.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The classic consumer-group protocol's membership state machine: JoinGroup, SyncGroup, Heartbeat and
 * LeaveGroup over {@link ClassicGroup}s, with Kafka's rules and error codes. Join and sync answers are
 * {@link CompletableFuture}s because they wait for the rebalance: a rebalance completes when every known
 * member has rejoined (and no MEMBER_ID_REQUIRED member is pending) or when the longest member rebalance
 * timeout passes; a group leaving Empty first waits {@code group.initial.rebalance.delay.ms}, extended while
 * new members keep arriving, up to the rebalance timeout. Members that miss heartbeats for their session
 * timeout are removed, which rebalances the others; so are members that send no SyncGroup within the rebalance
 * timeout after the join completed. Group metadata is written (through the coordinator's decide/append/apply path)
 * when the leader's SyncGroup completes a rebalance, when a rebalance leaves the group Empty and when a static
 * member is replaced in Stable.
 * <p>
 * Timers run on the injected {@link Scheduler}; since it cannot cancel, each timer carries the state it was
 * armed for (a rebalance epoch, a heartbeat deadline) and does nothing when that state has moved on.
 * <p>
 * Thread-safety: every method runs under the owning {@link GroupCoordinator}'s monitor (timers take it through
 * {@link DeferredAnswers#locked}); answers that were pending are completed through {@link DeferredAnswers}, after
 * the monitor is left.
 */
final class ClassicMembership {
    private static final Logger LOG = LoggerFactory.getLogger(ClassicMembership.class);

    /** Appends group records and, once appended and applied, calls back with NONE or the mapped error. */
    interface GroupWriter {
        void write(String groupId, List<CoordinatorRecord> records, Consumer<ErrorCode> onDone);
    }

    private final GroupCoordinatorConfig config;
    private final Time time;
    private final Scheduler scheduler;
    private final Map<String, ClassicGroup> groups;
    private final GroupOffsets offsets;
    private final PartitionLoads loads;
    private final DeferredAnswers answers;
    private final GroupWriter writer;

    ClassicMembership(GroupCoordinatorConfig config, Time time, Scheduler scheduler, Map<String, ClassicGroup> groups,
                      GroupOffsets offsets, PartitionLoads loads, DeferredAnswers answers, GroupWriter writer) {
        this.config = config;
        this.time = time;
        this.scheduler = scheduler;
        this.groups = groups;
        this.offsets = offsets;
        this.loads = loads;
        this.answers = answers;
        this.writer = writer;
    }

    CompletableFuture<JoinResult> join(JoinRequest request) {
        String memberId = request.memberId();
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return joinError(ErrorCode.INVALID_GROUP_ID, memberId);
        }
        ErrorCode notServed = loads.coordinatorError(request.groupId());
        if (notServed != ErrorCode.NONE) {
            return joinError(notServed, memberId);
        }
        if (request.sessionTimeoutMs() < config.minSessionTimeoutMs()
                || request.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            return joinError(ErrorCode.INVALID_SESSION_TIMEOUT, memberId);
        }
        ClassicGroup group = groups.get(request.groupId());
        if (group != null && group.isDead()) {
            return joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, memberId);
        }
        if (group == null) {
            if (!memberId.isEmpty()) {
                return joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId);
            }
            group = new ClassicGroup(request.groupId(), time.milliseconds());
            groups.put(request.groupId(), group);
        }
        if (!group.supportsProtocols(request.protocolType(), request.protocols())) {
            dropIfUnused(group);
            return joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, memberId);
        }
        if (!acceptsJoiningMember(group, memberId)) {
            if (group.has(memberId)) {
                removeMemberAndUpdateGroup(group, group.member(memberId));
            }
            group.removePending(memberId);
            dropIfUnused(group);
            return joinError(ErrorCode.GROUP_MAX_SIZE_REACHED, memberId);
        }
        return memberId.isEmpty() ? joinNewMember(group, request) : joinKnownMember(group, request);
    }

    /**
     * Kafka's {@code group.max.size} rule: Empty always accepts; PreparingRebalance accepts a member already
     * waiting and otherwise counts the members waiting to join; CompletingRebalance and Stable accept known
     * members and otherwise count members.
     */
    private boolean acceptsJoiningMember(ClassicGroup group, String memberId) {
        return switch (group.state()) {
            case EMPTY, DEAD -> true;
            case PREPARING_REBALANCE -> (group.has(memberId) && group.member(memberId).isAwaitingJoin())
                    || group.members().stream().filter(ClassicGroupMember::isAwaitingJoin).count() < config.maxSize();
            case COMPLETING_REBALANCE, STABLE -> group.has(memberId) || group.size() < config.maxSize();
        };
    }

    private CompletableFuture<JoinResult> joinNewMember(ClassicGroup group, JoinRequest request) {
        String instanceId = request.groupInstanceId();
        String newMemberId = (instanceId != null ? instanceId : request.clientId()) + "-" + UUID.randomUUID();
        if (instanceId != null && group.staticMemberId(instanceId) != null) {
            return replaceStaticMember(group, request, newMemberId);
        }
        if (instanceId == null && request.requireKnownMemberId()) {
            group.addPending(newMemberId);
            scheduler.scheduleOnce("pending-member-expiry-" + newMemberId,
                    () -> answers.locked(() -> expirePendingMember(group, newMemberId)), request.sessionTimeoutMs());
            return joinError(ErrorCode.MEMBER_ID_REQUIRED, newMemberId);
        }
        return addMemberAndRebalance(group, request, newMemberId);
    }

    private CompletableFuture<JoinResult> joinKnownMember(ClassicGroup group, JoinRequest request) {
        String memberId = request.memberId();
        if (group.isPending(memberId)) {
            group.removePending(memberId);
            return addMemberAndRebalance(group, request, memberId);
        }
        ErrorCode invalid = validateMember(group, memberId, request.groupInstanceId());
        if (invalid != ErrorCode.NONE) {
            return joinError(invalid, memberId);
        }
        ClassicGroupMember member = group.member(memberId);
        boolean sameProtocols = member.protocols().equals(request.protocols());
        switch (group.state()) {
            case PREPARING_REBALANCE:
                member.update(request.protocols(), request.sessionTimeoutMs(), request.rebalanceTimeoutMs());
                CompletableFuture<JoinResult> future = awaitJoin(member);
                tryCompleteJoin(group);
                return future;
            case COMPLETING_REBALANCE:
                if (sameProtocols) {
                    return CompletableFuture.completedFuture(currentGeneration(group, member, false));
                }
                return updateAndRebalance(group, member, request);
            case STABLE:
                if (sameProtocols && !group.isLeader(memberId)) {
                    scheduleHeartbeatExpiry(group, member);
                    return CompletableFuture.completedFuture(currentGeneration(group, member, false));
                }
                return updateAndRebalance(group, member, request);
            default:
                return joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId);
        }
    }

    private CompletableFuture<JoinResult> replaceStaticMember(ClassicGroup group, JoinRequest request,
                                                                   String newMemberId) {
        String oldMemberId = group.staticMemberId(request.groupInstanceId());
        ClassicGroupMember old = group.member(oldMemberId);
        if (old.awaitingJoin != null) {
            answers.complete(old.awaitingJoin, JoinResult.error(ErrorCode.FENCED_INSTANCE_ID, oldMemberId));
            old.awaitingJoin = null;
        }
        if (old.awaitingSync != null) {
            answers.complete(old.awaitingSync, SyncResult.error(ErrorCode.FENCED_INSTANCE_ID));
            old.awaitingSync = null;
        }
        String previousLeader = group.leaderId();
        ClassicGroupMember member = group.replaceStaticMember(request.groupInstanceId(), newMemberId);
        List<Protocol> oldProtocols = member.protocols();
        int oldSessionTimeoutMs = member.sessionTimeoutMs();
        int oldRebalanceTimeoutMs = member.rebalanceTimeoutMs();
        member.update(request.protocols(), request.sessionTimeoutMs(), request.rebalanceTimeoutMs());
        switch (group.state()) {
            case STABLE:
                if (group.selectProtocol().equals(group.protocolName())) {
                    scheduleHeartbeatExpiry(group, member);
                    JoinResult answer = request.supportsSkipAssignment()
                            ? currentGeneration(group, member, group.isLeader(newMemberId))
                            : new JoinResult(ErrorCode.NONE, group.generationId(), group.protocolType(),
                                    group.protocolName(), previousLeader, newMemberId, List.of(), false);
                    CompletableFuture<JoinResult> future = new CompletableFuture<>();
                    writer.write(group.groupId(), List.of(groupRecord(group, null)), error -> {
                        if (error == ErrorCode.NONE) {
                            answers.complete(future, answer);
                            return;
                        }
                        if (groups.get(group.groupId()) == group
                                && newMemberId.equals(group.staticMemberId(request.groupInstanceId()))) {
                            group.replaceStaticMember(request.groupInstanceId(), oldMemberId)
                                    .update(oldProtocols, oldSessionTimeoutMs, oldRebalanceTimeoutMs);
                        }
                        answers.complete(future, JoinResult.error(error, newMemberId));
                    });
                    return future;
                }
                return updateAndRebalance(group, member, request);
            case COMPLETING_REBALANCE:
                return updateAndRebalance(group, member, request);
            default:
                CompletableFuture<JoinResult> future = awaitJoin(member);
                tryCompleteJoin(group);
                return future;
        }
    }

    private CompletableFuture<JoinResult> addMemberAndRebalance(ClassicGroup group, JoinRequest request,
                                                                     String memberId) {
        ClassicGroupMember member = new ClassicGroupMember(memberId, request.groupInstanceId(), request.clientId(),
                request.clientHost(), request.sessionTimeoutMs(), request.rebalanceTimeoutMs(), request.protocolType(),
                request.protocols());
        member.isNew = true;
        CompletableFuture<JoinResult> future = awaitJoin(member);
        group.add(member);
        group.newMemberAdded = true;
        if (group.isInState(GroupState.PREPARING_REBALANCE)) {
            tryCompleteJoin(group);
        } else {
            prepareRebalance(group);
        }
        return future;
    }

    private CompletableFuture<JoinResult> updateAndRebalance(ClassicGroup group, ClassicGroupMember member,
                                                                  JoinRequest request) {
        member.update(request.protocols(), request.sessionTimeoutMs(), request.rebalanceTimeoutMs());
        CompletableFuture<JoinResult> future = awaitJoin(member);
        prepareRebalance(group);
        return future;
    }

    private static CompletableFuture<JoinResult> awaitJoin(ClassicGroupMember member) {
        if (member.awaitingJoin == null) {
            member.awaitingJoin = new CompletableFuture<>();
        }
        return member.awaitingJoin;
    }

    private void prepareRebalance(ClassicGroup group) {
        if (group.isInState(GroupState.COMPLETING_REBALANCE)) {
            for (ClassicGroupMember m : group.members()) {
                if (m.awaitingSync != null) {
                    answers.complete(m.awaitingSync, SyncResult.error(ErrorCode.REBALANCE_IN_PROGRESS));
                    m.awaitingSync = null;
                }
            }
        }
        boolean wasEmpty = group.isInState(GroupState.EMPTY);
        group.pendingSyncMembers.clear();
        group.transitionTo(GroupState.PREPARING_REBALANCE, time.milliseconds());
        int epoch = ++group.rebalanceEpoch;
        int rebalanceTimeout = group.rebalanceTimeoutMs();
        if (wasEmpty && config.initialRebalanceDelayMs() > 0) {
            group.newMemberAdded = false;
            int delay = config.initialRebalanceDelayMs();
            scheduleInitialDelay(group, epoch, delay, Math.max(rebalanceTimeout - delay, 0));
        } else {
            scheduler.scheduleOnce("rebalance-timeout-" + group.groupId(), () -> answers.locked(() -> onRebalanceTimeout(group, epoch)),
                    rebalanceTimeout);
            tryCompleteJoin(group);
        }
    }

    private void scheduleInitialDelay(ClassicGroup group, int epoch, int delayMs, int remainingMs) {
        group.inInitialDelay = true;
        scheduler.scheduleOnce("initial-rebalance-delay-" + group.groupId(),
                () -> answers.locked(() -> onInitialDelayExpired(group, epoch, remainingMs)), delayMs);
    }

    private void onInitialDelayExpired(ClassicGroup group, int epoch, int remainingMs) {
        if (isGone(group) || group.rebalanceEpoch != epoch || !group.isInState(GroupState.PREPARING_REBALANCE)) {
            return;
        }
        if (group.newMemberAdded && remainingMs > 0) {
            group.newMemberAdded = false;
            int delay = Math.min(config.initialRebalanceDelayMs(), remainingMs);
            scheduleInitialDelay(group, epoch, delay, Math.max(remainingMs - config.initialRebalanceDelayMs(), 0));
            return;
        }
        group.inInitialDelay = false;
        completeJoin(group);
    }

    private void onRebalanceTimeout(ClassicGroup group, int epoch) {
        if (!isGone(group) && group.rebalanceEpoch == epoch && group.isInState(GroupState.PREPARING_REBALANCE)) {
            completeJoin(group);
        }
    }

    private void tryCompleteJoin(ClassicGroup group) {
        if (group.isInState(GroupState.PREPARING_REBALANCE) && !group.inInitialDelay && group.hasAllMembersJoined()) {
            completeJoin(group);
        }
    }

    private void completeJoin(ClassicGroup group) {
        for (ClassicGroupMember m : group.members()) {
            if (!m.isAwaitingJoin()) {
                group.remove(m.memberId());
            }
        }
        group.rebalanceEpoch++;
        group.inInitialDelay = false;
        group.initNextGeneration(time.milliseconds());
        if (group.isInState(GroupState.EMPTY)) {
            writer.write(group.groupId(), List.of(groupRecord(group, null)), error -> {
                if (error != ErrorCode.NONE) {
                    LOG.warn("Storing empty group {} failed with {}", group.groupId(), error);
                }
            });
            return;
        }
        int generation = group.generationId();
        group.members().forEach(m -> group.pendingSyncMembers.add(m.memberId()));
        scheduler.scheduleOnce("pending-sync-" + group.groupId(), () -> answers.locked(() -> onPendingSyncExpired(group, generation)),
                group.rebalanceTimeoutMs());
        for (ClassicGroupMember m : group.members()) {
            CompletableFuture<JoinResult> future = m.awaitingJoin;
            m.awaitingJoin = null;
            m.isNew = false;
            scheduleHeartbeatExpiry(group, m);
            answers.complete(future, currentGeneration(group, m, false));
        }
    }

    /** Members that got the join answer but sent no SyncGroup within the rebalance timeout are removed. */
    private void onPendingSyncExpired(ClassicGroup group, int generation) {
        if (isGone(group) || group.generationId() != generation || group.pendingSyncMembers.isEmpty()
                || !(group.isInState(GroupState.COMPLETING_REBALANCE) || group.isInState(GroupState.STABLE))) {
            return;
        }
        for (String memberId : List.copyOf(group.pendingSyncMembers)) {
            group.remove(memberId);
        }
        prepareRebalance(group);
    }

    /** The join answer describing the current generation; the leader also gets every member's metadata. */
    private static JoinResult currentGeneration(ClassicGroup group, ClassicGroupMember member, boolean skipAssignment) {
        List<JoinResult.Member> members = new ArrayList<>();
        if (group.isLeader(member.memberId())) {
            for (ClassicGroupMember m : group.members()) {
                members.add(new JoinResult.Member(m.memberId(), m.groupInstanceId(), m.metadata(group.protocolName())));
            }
        }
        return new JoinResult(ErrorCode.NONE, group.generationId(), group.protocolType(), group.protocolName(),
                group.leaderId(), member.memberId(), members, skipAssignment);
    }

    CompletableFuture<SyncResult> sync(SyncRequest request) {
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return syncError(ErrorCode.INVALID_GROUP_ID);
        }
        ErrorCode notServed = loads.coordinatorError(request.groupId());
        if (notServed != ErrorCode.NONE) {
            return syncError(notServed);
        }
        ClassicGroup group = groups.get(request.groupId());
        if (group == null) {
            return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
        }
        if (group.isDead()) {
            return syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE);
        }
        ErrorCode invalid = validateMember(group, request.memberId(), request.groupInstanceId());
        if (invalid != ErrorCode.NONE) {
            return syncError(invalid);
        }
        if (request.generationId() != group.generationId()) {
            return syncError(ErrorCode.ILLEGAL_GENERATION);
        }
        if ((request.protocolType() != null && !request.protocolType().equals(group.protocolType()))
                || (request.protocolName() != null && !request.protocolName().equals(group.protocolName()))) {
            return syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
        }
        ClassicGroupMember member = group.member(request.memberId());
        if (!group.isInState(GroupState.PREPARING_REBALANCE)) {
            group.pendingSyncMembers.remove(member.memberId());
        }
        switch (group.state()) {
            case PREPARING_REBALANCE:
                return syncError(ErrorCode.REBALANCE_IN_PROGRESS);
            case COMPLETING_REBALANCE: {
                CompletableFuture<SyncResult> future = new CompletableFuture<>();
                member.awaitingSync = future;
                scheduleHeartbeatExpiry(group, member);
                if (group.isLeader(member.memberId())) {
                    storeAssignment(group, request.assignments());
                }
                return future;
            }
            case STABLE:
                scheduleHeartbeatExpiry(group, member);
                return CompletableFuture.completedFuture(assignmentOf(group, member));
            default:
                return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
        }
    }

    /**
     * Writes the group with the leader's assignments; only once that write is applied does the group become
     * Stable and every waiting member get its assignment. A failed write answers the waiting members with the
     * mapped error, clears the assignments and starts a rebalance, so they rejoin.
     */
    private void storeAssignment(ClassicGroup group, Map<String, byte[]> assignments) {
        int generation = group.generationId();
        writer.write(group.groupId(), List.of(groupRecord(group, assignments)), error -> {
            if (groups.get(group.groupId()) != group || !group.isInState(GroupState.COMPLETING_REBALANCE)
                    || group.generationId() != generation) {
                return;
            }
            for (ClassicGroupMember m : group.members()) {
                m.assignment(error == ErrorCode.NONE ? assignments.get(m.memberId()) : null);
            }
            if (error != ErrorCode.NONE) {
                for (ClassicGroupMember m : group.members()) {
                    if (m.awaitingSync != null) {
                        answers.complete(m.awaitingSync, SyncResult.error(error));
                        m.awaitingSync = null;
                    }
                }
                prepareRebalance(group);
                return;
            }
            group.transitionTo(GroupState.STABLE, time.milliseconds());
            for (ClassicGroupMember m : group.members()) {
                if (m.awaitingSync != null) {
                    answers.complete(m.awaitingSync, assignmentOf(group, m));
                    m.awaitingSync = null;
                }
            }
        });
    }

    private static CoordinatorRecord groupRecord(ClassicGroup group, Map<String, byte[]> assignments) {
        return new CoordinatorRecord(OffsetsTopicFormat.groupKey(group.groupId()),
                OffsetsTopicFormat.groupValue(group.toRecord(assignments)));
    }

    private static SyncResult assignmentOf(ClassicGroup group, ClassicGroupMember member) {
        return new SyncResult(ErrorCode.NONE, group.protocolType(), group.protocolName(), member.assignment());
    }

    CompletableFuture<ErrorCode> heartbeat(String groupId, String memberId, String groupInstanceId, int generationId) {
        if (groupId == null || groupId.isEmpty()) {
            return CompletableFuture.completedFuture(ErrorCode.INVALID_GROUP_ID);
        }
        ErrorCode notServed = loads.coordinatorError(groupId);
        if (notServed == ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) {
            return CompletableFuture.completedFuture(ErrorCode.NONE);
        }
        if (notServed != ErrorCode.NONE) {
            return CompletableFuture.completedFuture(notServed);
        }
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            return CompletableFuture.completedFuture(ErrorCode.UNKNOWN_MEMBER_ID);
        }
        if (group.isDead()) {
            return CompletableFuture.completedFuture(ErrorCode.COORDINATOR_NOT_AVAILABLE);
        }
        ErrorCode invalid = validateMember(group, memberId, groupInstanceId);
        if (invalid != ErrorCode.NONE) {
            return CompletableFuture.completedFuture(invalid);
        }
        if (generationId != group.generationId()) {
            return CompletableFuture.completedFuture(ErrorCode.ILLEGAL_GENERATION);
        }
        scheduleHeartbeatExpiry(group, group.member(memberId));
        return CompletableFuture.completedFuture(group.isInState(GroupState.PREPARING_REBALANCE)
                ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE);
    }

    CompletableFuture<LeaveResult> leave(LeaveRequest request) {
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return CompletableFuture.completedFuture(new LeaveResult(ErrorCode.INVALID_GROUP_ID, List.of()));
        }
        ErrorCode notServed = loads.coordinatorError(request.groupId());
        if (notServed != ErrorCode.NONE) {
            return CompletableFuture.completedFuture(new LeaveResult(notServed, List.of()));
        }
        ClassicGroup group = groups.get(request.groupId());
        List<LeaveResult.MemberResult> results = new ArrayList<>();
        if (group != null && group.isDead()) {
            return CompletableFuture.completedFuture(new LeaveResult(ErrorCode.COORDINATOR_NOT_AVAILABLE, List.of()));
        }
        for (LeaveRequest.Member leaving : request.members()) {
            ErrorCode error = group == null ? ErrorCode.UNKNOWN_MEMBER_ID : leave(group, leaving);
            results.add(new LeaveResult.MemberResult(leaving.memberId(), leaving.groupInstanceId(), error));
        }
        return CompletableFuture.completedFuture(new LeaveResult(ErrorCode.NONE, results));
    }

    private ErrorCode leave(ClassicGroup group, LeaveRequest.Member leaving) {
        String memberId = leaving.memberId();
        if (leaving.groupInstanceId() != null) {
            String staticId = group.staticMemberId(leaving.groupInstanceId());
            if (staticId == null) {
                return ErrorCode.UNKNOWN_MEMBER_ID;
            }
            if (!memberId.isEmpty() && !memberId.equals(staticId)) {
                return ErrorCode.FENCED_INSTANCE_ID;
            }
            memberId = staticId;
        } else if (group.removePending(memberId)) {
            tryCompleteJoin(group);
            return ErrorCode.NONE;
        } else if (!group.has(memberId)) {
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        removeMemberAndUpdateGroup(group, group.member(memberId));
        return ErrorCode.NONE;
    }

    /** UNKNOWN_MEMBER_ID for a stranger, FENCED_INSTANCE_ID when the instance id now belongs to another member id. */
    private static ErrorCode validateMember(ClassicGroup group, String memberId, String groupInstanceId) {
        if (groupInstanceId != null) {
            String current = group.staticMemberId(groupInstanceId);
            if (current != null && !current.equals(memberId)) {
                return ErrorCode.FENCED_INSTANCE_ID;
            }
        }
        return group.has(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
    }

    private void removeMemberAndUpdateGroup(ClassicGroup group, ClassicGroupMember member) {
        if (member.awaitingJoin != null) {
            answers.complete(member.awaitingJoin, JoinResult.error(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId()));
            member.awaitingJoin = null;
        }
        if (member.awaitingSync != null) {
            answers.complete(member.awaitingSync, SyncResult.error(ErrorCode.UNKNOWN_MEMBER_ID));
            member.awaitingSync = null;
        }
        group.remove(member.memberId());
        switch (group.state()) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(group);
            case PREPARING_REBALANCE -> tryCompleteJoin(group);
            default -> { }
        }
    }

    void scheduleHeartbeatExpiry(ClassicGroup group, ClassicGroupMember member) {
        long deadline = time.milliseconds() + member.sessionTimeoutMs();
        member.heartbeatDeadlineMs = deadline;
        scheduler.scheduleOnce("heartbeat-expiry-" + group.groupId() + "-" + member.memberId(),
                () -> answers.locked(() -> onHeartbeatExpired(group, member, deadline)), member.sessionTimeoutMs());
    }

    private void onHeartbeatExpired(ClassicGroup group, ClassicGroupMember member, long deadline) {
        if (isGone(group) || group.member(member.memberId()) != member || member.heartbeatDeadlineMs != deadline
                || member.isAwaitingJoin() || member.isAwaitingSync()) {
            return;
        }
        removeMemberAndUpdateGroup(group, member);
    }

    private void expirePendingMember(ClassicGroup group, String memberId) {
        if (!isGone(group) && group.removePending(memberId)) {
            tryCompleteJoin(group);
        }
    }

    private void dropIfUnused(ClassicGroup group) {
        if (group.isInState(GroupState.EMPTY) && group.size() == 0 && group.pendingCount() == 0
                && group.generationId() == 0 && !offsets.hasOffsets(group.groupId())) {
            groups.remove(group.groupId(), group);
        }
    }

    private static CompletableFuture<JoinResult> joinError(ErrorCode error, String memberId) {
        return CompletableFuture.completedFuture(JoinResult.error(error, memberId));
    }

    private static CompletableFuture<SyncResult> syncError(ErrorCode error) {
        return CompletableFuture.completedFuture(SyncResult.error(error));
    }


    /** Whether a timer or completion holds a group that was deleted, unloaded or replaced since it was armed. */
    private boolean isGone(ClassicGroup group) {
        return groups.get(group.groupId()) != group;
    }
}
