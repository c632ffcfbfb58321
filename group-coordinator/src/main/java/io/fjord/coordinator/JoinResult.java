package io.fjord.coordinator;

import io.fjord.protocol.ErrorCode;

import java.util.List;

/**
 * What a JoinGroup call answers: on success the generation, chosen protocol, leader and this member's id; the
 * leader alone also gets every member's metadata ({@code members}), others an empty list. Immutable.
 */
public record JoinResult(ErrorCode error, int generationId, String protocolType, String protocolName,
                              String leaderId, String memberId, List<Member> members, boolean skipAssignment) {
    public record Member(String memberId, String groupInstanceId, byte[] metadata) {
    }

    public JoinResult {
        members = List.copyOf(members);
    }

    static JoinResult error(ErrorCode error, String memberId) {
        return new JoinResult(error, -1, null, null, "", memberId, List.of(), false);
    }
}
