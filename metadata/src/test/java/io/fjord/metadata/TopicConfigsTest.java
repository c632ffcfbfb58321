package io.fjord.metadata;

import io.fjord.protocol.ApiException;
import io.fjord.protocol.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TopicConfigsTest {

    private static ErrorCode error(Map<String, String> configs) {
        return assertThrows(ApiException.class, () -> TopicConfigs.validate(configs)).errorCode();
    }

    @Test
    void kafkaTopicConfigsWithValidValuesPass() {
        assertDoesNotThrow(() -> TopicConfigs.validate(Map.of("cleanup.policy", "compact,delete",
                "retention.ms", "-1", "min.insync.replicas", "2", "compression.type", "zstd")));
    }

    @Test
    void unknownKeysBadValuesAndNullsAreInvalidConfig() {
        assertEquals(ErrorCode.INVALID_CONFIG, error(Map.of("log.retention.ms", "1")));
        assertEquals(ErrorCode.INVALID_CONFIG, error(Map.of("retention.ms", "x")));
        assertEquals(ErrorCode.INVALID_CONFIG, error(Map.of("cleanup.policy", "shred")));
        assertEquals(ErrorCode.INVALID_CONFIG, error(Map.of("min.insync.replicas", "0")));
        Map<String, String> nulls = new HashMap<>();
        nulls.put("retention.ms", null);
        assertEquals(ErrorCode.INVALID_CONFIG, error(nulls));
    }

    @Test
    void mergeAppliesSetsAndDeletes() {
        Map<String, String> changes = new HashMap<>();
        changes.put("a", null);
        changes.put("b", "2");
        assertEquals(Map.of("b", "2", "c", "3"), TopicConfigs.merge(Map.of("a", "1", "c", "3"), changes));
    }
}
