package io.fjord.coordinator;

import io.fjord.log.Scheduler;
import io.fjord.log.Time;
import io.fjord.protocol.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The group coordinator: classic consumer groups (JoinGroup, SyncGroup, Heartbeat and LeaveGroup, whose state
 * machine is {@link ClassicMembership}), their committed offsets (OffsetCommit, OffsetFetch, OffsetDelete),
 * DescribeGroups, ListGroups and DeleteGroups, and the load and unload of {@code __consumer_offsets} partitions.
 * Answers are {@link CompletableFuture}s: joins and syncs wait for the rebalance, writes for their append.
 * <p>
 * Committed offsets ({@link GroupOffsets}) and group metadata persist in {@code __consumer_offsets}
 * ({@link OffsetsTopicFormat}) through the injected {@link CoordinatorLog}, deciding and applying separately: an
 * entry point validates and decides the records, appends them, and only once the append completes applies them
 * with the same {@code apply} that {@link #replay} uses at load (so memory always equals the replay of the log);
 * its answer waits for that. Group metadata is written when the leader's SyncGroup completes a rebalance (Stable
 * and the assignments handed out only after the write; a failed write answers the mapped error and rebalances),
 * when a rebalance leaves the group Empty, when a static member is replaced in Stable (reverted if the write
 * fails), and as tombstones on delete and expiry.
 * <p>
 * A group is served only while its partition ({@link #partitionFor}) is loaded: NOT_COORDINATOR before
 * {@link #beginLoad} and after {@link #unload}, COORDINATOR_LOAD_IN_PROGRESS until {@link #completeLoad}. Each
 * load has an epoch; a write that completes after its partition was unloaded or reloaded is not applied and
 * answers NOT_COORDINATOR. Deleted and unloaded groups turn Dead. Offsets expire per
 * {@code offsets.retention.minutes}, checked every {@code offsets.retention.check.interval.ms}.
 * <p>
 * Thread-safety: every entry point, timer and write completion holds this object's monitor while it changes
 * state; answers that were pending (a join or sync waiting for the rebalance, a write's answer) are queued and
 * completed only after the monitor is left, so callbacks of the callers never run under the coordinator's lock.
 * {@link CoordinatorLog#append} is called under the monitor, so it must only hand the batch off; its completion
 * (on any thread, or inline) re-enters the monitor to apply and answer. The retention check holds the monitor
 * for one {@code __consumer_offsets} partition at a time.
 * <p>
 * Parts live in package-private helpers: {@link ClassicMembership} (the membership state machine and its timers),
 * {@link PartitionLoads} (partition of a group, load state and epochs), {@link GroupOffsets} (offsets, commits in
 * flight and the offset decisions, with {@link OffsetStore}, {@link PendingCommits} and {@link OffsetRetention}),
 * {@link OffsetCommitRules} (who may commit), {@link GroupViews} (describe/list), {@link WriteErrors} (append
 * failure mapping) and {@link DeferredAnswers} (completing answers outside the monitor).
 */
public final class GroupCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinator.class);

    private final GroupCoordinatorConfig config;
    private final Time time;
    private final Scheduler scheduler;
    private final Map<String, ClassicGroup> groups = new HashMap<>();
    private final GroupOffsets offsets;
    private final PartitionLoads loads;
    private final DeferredAnswers answers = new DeferredAnswers(this);

    private final CoordinatorLog log;
    private final ClassicMembership membership;

    public GroupCoordinator(GroupCoordinatorConfig config, Time time, Scheduler scheduler, CoordinatorLog log) {
        this.config = config;
        this.time = time;
        this.scheduler = scheduler;
        this.log = log;
        this.loads = new PartitionLoads(config.offsetsTopicNumPartitions());
        this.offsets = new GroupOffsets(config.offsetsRetentionMs(), config.offsetMetadataMaxBytes());
        this.membership = new ClassicMembership(config, time, scheduler, groups, offsets, loads, answers, this::write);
    }

    public GroupCoordinator(GroupCoordinatorConfig config, Time time, Scheduler scheduler) {
        this(config, time, scheduler, (partition, records) -> CompletableFuture.completedFuture(null));
    }

    /**
     * Starts the periodic offset retention check on the scheduler; call once, after construction and before
     * partitions are loaded. Without it no offset ever expires.
     */
    public void start() {
        scheduler.schedule("offsets-retention", this::expireOffsets, config.offsetsRetentionCheckIntervalMs(),
                config.offsetsRetentionCheckIntervalMs());
    }

    /** The group, or null when the coordinator does not know it. */
    public synchronized ClassicGroup group(String groupId) {
        return groups.get(groupId);
    }

    public CompletableFuture<JoinResult> joinGroup(JoinRequest request) {
        return answers.locked(() -> membership.join(request));
    }

    public CompletableFuture<SyncResult> syncGroup(SyncRequest request) {
        return answers.locked(() -> membership.sync(request));
    }

    public CompletableFuture<ErrorCode> heartbeat(String groupId, String memberId, String groupInstanceId,
                                                  int generationId) {
        return answers.locked(() -> membership.heartbeat(groupId, memberId, groupInstanceId, generationId));
    }

    public CompletableFuture<LeaveResult> leaveGroup(LeaveRequest request) {
        return answers.locked(() -> membership.leave(request));
    }

    // ---- Load and unload of __consumer_offsets partitions ----

    /**
     * The {@code __consumer_offsets} partition that stores {@code groupId}, as Kafka computes it: the absolute value
     * of {@code hashCode} (Integer.MIN_VALUE maps to 0) modulo the partition count.
     */
    public synchronized int partitionFor(String groupId) {
        return loads.partitionFor(groupId);
    }

    /** The number of {@code __consumer_offsets} partitions groups are placed on. */
    public synchronized int partitionCount() {
        return loads.partitionCount();
    }

    /**
     * Places groups on {@code count} partitions from now on (initially offsets.topic.num.partitions): Kafka places
     * them by the existing {@code __consumer_offsets} topic's partition count. Only before any partition is loading
     * or loaded, since it moves every group.
     *
     * @throws IllegalStateException when a partition is loading or loaded and {@code count} differs
     */
    public synchronized void setPartitionCount(int count) {
        loads.setPartitionCount(count);
    }

    /** NONE when this coordinator serves {@code groupId}, else NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS. */
    private ErrorCode coordinatorError(String groupId) {
        return loads.coordinatorError(groupId);
    }

    /**
     * Marks {@code partition} as loading: its groups answer COORDINATOR_LOAD_IN_PROGRESS until {@link #completeLoad}.
     * A partition loaded before is unloaded first, so the load starts from nothing.
     *
     * @throws IllegalArgumentException when {@code partition} is not below {@link #partitionCount()}
     * @return the epoch of this load; {@link #replay} and {@link #completeLoad} take it, and do nothing once another
     *         load of the partition began or it was unloaded, so a loader left over from an earlier leadership can
     *         neither roll state back nor complete a load that is not its own
     */
    public long beginLoad(int partition) {
        return answers.locked(() -> beginLoadLocked(partition));
    }

    private synchronized long beginLoadLocked(int partition) {
        if (loads.isServed(partition)) {
            unloadLocked(partition);
        }
        return loads.beginLoad(partition);
    }

    /**
     * Applies one record read back from {@code partition}, in log order, during the load {@code loadEpoch}: the same
     * apply path that live writes take once appended. A record that does not decode is logged and skipped; a record
     * of another load (unloaded or reloaded meanwhile, e.g. leadership lost during the load) is ignored.
     */
    public void replay(int partition, long loadEpoch, CoordinatorRecord record) {
        answers.locked(() -> replayLocked(partition, loadEpoch, record));
    }

    private synchronized void replayLocked(int partition, long loadEpoch, CoordinatorRecord record) {
        if (!loads.isLoading(partition, loadEpoch)) {
            LOG.debug("Ignoring a record of load {} of __consumer_offsets partition {}, which is not that load",
                    loadEpoch, partition);
            return;
        }
        try {
            apply(record, false);
        } catch (RuntimeException e) {
            LOG.warn("Skipping an undecodable record of __consumer_offsets partition {} (load {}, key {}): {}",
                    partition, loadEpoch, HexFormat.of().formatHex(record.key()), e.toString());
        }
    }

    /**
     * Ends the load {@code loadEpoch} of {@code partition}: its groups are served from now on, and every restored
     * member must heartbeat within its session timeout from now. Does nothing when that load is not the partition's
     * current one (unloaded or reloaded meanwhile).
     */
    public synchronized void completeLoad(int partition, long loadEpoch) {
        if (!loads.isLoading(partition, loadEpoch)) {
            LOG.debug("Not completing load {} of __consumer_offsets partition {}, which is not that load",
                    loadEpoch, partition);
            return;
        }
        loads.completeLoad(partition, loadEpoch);
        for (ClassicGroup group : List.copyOf(groups.values())) {
            if (partitionFor(group.groupId()) == partition) {
                for (ClassicGroupMember member : group.members()) {
                    membership.scheduleHeartbeatExpiry(group, member);
                }
            }
        }
    }

    /**
     * Drops the groups and offsets of {@code partition} (leadership lost): they become Dead, members waiting in a
     * join or sync get NOT_COORDINATOR, and writes still in flight answer NOT_COORDINATOR without being applied.
     */
    public void unload(int partition) {
        answers.locked(() -> unloadLocked(partition));
    }

    private synchronized void unloadLocked(int partition) {
        loads.remove(partition);
        for (ClassicGroup group : List.copyOf(groups.values())) {
            if (partitionFor(group.groupId()) == partition) {
                removeGroup(group, ErrorCode.NOT_COORDINATOR);
            }
        }
        for (String groupId : offsets.groupIds()) {
            if (partitionFor(groupId) == partition) {
                offsets.removeGroup(groupId);
            }
        }
    }

    /** Makes the group Dead and forgets it; a member waiting in a join or sync is answered {@code error}. */
    private void removeGroup(ClassicGroup group, ErrorCode error) {
        for (ClassicGroupMember m : group.members()) {
            if (m.awaitingJoin != null) {
                answers.complete(m.awaitingJoin, JoinResult.error(error, m.memberId()));
                m.awaitingJoin = null;
            }
            if (m.awaitingSync != null) {
                answers.complete(m.awaitingSync, SyncResult.error(error));
                m.awaitingSync = null;
            }
        }
        group.markDead(time.milliseconds());
        groups.remove(group.groupId(), group);
    }

    // ---- Decide / apply ----

    /**
     * Appends {@code records} to the group's partition; once the append completes, applies them with
     * {@link #apply} and calls {@code onDone} with NONE, or (nothing applied) with the mapped write error, or
     * NOT_COORDINATOR when the partition was unloaded or reloaded meanwhile. {@code onDone} runs under the monitor,
     * inline when the append completes at once.
     */
    private void write(String groupId, List<CoordinatorRecord> records, Consumer<ErrorCode> onDone) {
        int partition = partitionFor(groupId);
        long loadEpoch = loads.loadedEpoch(partition);
        if (loadEpoch < 0) {
            onDone.accept(ErrorCode.NOT_COORDINATOR);
            return;
        }
        CompletableFuture<Void> appended;
        try {
            appended = log.append(partition, records);
        } catch (RuntimeException e) {
            appended = CompletableFuture.failedFuture(e);
        }
        appended.whenComplete((ignored, failure) -> answers.locked(() -> {
            synchronized (this) {
                try {
                    if (loads.loadedEpoch(partition) != loadEpoch) {
                        onDone.accept(ErrorCode.NOT_COORDINATOR);
                    } else if (failure != null) {
                        ErrorCode error = WriteErrors.map(failure);
                        LOG.warn("Writing {} record(s) of group {} to __consumer_offsets partition {} failed, answered {}: {}",
                                records.size(), groupId, partition, error, failure.toString());
                        onDone.accept(error);
                    } else {
                        for (CoordinatorRecord record : records) {
                            apply(record, true);
                        }
                        onDone.accept(ErrorCode.NONE);
                    }
                } catch (RuntimeException e) {
                    LOG.error("Completing a write to __consumer_offsets partition {} failed", partition, e);
                }
            }
        }));
    }


    /**
     * Applies one record of {@code __consumer_offsets}, both at load ({@code live} false) and after a live append:
     * an offset commit stores the offset (creating an Empty group for it when none exists), an offset tombstone
     * removes it, a group tombstone makes the group Dead and forgets it, and a group metadata value restores the
     * group (Stable with its members, or Empty). Live, a group metadata value mirrors membership this coordinator
     * already holds, so it leaves the in-memory group as it is (and does not bring back a group deleted since the
     * record was decided); the caller's completion makes the transition.
     */
    private void apply(CoordinatorRecord record, boolean live) {
        OffsetsTopicFormat.Key key = OffsetsTopicFormat.decodeKey(record.key());
        if (key instanceof OffsetsTopicFormat.OffsetKey k) {
            offsets.apply(k, record.value());
            if (record.value() != null) {
                groups.computeIfAbsent(k.groupId(), id -> new ClassicGroup(id, time.milliseconds()));
            }
        } else if (key instanceof OffsetsTopicFormat.GroupKey k) {
            ClassicGroup existing = groups.get(k.groupId());
            if (record.value() == null) {
                if (existing != null) {
                    removeGroup(existing, ErrorCode.COORDINATOR_NOT_AVAILABLE);
                }
            } else if (!live) {
                groups.put(k.groupId(), ClassicGroup.restore(k.groupId(),
                        OffsetsTopicFormat.decodeGroupValue(record.value())));
            }
        }
    }

    // ---- Offsets ----

    /**
     * OffsetCommit with Kafka's classic-group rules; a null group id is INVALID_GROUP_ID, the empty one is a group
     * like any other (Kafka keeps accepting it for compatibility). Offsets are stored only once their records are
     * appended; a partition whose metadata is longer than {@code offset.metadata.max.bytes} gets
     * OFFSET_METADATA_TOO_LARGE while the others are still stored. A commit from a member of a Stable or
     * rebalancing group counts as its heartbeat.
     */
    public CompletableFuture<CommitResult> commitOffsets(CommitRequest request) {
        return commitOffsets(request, 8);
    }

    /**
     * As {@link #commitOffsets(CommitRequest)} for OffsetCommit {@code apiVersion}: from v9 a commit with a
     * generation to an unknown group answers GROUP_ID_NOT_FOUND instead of ILLEGAL_GENERATION, as Kafka does.
     */
    public CompletableFuture<CommitResult> commitOffsets(CommitRequest request, int apiVersion) {
        return answers.locked(() -> commitOffsetsLocked(request, apiVersion));
    }

    private synchronized CompletableFuture<CommitResult> commitOffsetsLocked(CommitRequest request, int apiVersion) {
        String groupId = request.groupId();
        if (groupId == null) {
            return CompletableFuture.completedFuture(commitError(request, ErrorCode.INVALID_GROUP_ID));
        }
        ErrorCode notServed = coordinatorError(groupId);
        if (notServed != ErrorCode.NONE) {
            return CompletableFuture.completedFuture(commitError(request, notServed));
        }
        ClassicGroup group = groups.get(groupId);
        ErrorCode invalid = OffsetCommitRules.validate(group, request);
        if (invalid == ErrorCode.ILLEGAL_GENERATION && group == null && apiVersion >= 9) {
            invalid = ErrorCode.GROUP_ID_NOT_FOUND;
        }
        if (invalid != ErrorCode.NONE) {
            return CompletableFuture.completedFuture(commitError(request, invalid));
        }
        if (group != null && group.has(request.memberId())
                && (group.isInState(GroupState.STABLE) || group.isInState(GroupState.PREPARING_REBALANCE))) {
            membership.scheduleHeartbeatExpiry(group, group.member(request.memberId()));
        }
        GroupOffsets.CommitPlan plan = offsets.planCommit(groupId, request.offsets(), request.retentionTimeMs(),
                time.milliseconds());
        Map<TopicPartitionRef, ErrorCode> errors = plan.errors();
        Map<TopicPartitionRef, CoordinatorRecord> records = plan.records();
        if (records.isEmpty()) {
            return CompletableFuture.completedFuture(new CommitResult(errors));
        }
        CompletableFuture<CommitResult> answer = new CompletableFuture<>();
        offsets.commitStarted(groupId, records.keySet());
        write(groupId, List.copyOf(records.values()), error -> {
            offsets.commitEnded(groupId, records.keySet());
            records.keySet().forEach(tp -> errors.put(tp, error));
            answers.complete(answer, new CommitResult(errors));
        });
        return answer;
    }

    private static CommitResult commitError(CommitRequest request, ErrorCode error) {
        Map<TopicPartitionRef, ErrorCode> errors = new LinkedHashMap<>();
        request.offsets().forEach(o -> errors.put(o.partition(), error));
        return new CommitResult(errors);
    }

    /**
     * The group's committed offsets for {@code partitions}, or all of them when {@code partitions} is null. An
     * unknown group, or one being deleted, has none (error NONE); a null group id is INVALID_GROUP_ID, the empty one
     * is valid, as in Kafka. Only applied commits are visible; {@code requireStable} needs nothing more while there
     * are no transactional commits.
     */
    public synchronized CompletableFuture<FetchOffsetsResult> fetchOffsets(String groupId,
                                                                           List<TopicPartitionRef> partitions,
                                                                           boolean requireStable) {
        if (groupId == null) {
            return CompletableFuture.completedFuture(FetchOffsetsResult.error(ErrorCode.INVALID_GROUP_ID));
        }
        ErrorCode notServed = coordinatorError(groupId);
        if (notServed != ErrorCode.NONE) {
            return CompletableFuture.completedFuture(FetchOffsetsResult.error(notServed));
        }
        ClassicGroup group = groups.get(groupId);
        Map<TopicPartitionRef, CommittedOffset> found = group != null && group.isDead()
                ? Map.of() : offsets.fetch(groupId, partitions);
        return CompletableFuture.completedFuture(new FetchOffsetsResult(ErrorCode.NONE, found));
    }

    // ---- Describe, list, delete ----

    /**
     * One description per id, in order. An unknown group is Dead with error NONE (the handler answers
     * GROUP_ID_NOT_FOUND from v6). Only a Stable group shows its selected protocol and each member's metadata and
     * assignment; in other states members are listed without them, as Kafka does.
     */
    public synchronized List<GroupDescription> describeGroups(List<String> groupIds) {
        List<GroupDescription> result = new ArrayList<>();
        for (String groupId : groupIds) {
            if (groupId == null) {
                result.add(new GroupDescription(null, ErrorCode.INVALID_GROUP_ID, "", "", "", List.of()));
                continue;
            }
            ErrorCode notServed = coordinatorError(groupId);
            if (notServed != ErrorCode.NONE) {
                result.add(new GroupDescription(groupId, notServed, "", "", "", List.of()));
                continue;
            }
            ClassicGroup group = groups.get(groupId);
            if (group == null || group.isDead()) {
                result.add(new GroupDescription(groupId, ErrorCode.NONE, GroupState.DEAD.kafkaName(), "", "",
                        List.of()));
                continue;
            }
            result.add(GroupViews.describe(group));
        }
        return result;
    }

    /**
     * Whether some partition is still loading: Kafka then answers ListGroups with COORDINATOR_LOAD_IN_PROGRESS
     * (partitions it does not lead are simply left out), so the handler should do the same.
     */
    public synchronized boolean isLoadInProgress() {
        return loads.anyLoading();
    }

    /**
     * The groups of the partitions this coordinator has loaded. Empty filters match every group; states are
     * Kafka's names (case-insensitive), types "classic"/"consumer" (case-insensitive; every group here is classic).
     */
    public synchronized List<GroupListing> listGroups(Set<String> states, Set<String> types) {
        GroupViews.ListFilter filter = new GroupViews.ListFilter(states, types);
        List<GroupListing> result = new ArrayList<>();
        for (ClassicGroup group : groups.values()) {
            if (loads.isLoaded(group.groupId()) && !group.isDead() && filter.matches(group)) {
                result.add(GroupViews.listing(group));
            }
        }
        return result;
    }



    // ---- Read-only views for metrics ----

    /**
     * The groups held by state and the number of applied offsets, for the GroupMetadataManager gauges: one pass over
     * the groups under the monitor (no copy of the groups or offsets).
     */
    public synchronized GroupCounts groupCounts() {
        Map<GroupState, Integer> byState = new java.util.EnumMap<>(GroupState.class);
        for (ClassicGroup group : groups.values()) {
            GroupState state = group.isDead() ? GroupState.DEAD : group.state();
            byState.merge(state, 1, Integer::sum);
        }
        return new GroupCounts(byState, offsets.count());
    }

    /**
     * A copy of the applied committed offsets of every group this coordinator holds that is not Dead (deleted, or
     * its deletion being written), by group and partition: what OffsetFetch would answer for each. The copy is made
     * under the monitor in one pass; the caller works on it without the lock.
     */
    public synchronized Map<String, Map<TopicPartitionRef, Long>> committedOffsets() {
        Map<String, Map<TopicPartitionRef, Long>> copy = new HashMap<>();
        for (String groupId : offsets.groupIds()) {
            ClassicGroup group = groups.get(groupId);
            if (group != null && group.isDead()) {
                continue;
            }
            Map<TopicPartitionRef, Long> byPartition = new HashMap<>();
            offsets.fetch(groupId, null).forEach((tp, committed) -> byPartition.put(tp, committed.offset()));
            if (!byPartition.isEmpty()) {
                copy.put(groupId, byPartition);
            }
        }
        return copy;
    }

    /**
     * One error per group: NONE once the tombstones of the group and all its offsets (including those of commits
     * still in flight, which are appended before) are appended (the group is then Dead and gone),
     * GROUP_ID_NOT_FOUND for an unknown group, NON_EMPTY_GROUP while it has members, or a coordinator or write
     * error. From the decision until the write completes the group counts as Dead at every entry point; a failed
     * write brings it back.
     */
    public CompletableFuture<Map<String, ErrorCode>> deleteGroups(List<String> groupIds) {
        return answers.locked(() -> deleteGroupsLocked(groupIds));
    }

    private synchronized CompletableFuture<Map<String, ErrorCode>> deleteGroupsLocked(List<String> groupIds) {
        Map<String, CompletableFuture<ErrorCode>> results = new LinkedHashMap<>();
        for (String groupId : groupIds) {
            if (results.containsKey(groupId)) {
                continue;
            }
            CompletableFuture<ErrorCode> result = new CompletableFuture<>();
            results.put(groupId, result);
            if (groupId == null) {
                answers.complete(result, ErrorCode.INVALID_GROUP_ID);
                continue;
            }
            ErrorCode notServed = coordinatorError(groupId);
            ClassicGroup group = groups.get(groupId);
            if (notServed != ErrorCode.NONE) {
                answers.complete(result, notServed);
            } else if (group == null || group.isDead()) {
                answers.complete(result, ErrorCode.GROUP_ID_NOT_FOUND);
            } else if (!group.isInState(GroupState.EMPTY)) {
                answers.complete(result, ErrorCode.NON_EMPTY_GROUP);
            } else {
                List<CoordinatorRecord> records = new ArrayList<>();
                for (TopicPartitionRef tp : offsets.offsetsAndCommitsInFlight(groupId)) {
                    records.add(offsetTombstone(groupId, tp));
                }
                records.add(groupTombstone(groupId));
                group.deletionPending = true;
                write(groupId, records, error -> {
                    if (error != ErrorCode.NONE) {
                        group.deletionPending = false;
                    }
                    answers.complete(result, error);
                });
            }
        }
        return CompletableFuture.allOf(results.values().toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            Map<String, ErrorCode> answer = new LinkedHashMap<>();
            results.forEach((id, f) -> answer.put(id, f.join()));
            return answer;
        });
    }

    /**
     * OffsetDelete: GROUP_ID_NOT_FOUND for an unknown group, NON_EMPTY_GROUP for a group with members that does
     * not use the "consumer" protocol; else per partition GROUP_SUBSCRIBED_TO_TOPIC when a member subscribes to
     * its topic, otherwise NONE after its offset (if any) is tombstoned. A failed write is the group-level error.
     */
    public CompletableFuture<DeleteOffsetsResult> deleteOffsets(String groupId, List<TopicPartitionRef> partitions) {
        return answers.locked(() -> deleteOffsetsLocked(groupId, partitions));
    }

    private synchronized CompletableFuture<DeleteOffsetsResult> deleteOffsetsLocked(String groupId,
                                                                                    List<TopicPartitionRef> partitions) {
        if (groupId == null || groupId.isEmpty()) {
            return CompletableFuture.completedFuture(new DeleteOffsetsResult(ErrorCode.INVALID_GROUP_ID, Map.of()));
        }
        ErrorCode notServed = coordinatorError(groupId);
        if (notServed != ErrorCode.NONE) {
            return CompletableFuture.completedFuture(new DeleteOffsetsResult(notServed, Map.of()));
        }
        ClassicGroup group = groups.get(groupId);
        if (group == null || group.isDead()) {
            return CompletableFuture.completedFuture(new DeleteOffsetsResult(ErrorCode.GROUP_ID_NOT_FOUND, Map.of()));
        }
        if (!group.isInState(GroupState.EMPTY) && !"consumer".equals(group.protocolType())) {
            return CompletableFuture.completedFuture(new DeleteOffsetsResult(ErrorCode.NON_EMPTY_GROUP, Map.of()));
        }
        Map<TopicPartitionRef, ErrorCode> errors = new LinkedHashMap<>();
        List<CoordinatorRecord> records = new ArrayList<>();
        for (TopicPartitionRef tp : partitions) {
            if (!group.isInState(GroupState.EMPTY) && group.isSubscribedTo(tp.topic())) {
                errors.put(tp, ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC);
                continue;
            }
            errors.put(tp, ErrorCode.NONE);
            if (offsets.hasOffsetOrCommitInFlight(groupId, tp)) {
                records.add(offsetTombstone(groupId, tp));
            }
        }
        if (records.isEmpty()) {
            return CompletableFuture.completedFuture(new DeleteOffsetsResult(ErrorCode.NONE, errors));
        }
        CompletableFuture<DeleteOffsetsResult> answer = new CompletableFuture<>();
        write(groupId, records, error -> answers.complete(answer, error == ErrorCode.NONE
                ? new DeleteOffsetsResult(ErrorCode.NONE, errors) : new DeleteOffsetsResult(error, Map.of())));
        return answer;
    }

    // ---- Retention ----

    /**
     * Kafka's offset expiry, every {@code offsets.retention.check.interval.ms}: in an Empty group that had a
     * protocol type an offset expires {@code offsets.retention.minutes} after the group became Empty (after its
     * commit when that time is unknown); in a group used only for commits, that long after its commit; in a
     * Stable consumer group whose subscriptions are known, offsets of topics no member subscribes to expire that
     * long after their commit. A v1 value's explicit expire timestamp wins. An Empty group left without offsets
     * is deleted too. Offsets without a group are expired like those of a group used only for commits. Expired
     * entries are removed by tombstones like any other write. Each loaded partition is scanned in its own hold of
     * the monitor.
     */
    void expireOffsets() {
        List<Integer> loaded;
        synchronized (this) {
            loaded = loads.loadedPartitions();
        }
        for (int partition : loaded) {
            answers.locked(() -> expireOffsets(partition));
        }
    }

    private synchronized void expireOffsets(int partition) {
        if (loads.loadedEpoch(partition) < 0) {
            return;
        }
        long now = time.milliseconds();
        Set<String> groupIds = new LinkedHashSet<>();
        for (String groupId : groups.keySet()) {
            if (partitionFor(groupId) == partition) {
                groupIds.add(groupId);
            }
        }
        for (String groupId : offsets.groupIds()) {
            if (partitionFor(groupId) == partition) {
                groupIds.add(groupId);
            }
        }
        for (String groupId : groupIds) {
            expireOffsets(groupId, groups.get(groupId), now);
        }
    }

    /** Expires the offsets of {@code groupId}; {@code group} is null for offsets left without a group. */
    private void expireOffsets(String groupId, ClassicGroup group, long now) {
        if (group != null && group.deletionPending) {
            return;
        }
        OffsetRetention.Decision decision = offsets.expiry(groupId, group, now);
        if (decision.isEmpty()) {
            return;
        }
        List<CoordinatorRecord> records = new ArrayList<>();
        decision.expired().forEach(tp -> records.add(offsetTombstone(groupId, tp)));
        if (decision.deleteGroup()) {
            records.add(groupTombstone(groupId));
            group.deletionPending = true;
        }
        write(groupId, records, error -> {
            if (error != ErrorCode.NONE) {
                if (decision.deleteGroup()) {
                    group.deletionPending = false;
                }
                LOG.warn("Expiring offsets of group {} failed with {}", groupId, error);
            }
        });
    }

    private static CoordinatorRecord offsetTombstone(String groupId, TopicPartitionRef partition) {
        return new CoordinatorRecord(OffsetsTopicFormat.offsetKey(groupId, partition), null);
    }

    private static CoordinatorRecord groupTombstone(String groupId) {
        return new CoordinatorRecord(OffsetsTopicFormat.groupKey(groupId), null);
    }
}
