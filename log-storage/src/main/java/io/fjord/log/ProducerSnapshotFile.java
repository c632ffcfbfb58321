package io.fjord.log;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The files holding {@link ProducerStateManager} snapshots: {@code <20-digit offset>.snapshot} in the partition
 * directory holds every producer entry as of that offset, i.e. after applying all batches below it. The format
 * is Fjord's own (Kafka's tools cannot read it), big-endian:
 * <pre>
 * version                int16 = 1
 * crc                    uint32: CRC32C of every byte after this field
 * producerCount          int32
 * producerCount times:
 *   producerId             int64
 *   epoch                  int16
 *   coordinatorEpoch       int32
 *   currentTxnFirstOffset  int64, -1 when no transaction is open
 *   lastTimestamp          int64
 *   batchCount             int8, 0 to 5
 *   batchCount times, oldest first:
 *     lastSequence  int32
 *     lastOffset    int64
 *     offsetDelta   int32
 *     maxTimestamp  int64
 * </pre>
 * Files are written atomically ({@link AtomicFiles}). Reading rejects an unknown version, a CRC mismatch, a
 * truncated file or trailing bytes as {@link CorruptSnapshotException}.
 */
final class ProducerSnapshotFile {
    private static final short VERSION = 1;
    private static final int CRC_END = 6;
    private static final Pattern NAME = Pattern.compile("(\\d{20})\\.snapshot");
    private static final int ENTRY_HEADER_SIZE = 8 + 2 + 4 + 8 + 8 + 1;
    private static final int BATCH_SIZE = 4 + 8 + 4 + 8;

    /** A snapshot file whose content is not a valid snapshot. */
    static final class CorruptSnapshotException extends Exception {
        CorruptSnapshotException(String message) {
            super(message);
        }
    }

    private ProducerSnapshotFile() {
    }

    static Path path(Path dir, long offset) {
        return dir.resolve(String.format("%020d.snapshot", offset));
    }

    /** The offset a snapshot file is named after, or empty for any other file name. */
    static OptionalLong offsetOf(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    static void write(Path file, Collection<ProducerEntry> entries, boolean durable) throws IOException {
        int size = CRC_END + 4 + entries.stream().mapToInt(e -> ENTRY_HEADER_SIZE + e.batches().size() * BATCH_SIZE).sum();
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.putShort(VERSION).putInt(0).putInt(entries.size());
        for (ProducerEntry entry : entries) {
            buf.putLong(entry.producerId())
                    .putShort(entry.epoch())
                    .putInt(entry.coordinatorEpoch())
                    .putLong(entry.currentTxnFirstOffset().orElse(-1L))
                    .putLong(entry.lastTimestamp())
                    .put((byte) entry.batches().size());
            for (BatchMetadata batch : entry.batches()) {
                buf.putInt(batch.lastSeq()).putLong(batch.lastOffset()).putInt(batch.offsetDelta()).putLong(batch.maxTimestamp());
            }
        }
        buf.putInt(2, (int) crc(buf.array()));
        AtomicFiles.write(file, buf.array(), durable);
    }

    static List<ProducerEntry> read(Path file) throws IOException, CorruptSnapshotException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        try {
            short version = buf.getShort();
            if (version != VERSION) {
                throw new CorruptSnapshotException("unsupported version " + version);
            }
            long storedCrc = Integer.toUnsignedLong(buf.getInt());
            long computedCrc = crc(bytes);
            if (storedCrc != computedCrc) {
                throw new CorruptSnapshotException("stored CRC " + storedCrc + " does not match the computed " + computedCrc);
            }
            int count = buf.getInt();
            if (count < 0) {
                throw new CorruptSnapshotException("negative producer count " + count);
            }
            List<ProducerEntry> entries = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                entries.add(readEntry(buf));
            }
            if (buf.hasRemaining()) {
                throw new CorruptSnapshotException(buf.remaining() + " bytes after the last producer entry");
            }
            return entries;
        } catch (BufferUnderflowException e) {
            throw new CorruptSnapshotException("file ends inside a field");
        }
    }

    private static ProducerEntry readEntry(ByteBuffer buf) throws CorruptSnapshotException {
        long producerId = buf.getLong();
        short epoch = buf.getShort();
        int coordinatorEpoch = buf.getInt();
        long txnFirstOffset = buf.getLong();
        long lastTimestamp = buf.getLong();
        int batchCount = buf.get();
        if (batchCount < 0 || batchCount > ProducerEntry.BATCHES_RETAINED) {
            throw new CorruptSnapshotException("producer " + producerId + " has " + batchCount + " batches");
        }
        List<BatchMetadata> batches = new ArrayList<>(batchCount);
        for (int i = 0; i < batchCount; i++) {
            batches.add(new BatchMetadata(buf.getInt(), buf.getLong(), buf.getInt(), buf.getLong()));
        }
        return new ProducerEntry(producerId, epoch, batches, coordinatorEpoch,
                txnFirstOffset < 0 ? OptionalLong.empty() : OptionalLong.of(txnFirstOffset), lastTimestamp);
    }

    private static long crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, CRC_END, bytes.length - CRC_END);
        return crc.getValue();
    }
}
