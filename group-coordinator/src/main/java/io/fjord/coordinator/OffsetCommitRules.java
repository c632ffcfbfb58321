package io.fjord.coordinator;

import io.fjord.protocol.ErrorCode;

/**
 * Who may commit offsets to a classic group, by Kafka's rules (the group-level error of an OffsetCommit). A group
 * that is Dead or being deleted answers COORDINATOR_NOT_AVAILABLE. Stateless; reads the group under the owning
 * {@link GroupCoordinator}'s monitor.
 */
final class OffsetCommitRules {
    private OffsetCommitRules() {
    }

    /**
     * Kafka's classic rules: generation -1 without member id and instance id (or any commit to an unknown group
     * with generation -1) comes from outside the group and is allowed only while it is Empty, else
     * UNKNOWN_MEMBER_ID; otherwise the member must exist (UNKNOWN_MEMBER_ID), hold its instance id
     * (FENCED_INSTANCE_ID) and the current generation (ILLEGAL_GENERATION); CompletingRebalance answers
     * REBALANCE_IN_PROGRESS. An unknown group with a generation answers ILLEGAL_GENERATION (OffsetCommit before v9).
     */
    static ErrorCode validate(ClassicGroup group, CommitRequest request) {
        if (group == null) {
            return request.generationId() < 0 ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION;
        }
        if (group.isDead()) {
            return ErrorCode.COORDINATOR_NOT_AVAILABLE;
        }
        if (request.generationId() < 0 && group.isInState(GroupState.EMPTY)) {
            return ErrorCode.NONE;
        }
        if (request.generationId() >= 0 || !request.memberId().isEmpty() || request.groupInstanceId() != null) {
            if (request.groupInstanceId() != null) {
                String current = group.staticMemberId(request.groupInstanceId());
                if (current == null) {
                    return ErrorCode.UNKNOWN_MEMBER_ID;
                }
                if (!current.equals(request.memberId())) {
                    return ErrorCode.FENCED_INSTANCE_ID;
                }
            } else if (!group.has(request.memberId())) {
                return ErrorCode.UNKNOWN_MEMBER_ID;
            }
            if (request.generationId() != group.generationId()) {
                return ErrorCode.ILLEGAL_GENERATION;
            }
        } else if (!group.isInState(GroupState.EMPTY)) {
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        return group.isInState(GroupState.COMPLETING_REBALANCE) ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
    }
}
