package io.fjord.coordinator;

import io.fjord.protocol.ErrorCode;

/** What a SyncGroup call answers: the member's own assignment from the leader, or an error. Immutable. */
public record SyncResult(ErrorCode error, String protocolType, String protocolName, byte[] assignment) {
    static SyncResult error(ErrorCode error) {
        return new SyncResult(error, null, null, new byte[0]);
    }
}
