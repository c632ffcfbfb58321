package io.fjord.coordinator;

import java.util.List;

/**
 * A JoinGroup call, independent of the wire version: the handler fills {@code requireKnownMemberId} for
 * JoinGroup v4+ (two-step join) and {@code rebalanceTimeoutMs} with the session timeout for v0. Immutable.
 */
public record JoinRequest(String groupId, String memberId, String groupInstanceId, String clientId, String clientHost,
                               int sessionTimeoutMs, int rebalanceTimeoutMs, String protocolType, List<Protocol> protocols,
                               boolean requireKnownMemberId, boolean supportsSkipAssignment) {
    public JoinRequest {
        protocols = List.copyOf(protocols);
        memberId = memberId == null ? "" : memberId;
    }
}
