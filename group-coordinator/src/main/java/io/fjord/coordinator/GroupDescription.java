package io.fjord.coordinator;

import io.fjord.protocol.ErrorCode;

import java.util.List;

/**
 * One group as DescribeGroups shows it. An unknown group is described as Dead with no members and error NONE, as
 * Kafka does; {@code error} is set only for coordinator errors. {@code protocolName} is the selected assignor
 * (empty while none is chosen). Immutable.
 */
public record GroupDescription(String groupId, ErrorCode error, String state, String protocolType,
                               String protocolName, List<Member> members) {
    /** {@code metadata} is the member's subscription for the selected protocol, {@code assignment} its assignment. */
    public record Member(String memberId, String groupInstanceId, String clientId, String clientHost, byte[] metadata,
                         byte[] assignment) {
    }

    public GroupDescription {
        members = List.copyOf(members);
    }
}
