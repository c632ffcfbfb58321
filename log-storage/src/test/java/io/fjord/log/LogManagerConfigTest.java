package io.fjord.log;

import io.fjord.log.compaction.CleanerConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LogManagerConfigTest {

    @Test
    void defaultsAreKafkas() {
        assertEquals(new LogManagerConfig(List.of(Path.of("/tmp/kafka-logs")), 2, 300_000, Long.MAX_VALUE, 60_000, 60_000, 30_000, 60_000,
                CleanerConfig.DEFAULT, 86_400_000, 600_000),
                LogManagerConfig.fromBrokerProperties(Map.of()));
    }

    @Test
    void brokerKeysSetEverySetting() {
        LogManagerConfig config = LogManagerConfig.fromBrokerProperties(Map.ofEntries(
                Map.entry("log.dirs", "/data/a, /data/b,,"), Map.entry("log.dir", "/ignored"),
                Map.entry("num.recovery.threads.per.data.dir", "4"), Map.entry("log.retention.check.interval.ms", "1000"),
                Map.entry("log.flush.scheduler.interval.ms", "2000"), Map.entry("log.flush.offset.checkpoint.interval.ms", "3000"),
                Map.entry("log.flush.start.offset.checkpoint.interval.ms", "4000"), Map.entry("log.initial.task.delay.ms", "0"),
                Map.entry("log.segment.delete.delay.ms", "5000"), Map.entry("log.cleaner.threads", "2"),
                Map.entry("producer.id.expiration.ms", "6000"), Map.entry("producer.id.expiration.check.interval.ms", "7000")));

        assertEquals(new LogManagerConfig(List.of(Path.of("/data/a"), Path.of("/data/b")), 4, 1000, 2000, 3000, 4000, 0, 5000,
                CleanerConfig.of(Map.of("log.cleaner.threads", "2")), 6000, 7000), config);
    }

    @Test
    void logDirIsUsedWithoutLogDirsAndPathsAreMadeAbsolute() {
        assertEquals(List.of(Path.of("data").toAbsolutePath()), LogManagerConfig.fromBrokerProperties(Map.of("log.dir", "./data")).logDirs());
    }

    @Test
    void aDirectoryListedTwiceIsRejected() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> LogManagerConfig.fromBrokerProperties(Map.of("log.dirs", "/data/a,/data/../data/a")));
        assertEquals("log.dirs", e.key());
        assertThrows(ConfigException.class, () -> LogManagerConfig.fromBrokerProperties(Map.of("log.dirs", " , ")));
    }

    @Test
    void invalidNumbersNameTheirKey() {
        for (Map.Entry<String, String> invalid : List.of(Map.entry("num.recovery.threads.per.data.dir", "0"),
                Map.entry("log.retention.check.interval.ms", "ten"), Map.entry("log.segment.delete.delay.ms", "-1"),
                Map.entry("producer.id.expiration.ms", "0"), Map.entry("producer.id.expiration.check.interval.ms", "2147483648"),
                Map.entry("log.cleaner.threads", "0"))) {
            ConfigException e = assertThrows(ConfigException.class, () -> LogManagerConfig.fromBrokerProperties(Map.ofEntries(invalid)));
            assertEquals(invalid.getKey(), e.key());
        }
    }
}
