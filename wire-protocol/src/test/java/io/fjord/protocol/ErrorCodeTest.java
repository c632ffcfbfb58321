package io.fjord.protocol;

import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

class ErrorCodeTest {

    @Test
    void everyKafkaErrorHasTheSameNumberNameAndRetriability() {
        for (Errors kafka : Errors.values()) {
            ErrorCode ours = ErrorCode.forCode(kafka.code());
            assertEquals(kafka.name(), ours.name(), "code " + kafka.code());
            assertEquals(kafka.exception() instanceof RetriableException, ours.isRetriable(), kafka.name());
        }
        assertEquals(Errors.values().length, ErrorCode.values().length);
    }

    @Test
    void unknownNumbersMapToUnknownServerError() {
        assertEquals(ErrorCode.UNKNOWN_SERVER_ERROR, ErrorCode.forCode((short) 32000));
    }

    @Test
    void everyKafkaApiKeyHasTheSameIdAndName() {
        for (ApiKeys kafka : ApiKeys.values()) {
            ApiKey ours = ApiKey.forId(kafka.id);
            assertNotNull(ours, kafka.name);
            assertEquals(kafka.name, ours.protocolName());
            assertEquals(kafka.name(), ours.name());
        }
        assertEquals(ApiKeys.values().length, ApiKey.values().length);
    }
}
