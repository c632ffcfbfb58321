package io.fjord.coordinator;

import io.fjord.protocol.ErrorCode;

import java.util.List;

/** What a LeaveGroup call answers: a group-level error and one error per member asked to leave. Immutable. */
public record LeaveResult(ErrorCode error, List<MemberResult> members) {
    public record MemberResult(String memberId, String groupInstanceId, ErrorCode error) {
    }

    public LeaveResult {
        members = List.copyOf(members);
    }
}
