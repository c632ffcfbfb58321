package io.fjord.coordinator;

import io.fjord.protocol.ErrorCode;

/** What a SyncGroup call answers: the member's own assignment from the leader, or an error. Immutable. */
public record SyncGroupResult(ErrorCode error, String protocolType, String protocolName, byte[] assignment) {
    static SyncGroupResult error(ErrorCode error) {
        return new SyncGroupResult(error, null, null, new byte[0]);
    }
}
