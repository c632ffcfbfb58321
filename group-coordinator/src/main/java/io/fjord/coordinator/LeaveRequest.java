package io.fjord.coordinator;

import java.util.List;

/** A LeaveGroup call: one member (v0-2) or a batch (v3+), static members named by instance id. Immutable. */
public record LeaveRequest(String groupId, List<Member> members) {
    /** {@code memberId} may be empty when a static member leaves by {@code groupInstanceId} alone. */
    public record Member(String memberId, String groupInstanceId) {
        public Member {
            memberId = memberId == null ? "" : memberId;
        }
    }

    public LeaveRequest {
        members = List.copyOf(members);
    }
}
