package io.fjord.broker.api;

import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.FindCoordinatorRequest;
import io.fjord.protocol.message.FindCoordinatorResponse;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** FindCoordinator's error answers carry the default message of Kafka's exception for the code (kafka-clients). */
class FindCoordinatorHandlerTest {
    @Test
    void errorAnswersCarryKafkasDefaultExceptionMessages() {
        for (ErrorCode error : List.of(ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.NOT_COORDINATOR,
                ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, ErrorCode.INVALID_REQUEST, ErrorCode.UNKNOWN_SERVER_ERROR,
                ErrorCode.UNSUPPORTED_VERSION, ErrorCode.GROUP_AUTHORIZATION_FAILED)) {
            String kafka = Errors.forCode(error.code()).message();
            FindCoordinatorResponse response = new FindCoordinatorHandler(null, null).errorResponse(
                    new FindCoordinatorRequest().setKey("g").setCoordinatorKeys(List.of("g")), error);

            assertEquals(kafka, response.errorMessage(), error.name());
            assertEquals(kafka, response.coordinators().get(0).errorMessage(), error.name());
        }
    }
}
