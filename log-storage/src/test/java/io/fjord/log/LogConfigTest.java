package io.fjord.log;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogConfigTest {

    @Test
    void defaultsAreKafkas() {
        LogConfig c = LogConfig.defaultConfig();
        assertEquals(1 << 30, c.segmentBytes());
        assertEquals(7 * 24 * 3_600_000L, c.segmentMs());
        assertEquals(10 * 1024 * 1024, c.segmentIndexBytes());
        assertEquals(4096, c.indexIntervalBytes());
        assertEquals(Long.MAX_VALUE, c.flushMessages());
        assertEquals(Long.MAX_VALUE, c.flushMs());
        assertEquals(7 * 24 * 3_600_000L, c.retentionMs());
        assertEquals(-1, c.retentionBytes());
        assertEquals(Set.of("delete"), c.cleanupPolicy());
        assertEquals(86_400_000L, c.deleteRetentionMs());
        assertEquals(0.5, c.minCleanableDirtyRatio());
        assertEquals(60_000L, c.fileDeleteDelayMs());
        assertEquals(1_048_588, c.maxMessageBytes());
        assertFalse(c.logAppendTime());
    }

    @Test
    void topicOverridesWinOverBrokerKeysWhichWinOverDefaults() {
        LogConfig c = LogConfig.of(
                Map.of("retention.ms", "1000", "cleanup.policy", "compact,delete"),
                Map.of("log.retention.ms", "2000", "log.segment.bytes", "4096", "log.message.timestamp.type", "LogAppendTime"));
        assertEquals(1000, c.retentionMs());
        assertEquals(4096, c.segmentBytes());
        assertTrue(c.compact() && c.delete());
        assertTrue(c.logAppendTime());
    }

    @Test
    void brokerHoursAndMinutesConvertToMilliseconds() {
        assertEquals(48 * 3_600_000L, LogConfig.of(Map.of(), Map.of("log.retention.hours", "48")).retentionMs());
        assertEquals(90 * 60_000L, LogConfig.of(Map.of(), Map.of("log.retention.hours", "48", "log.retention.minutes", "90")).retentionMs());
        assertEquals(5, LogConfig.of(Map.of(), Map.of("log.retention.minutes", "90", "log.retention.ms", "5")).retentionMs());
        assertEquals(2 * 3_600_000L, LogConfig.of(Map.of(), Map.of("log.roll.hours", "2")).segmentMs());
    }

    @Test
    void invalidValuesNameTheirKey() {
        assertEquals("segment.bytes", assertThrows(ConfigException.class,
                () -> LogConfig.of(Map.of("segment.bytes", "ten"), Map.of())).key());
        assertEquals("cleanup.policy", assertThrows(ConfigException.class,
                () -> LogConfig.of(Map.of("cleanup.policy", "shred"), Map.of())).key());
        assertEquals("min.cleanable.dirty.ratio", assertThrows(ConfigException.class,
                () -> LogConfig.of(Map.of(), Map.of("log.cleaner.min.cleanable.ratio", "2"))).key());
        assertEquals("message.timestamp.type", assertThrows(ConfigException.class,
                () -> LogConfig.of(Map.of("message.timestamp.type", "Now"), Map.of())).key());
    }
}
