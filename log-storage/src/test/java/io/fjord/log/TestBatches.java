package io.fjord.log;

import io.fjord.protocol.records.CompressionType;
import io.fjord.protocol.records.Record;
import io.fjord.protocol.records.RecordBatch;
import io.fjord.protocol.records.RecordBatchBuilder;
import io.fjord.protocol.records.RecordBatches;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Batches, configs and directories for log tests. */
final class TestBatches {
    static final long T0 = 1_700_000_000_000L;

    private TestBatches() {
    }

    /** An uncompressed batch at {@code baseOffset} with one record per timestamp, each value {@code valueSize} bytes. */
    static ByteBuf batch(long baseOffset, int valueSize, long... timestamps) {
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE).baseOffset(baseOffset);
        for (long timestamp : timestamps) {
            builder.append(timestamp, null, Unpooled.wrappedBuffer(new byte[valueSize]), List.of());
        }
        return builder.build();
    }

    static ByteBuf batch(long baseOffset, long... timestamps) {
        return batch(baseOffset, 10, timestamps);
    }

    /** A batch with records at exactly these offsets and timestamps. */
    static ByteBuf batchAt(CompressionType codec, long baseOffset, long[] offsets, long[] timestamps, int valueSize) {
        RecordBatchBuilder builder = new RecordBatchBuilder(codec).baseOffset(baseOffset);
        for (int i = 0; i < offsets.length; i++) {
            byte[] value = new byte[valueSize];
            java.util.Arrays.fill(value, (byte) (offsets[i] * 31 + i));
            builder.append(new Record(offsets[i], timestamps[i], null, Unpooled.wrappedBuffer(value), List.of()));
        }
        return builder.build();
    }

    static ByteBuf concat(ByteBuf... batches) {
        return Unpooled.wrappedBuffer(batches);
    }

    /** Complete batches in {@code bytes}, as byte arrays; a cut trailing batch is left out. */
    static List<byte[]> wholeBatches(ByteBuf bytes) {
        List<byte[]> result = new ArrayList<>();
        for (RecordBatch batch : new RecordBatches(bytes)) {
            result.add(ByteBufUtil.getBytes(batch.buffer()));
        }
        return result;
    }

    static byte[] bytes(ByteBuf buf) {
        return ByteBufUtil.getBytes(buf);
    }

    static LogConfig config(String... keyValues) {
        java.util.Map<String, String> overrides = new java.util.HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            overrides.put(keyValues[i], keyValues[i + 1]);
        }
        return LogConfig.of(overrides, java.util.Map.of());
    }

    static Path tempDir() {
        try {
            return Files.createTempDirectory("fjord-log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void copyDirectory(Path from, Path to) {
        try (Stream<Path> files = Files.list(from)) {
            Files.createDirectories(to);
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
