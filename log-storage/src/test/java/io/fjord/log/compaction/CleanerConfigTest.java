package io.fjord.log.compaction;

import io.fjord.log.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CleanerConfigTest {
    @Test
    void kafkasDefaultsApplyWhenNothingIsSet() {
        assertEquals(new CleanerConfig(1, 134_217_728L, 0.9, 524_288, 15_000, true), CleanerConfig.of(Map.of()));
    }

    @Test
    void brokerPropertiesOverrideTheDefaults() {
        // when
        CleanerConfig config = CleanerConfig.of(Map.of("log.cleaner.threads", "4", "log.cleaner.dedupe.buffer.size", "1048576",
                "log.cleaner.io.buffer.load.factor", "0.5", "log.cleaner.io.buffer.size", "8192", "log.cleaner.backoff.ms", "100",
                "log.cleaner.enable", "false"));

        // then
        assertEquals(new CleanerConfig(4, 1_048_576, 0.5, 8192, 100, false), config);
        assertEquals(262_144, config.dedupeBytesPerThread());
        assertEquals(1024, config.readBytesPerThread());
    }

    @Test
    void anInvalidValueIsRejectedNamingItsKey() {
        assertEquals("log.cleaner.threads", assertThrows(ConfigException.class,
                () -> CleanerConfig.of(Map.of("log.cleaner.threads", "0"))).key());
        assertEquals("log.cleaner.io.buffer.load.factor", assertThrows(ConfigException.class,
                () -> CleanerConfig.of(Map.of("log.cleaner.io.buffer.load.factor", "1.0"))).key());
        assertEquals("log.cleaner.backoff.ms", assertThrows(ConfigException.class,
                () -> CleanerConfig.of(Map.of("log.cleaner.backoff.ms", "soon"))).key());
        assertEquals("log.cleaner.enable", assertThrows(ConfigException.class,
                () -> CleanerConfig.of(Map.of("log.cleaner.enable", "yes"))).key());
    }
}
