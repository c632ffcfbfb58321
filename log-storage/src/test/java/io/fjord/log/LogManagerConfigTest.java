package io.fjord.log;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LogManagerConfigTest {

    @Test
    void defaultsAreKafkas() {
        assertEquals(new LogManagerConfig(List.of(Path.of("/tmp/kafka-logs")), 2, 300_000, Long.MAX_VALUE, 60_000, 60_000, 30_000, 60_000),
                LogManagerConfig.fromBrokerProperties(Map.of()));
    }

    @Test
    void brokerKeysSetEverySetting() {
        LogManagerConfig config = LogManagerConfig.fromBrokerProperties(Map.of(
                "log.dirs", "/data/a, /data/b,,", "log.dir", "/ignored", "num.recovery.threads.per.data.dir", "4",
                "log.retention.check.interval.ms", "1000", "log.flush.scheduler.interval.ms", "2000",
                "log.flush.offset.checkpoint.interval.ms", "3000", "log.flush.start.offset.checkpoint.interval.ms", "4000",
                "log.initial.task.delay.ms", "0", "log.segment.delete.delay.ms", "5000"));

        assertEquals(new LogManagerConfig(List.of(Path.of("/data/a"), Path.of("/data/b")), 4, 1000, 2000, 3000, 4000, 0, 5000), config);
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
                Map.entry("log.retention.check.interval.ms", "ten"), Map.entry("log.segment.delete.delay.ms", "-1"))) {
            ConfigException e = assertThrows(ConfigException.class, () -> LogManagerConfig.fromBrokerProperties(Map.ofEntries(invalid)));
            assertEquals(invalid.getKey(), e.key());
        }
    }
}
