package io.fjord.broker.network;

import io.fjord.protocol.ApiMessage;

/**
 * A response ready for the {@link ResponseEncoder}: the body, the version it is written at and the
 * correlation id of its request. Immutable (the body is not modified once it is here).
 */
public record Response(short apiKey, short version, int correlationId, ApiMessage body) {
}
