package io.fjord.log.compaction;

import io.fjord.log.LogConfig;
import io.fjord.protocol.records.CompressionType;
import io.fjord.protocol.records.CorruptRecordException;
import io.fjord.protocol.records.RecordBatchBuilder;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.fjord.log.compaction.TestBatches.T0;
import static io.fjord.log.compaction.TestBatches.concat;
import static io.fjord.log.compaction.TestBatches.record;
import static io.fjord.log.compaction.TestBatches.viewsOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompactorTest {
    private static final long NOW = T0 + 1_000_000;

    private static ByteBuf log() {
        return concat(List.of(
                new RecordBatchBuilder(CompressionType.NONE).baseOffset(0).append(record(0, "a", "1")).append(record(1, "a", "2")).build(),
                new RecordBatchBuilder(CompressionType.GZIP).baseOffset(2).append(record(2, "a", "3")).append(record(3, "b", "1")).build(),
                new RecordBatchBuilder(CompressionType.NONE).baseOffset(4).append(record(4, "a", "4")).build()));
    }

    @Test
    void roundCompactsBelowItsEndAndCopiesTheRest() {
        // given: a map with room for the first batch's two records, not for the second's
        Compactor compactor = new Compactor(new KeyOffsetMap(24 * 3, 0.9));

        // when
        Compactor.Result result = compactor.clean(log(), new CleaningRound(0, 5, NOW, 1000, 0, Map.of()));

        // then
        assertTrue(result.mapFull());
        assertEquals(2, result.cleanedUpTo());
        assertEquals(List.of(1L, 2L, 3L, 4L), viewsOf(result.cleaned()).stream().map(TestBatches.View::offset).toList());
        assertEquals(5, result.stats().recordsRead());
        assertEquals(4, result.stats().recordsRetained());
    }

    @Test
    void roundOverTheConfiguredLogFollowsItsCompactionSettings() {
        // given: min.compaction.lag.ms keeps the last batch (timestamp T0 + 4) out of the dirty section
        LogConfig config = LogConfig.of(Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", Long.toString(NOW - T0 - 3)), Map.of());
        Compactor compactor = new Compactor(new KeyOffsetMap(1 << 12, KeyOffsetMap.DEFAULT_LOAD_FACTOR));

        // when
        Compactor.Result result = compactor.clean(log(), CleaningRound.of(config, 0, 5, NOW, Map.of()));

        // then
        assertFalse(result.mapFull());
        assertEquals(4, result.cleanedUpTo());
        assertEquals(List.of(2L, 3L, 4L), viewsOf(result.cleaned()).stream().map(TestBatches.View::offset).toList());
    }

    @Test
    void bytesAfterTheLastWholeBatchAreCorruption() {
        // given
        ByteBuf log = log();
        ByteBuf truncated = log.slice(0, log.readableBytes() - 1);

        // when / then
        assertThrows(CorruptRecordException.class, () -> new Compactor(new KeyOffsetMap(1 << 12, 0.9)).clean(truncated, new CleaningRound(0, 5, NOW, 1000, 0, Map.of())));
    }
}
