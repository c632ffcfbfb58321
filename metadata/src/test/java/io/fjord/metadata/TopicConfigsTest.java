package io.fjord.metadata;

import io.fjord.log.LogConfig;
import io.fjord.protocol.ApiException;
import io.fjord.protocol.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopicConfigsTest {

    private static ErrorCode errorOf(Map<String, String> configs) {
        return assertThrows(ApiException.class, () -> TopicConfigs.validate(configs)).errorCode();
    }

    @Test
    void everyLogSettingIsATopicConfigWithTheLogLayersDefault() {
        LogConfig.BROKER_KEYS.keySet().forEach(key -> {
            assertTrue(TopicConfigs.NAMES.contains(key), key);
            assertEquals(LogConfig.defaultValues().get(key), TopicConfigs.DEFINITIONS.get(key).defaultValue(), key);
        });
        assertEquals(33, TopicConfigs.NAMES.size());
    }

    @Test
    void valuesOfTheWrongTypeOrOutOfRangeAreInvalidConfig() {
        assertEquals(ErrorCode.INVALID_CONFIG, errorOf(Map.of("preallocate", "maybe")));
        assertEquals(ErrorCode.INVALID_CONFIG, errorOf(Map.of("compression.gzip.level", "high")));
        assertEquals(ErrorCode.INVALID_CONFIG, errorOf(Map.of("compression.type", "brotli")));
        assertEquals(ErrorCode.INVALID_CONFIG, errorOf(Map.of("min.insync.replicas", "0")));
        assertEquals(ErrorCode.INVALID_CONFIG, errorOf(Map.of("local.retention.ms", "-3")));
        assertEquals(ErrorCode.INVALID_CONFIG, errorOf(Map.of("segment.bytes", "1e6")));
        assertEquals(ErrorCode.INVALID_CONFIG, errorOf(Map.of("segment.bytes", "1048575")));
        assertEquals(ErrorCode.INVALID_CONFIG, errorOf(Map.of("no.such.config", "1")));
    }

    @Test
    void wellFormedValuesPass() {
        TopicConfigs.validate(Map.of("preallocate", "TRUE", "compression.type", "zstd", "min.insync.replicas", "2",
                "local.retention.ms", "-2", "cleanup.policy", "compact,delete", "min.cleanable.dirty.ratio", "0.1"));
    }
}
