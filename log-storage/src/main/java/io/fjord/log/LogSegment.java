package io.fjord.log;

import io.fjord.protocol.records.CorruptRecordException;
import io.fjord.protocol.records.Record;
import io.fjord.protocol.records.RecordBatch;
import io.fjord.protocol.records.RecordBatches;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One segment of a partition log: {@code <base offset as 20 digits>.log} holds record batches back to back,
 * byte for byte as appended (offsets already assigned), with its sparse {@link OffsetIndex}
 * ({@code .index}) and {@link TimeIndex} ({@code .timeindex}). Every offset in it lies in
 * [base offset, base offset + 2^31), so index entries store offsets relative to the base. Deletion first
 * renames the three files with a {@code .deleted} suffix; {@link #deleteFiles} removes them later. A segment the
 * cleaner writes carries {@value #CLEANED_SUFFIX}, then {@value #SWAP_SUFFIX}, until it is swapped into its log.
 *
 * <p>Invariants: bytes [0, size) are whole batches with increasing offsets; index entries point at batch
 * starts within them; the in-memory max timestamp is the largest batch max timestamp among them, paired
 * with the last offset of the first batch that reached it. Offsets are located by an index lookup and
 * then a scan of batch headers (43 bytes each), never of whole batches.
 *
 * <p>Thread-safety: one writer at a time (append, truncateTo, recover, the roll and resize calls), which
 * the partition log's lock provides. Reads, lookups and {@link #flush} may run concurrently with it: the
 * size is published after an append's bytes and index entries, so readers never see a partial batch.
 * {@link #flush} and {@link #close} exclude each other, so a flush never touches an unmapped index.
 */
public final class LogSegment implements Closeable {
    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";
    static final String TIME_INDEX_SUFFIX = ".timeindex";
    static final String DELETED_SUFFIX = ".deleted";
    /** The suffix of a segment the cleaner is still writing; such files are deleted when the log opens. */
    public static final String CLEANED_SUFFIX = ".cleaned";
    /** The suffix of a cleaned segment being swapped in; the log completes the swap when it opens. */
    public static final String SWAP_SUFFIX = ".swap";
    private static final long UNKNOWN = Long.MIN_VALUE;

    private final long baseOffset;
    private final FileChannel channel;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final int indexIntervalBytes;
    private final long rollJitterMs;
    private final long createdMs;
    private final boolean indexFilesWereMissing;
    private volatile Path logFile;
    private volatile int size;
    private volatile TimeIndex.Entry maxTimestamp;
    private int bytesSinceLastIndexEntry;
    private long rollingBasedTimestamp = UNKNOWN;
    private boolean closed;

    private LogSegment(long baseOffset, Path logFile, FileChannel channel, OffsetIndex offsetIndex, TimeIndex timeIndex,
                       int indexIntervalBytes, long rollJitterMs, long createdMs, boolean indexFilesWereMissing) throws IOException {
        this.baseOffset = baseOffset;
        this.logFile = logFile;
        this.channel = channel;
        this.offsetIndex = offsetIndex;
        this.timeIndex = timeIndex;
        this.indexIntervalBytes = indexIntervalBytes;
        this.rollJitterMs = rollJitterMs;
        this.createdMs = createdMs;
        this.indexFilesWereMissing = indexFilesWereMissing;
        this.size = (int) Math.min(channel.size(), Integer.MAX_VALUE);
        this.maxTimestamp = timeIndex.lastEntry();
    }

    /**
     * Opens the segment with this base offset in {@code dir}, creating missing files. Nothing is verified:
     * see {@link #indexesLookValid()} and {@link #recover}.
     */
    public static LogSegment open(Path dir, long baseOffset, LogConfig config, long rollJitterMs, Time time,
                                  FileChannelFactory channels) throws IOException {
        return open(dir, baseOffset, "", config, rollJitterMs, time, channels);
    }

    /** As {@link #open(Path, long, LogConfig, long, Time, FileChannelFactory)}, for files named with {@code fileSuffix} appended. */
    static LogSegment open(Path dir, long baseOffset, String fileSuffix, LogConfig config, long rollJitterMs, Time time,
                           FileChannelFactory channels) throws IOException {
        Path logFile = dir.resolve(fileName(baseOffset, LOG_SUFFIX) + fileSuffix);
        Path indexFile = dir.resolve(fileName(baseOffset, INDEX_SUFFIX) + fileSuffix);
        Path timeIndexFile = dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX) + fileSuffix);
        boolean indexFilesWereMissing = !Files.exists(indexFile) || !Files.exists(timeIndexFile);
        FileChannel channel = channels.open(logFile);
        OffsetIndex offsetIndex = null;
        try {
            offsetIndex = new OffsetIndex(indexFile, baseOffset, config.segmentIndexBytes());
            TimeIndex timeIndex = new TimeIndex(timeIndexFile, baseOffset, config.segmentIndexBytes());
            return new LogSegment(baseOffset, logFile, channel, offsetIndex, timeIndex, config.indexIntervalBytes(),
                    rollJitterMs, time.milliseconds(), indexFilesWereMissing);
        } catch (IOException | RuntimeException e) {
            try (channel; OffsetIndex opened = offsetIndex) {
                throw e;
            }
        }
    }

    static String fileName(long baseOffset, String suffix) {
        return String.format("%020d%s", baseOffset, suffix);
    }

    public long baseOffset() {
        return baseOffset;
    }

    public int size() {
        return size;
    }

    /** The largest batch max timestamp in the segment, -1 when none has one. */
    public long maxTimestamp() {
        return maxTimestamp.timestamp();
    }

    public Path logFile() {
        return logFile;
    }

    public OffsetIndex offsetIndex() {
        return offsetIndex;
    }

    public TimeIndex timeIndex() {
        return timeIndex;
    }

    FileChannel channel() {
        return channel;
    }

    /** Cheap checks of the index files as opened (see the indexes' {@code looksValid}); false means recover the segment. */
    public boolean indexesLookValid() {
        return !(indexFilesWereMissing && size > 0) && offsetIndex.looksValid(size) && timeIndex.looksValid();
    }

    /**
     * Writes {@code batches}' readable bytes unchanged at the end of the file and indexes them. The caller
     * has validated them and assigned offsets that increase from the segment's end and fit its range. A
     * failed write is cut off the file again before the exception propagates, so no partial batch remains.
     */
    public void append(ByteBuf batches) throws IOException {
        int position = size;
        if ((long) position + batches.readableBytes() > Integer.MAX_VALUE) {
            throw new IllegalStateException("segment " + logFile + " cannot grow beyond 2 GiB");
        }
        write(batches, position);
        for (RecordBatch batch : new RecordBatches(batches)) {
            index(batch.lastOffset(), batch.maxTimestamp(), position, batch.sizeInBytes());
            position += batch.sizeInBytes();
        }
        size = position;
    }

    private void write(ByteBuf batches, int position) throws IOException {
        long at = position;
        try {
            for (ByteBuffer part : batches.nioBuffers()) {
                while (part.hasRemaining()) {
                    at += channel.write(part, at);
                }
            }
        } catch (IOException e) {
            try {
                channel.truncate(position);
            } catch (IOException truncateFailure) {
                e.addSuppressed(truncateFailure);
            }
            throw e;
        }
    }

    private void index(long lastOffset, long batchMaxTimestamp, int position, int batchSize) {
        if (position == 0) {
            rollingBasedTimestamp = batchMaxTimestamp;
        }
        if (batchMaxTimestamp > maxTimestamp.timestamp()) {
            maxTimestamp = new TimeIndex.Entry(batchMaxTimestamp, lastOffset);
        }
        if (bytesSinceLastIndexEntry > indexIntervalBytes) {
            if (!offsetIndex.isFull()) {
                offsetIndex.append(lastOffset, position);
            }
            timeIndex.maybeAppend(maxTimestamp.timestamp(), maxTimestamp.offset());
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += batchSize;
    }

    /**
     * The bytes from the batch holding {@code startOffset} (or the first after it): at most {@code maxBytes}
     * and never past {@code maxPosition}, except that with {@code minOneBatch} the first batch is whole
     * even if larger than {@code maxBytes}; without it, a first batch larger than {@code maxBytes} gives an
     * empty slice. Null when no batch in the segment reaches {@code startOffset}.
     */
    public FileSlice read(long startOffset, int maxBytes, int maxPosition, boolean minOneBatch) throws IOException {
        BatchHeader first = translateOffset(startOffset, size);
        if (first == null) {
            return null;
        }
        if (first.position() >= maxPosition) {
            return new FileSlice(channel, first.position(), 0, startOffset);
        }
        int length = minOneBatch ? Math.max(maxBytes, first.size()) : first.size() > maxBytes ? 0 : maxBytes;
        return length == 0 ? new FileSlice(channel, first.position(), 0, startOffset)
                : new FileSlice(channel, first.position(), Math.min(length, maxPosition - first.position()), first.baseOffset());
    }

    FileSlice emptySlice(long offset) {
        return new FileSlice(channel, 0, 0, offset);
    }

    /**
     * A heap copy of whole batches from {@code position}, a batch boundary: as many as fit in {@code maxBytes}, but at
     * least the first however large it is; empty at the end of the segment. The cleaner reads inactive segments so.
     */
    public ByteBuf readBatches(int position, int maxBytes) throws IOException {
        int limit = size;
        BatchHeader first = BatchHeader.read(channel, position, limit, ByteBuffer.allocate(BatchHeader.BYTES));
        if (first == null) {
            return Unpooled.EMPTY_BUFFER;
        }
        ByteBuffer bytes = ByteBuffer.allocate(Math.max(first.size(), Math.min(maxBytes, limit - position)));
        if (!readFully(channel, bytes, position)) {
            throw new IOException("segment " + logFile + " ends before its size " + limit);
        }
        ByteBuf batches = Unpooled.wrappedBuffer(bytes.flip());
        int whole = first.size();
        while (whole + RecordBatch.HEADER_SIZE <= batches.writerIndex()) {
            int next = RecordBatch.LOG_OVERHEAD + batches.getInt(whole + RecordBatch.BATCH_LENGTH_OFFSET);
            if (next < RecordBatch.HEADER_SIZE || next > batches.writerIndex() - whole) {
                break;
            }
            whole += next;
        }
        return batches.writerIndex(whole);
    }

    /** The max timestamp of the first batch, -1 when the segment is empty or the batch has none (max.compaction.lag.ms counts from it). */
    public long firstBatchMaxTimestamp() throws IOException {
        BatchHeader first = new HeaderCursor(0, size).next();
        return first == null ? -1 : first.maxTimestamp();
    }

    /** The header of the first batch whose last offset is at or after {@code offset}, or null. */
    private BatchHeader translateOffset(long offset) throws IOException {
        return translateOffset(offset, size);
    }

    /** The position of the first batch whose last offset is at or after {@code offset}, else the size. */
    int positionOf(long offset) throws IOException {
        int limit = size;
        BatchHeader header = translateOffset(offset, limit);
        return header == null ? limit : header.position();
    }

    private BatchHeader translateOffset(long offset, int limit) throws IOException {
        HeaderCursor cursor = new HeaderCursor(offsetIndex.lookup(offset).position(), limit);
        for (BatchHeader header = cursor.next(); header != null; header = cursor.next()) {
            if (header.lastOffset() >= offset) {
                return header;
            }
        }
        return null;
    }

    /**
     * The first record at or after {@code startingOffset} whose timestamp is at or after {@code timestamp}:
     * the time index gives where to start, headers find the first batch whose max timestamp reaches it and
     * only that batch's records are read.
     */
    public Optional<TimestampAndOffset> findOffsetByTimestamp(long timestamp, long startingOffset) throws IOException {
        if (maxTimestamp.timestamp() < timestamp) {
            return Optional.empty();
        }
        long from = Math.max(timeIndex.lookup(timestamp).offset(), startingOffset);
        HeaderCursor cursor = new HeaderCursor(offsetIndex.lookup(from).position(), size);
        for (BatchHeader header = cursor.next(); header != null; header = cursor.next()) {
            if (header.lastOffset() >= startingOffset && header.maxTimestamp() >= timestamp) {
                Optional<TimestampAndOffset> found = firstRecord(header, timestamp, startingOffset);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The first record with the largest timestamp among records at or after {@code fromOffset}. From the
     * segment's start this uses the tracked max timestamp; from within the segment it scans headers.
     */
    public Optional<TimestampAndOffset> maxTimestampRecord(long fromOffset) throws IOException {
        int limit = size;
        BatchHeader best = null;
        long bestTimestamp = -1;
        if (fromOffset <= baseOffset) {
            TimeIndex.Entry max = maxTimestamp;
            bestTimestamp = max.timestamp();
            best = bestTimestamp < 0 ? null : translateOffset(max.offset(), limit);
        } else {
            HeaderCursor cursor = new HeaderCursor(offsetIndex.lookup(fromOffset).position(), limit);
            for (BatchHeader header = cursor.next(); header != null; header = cursor.next()) {
                if (header.lastOffset() < fromOffset) {
                    continue;
                }
                long timestamp = header.baseOffset() >= fromOffset ? header.maxTimestamp()
                        : maxRecordTimestamp(header, fromOffset);
                if (timestamp > bestTimestamp) {
                    best = header;
                    bestTimestamp = timestamp;
                }
            }
        }
        return best == null ? Optional.empty() : firstRecord(best, bestTimestamp, fromOffset);
    }

    private Optional<TimestampAndOffset> firstRecord(BatchHeader header, long minTimestamp, long minOffset) throws IOException {
        RecordBatch batch = readBatch(header);
        for (Record record : batch) {
            if (record.timestamp() >= minTimestamp && record.offset() >= minOffset) {
                return Optional.of(new TimestampAndOffset(record.timestamp(), record.offset(), batch.partitionLeaderEpoch()));
            }
        }
        return Optional.empty();
    }

    private long maxRecordTimestamp(BatchHeader header, long minOffset) throws IOException {
        long max = -1;
        for (Record record : readBatch(header)) {
            if (record.offset() >= minOffset) {
                max = Math.max(max, record.timestamp());
            }
        }
        return max;
    }

    private RecordBatch readBatch(BatchHeader header) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(header.size());
        if (!readFully(channel, bytes, header.position())) {
            throw new IOException("segment " + logFile + " ends inside the batch at " + header.position());
        }
        return RecordBatch.wrap(Unpooled.wrappedBuffer(bytes.flip()));
    }

    /** The offset after the last batch, or the base offset when the segment is empty. */
    public long readNextOffset() throws IOException {
        long next = baseOffset;
        HeaderCursor cursor = new HeaderCursor(offsetIndex.lastEntry().position(), size);
        for (BatchHeader header = cursor.next(); header != null; header = cursor.next()) {
            next = header.lastOffset() + 1;
        }
        return next;
    }

    /**
     * Re-verifies the whole file as after an unclean shutdown: from the start, each batch must be whole,
     * magic 2, CRC-valid, with offsets above the previous batch's and within the segment's range. Both
     * indexes are rebuilt; the file is cut at the first byte that fails. {@code onValidBatch} sees every
     * valid batch in order (a view valid only during the call).
     *
     * @return the number of bytes cut off
     */
    public long recover(Consumer<RecordBatch> onValidBatch) throws IOException {
        offsetIndex.reset();
        timeIndex.reset();
        maxTimestamp = new TimeIndex.Entry(-1, baseOffset);
        bytesSinceLastIndexEntry = 0;
        rollingBasedTimestamp = UNKNOWN;
        long fileSize = channel.size();
        MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(fileSize, Integer.MAX_VALUE));
        int valid = 0;
        try {
            ByteBuf bytes = Unpooled.wrappedBuffer(mapped);
            long nextOffset = baseOffset;
            for (RecordBatch batch = validBatchAt(bytes, valid, nextOffset); batch != null; batch = validBatchAt(bytes, valid, nextOffset)) {
                index(batch.lastOffset(), batch.maxTimestamp(), valid, batch.sizeInBytes());
                onValidBatch.accept(batch);
                valid += batch.sizeInBytes();
                nextOffset = batch.nextOffset();
            }
        } finally {
            MemoryMaps.unmap(mapped);
        }
        size = valid;
        if (fileSize > valid) {
            channel.truncate(valid);
        }
        return fileSize - valid;
    }

    private RecordBatch validBatchAt(ByteBuf bytes, int position, long nextOffset) {
        int remaining = bytes.writerIndex() - position;
        if (remaining < RecordBatch.HEADER_SIZE) {
            return null;
        }
        long batchSize = RecordBatch.LOG_OVERHEAD + (long) bytes.getInt(position + RecordBatch.BATCH_LENGTH_OFFSET);
        if (batchSize < RecordBatch.HEADER_SIZE || batchSize > remaining) {
            return null;
        }
        try {
            RecordBatch batch = RecordBatch.wrap(bytes.slice(position, (int) batchSize));
            batch.ensureValid();
            boolean offsetsFit = batch.baseOffset() >= nextOffset && batch.lastOffsetDelta() >= 0
                    && batch.lastOffset() - baseOffset <= Integer.MAX_VALUE;
            return offsetsFit ? batch : null;
        } catch (CorruptRecordException e) {
            return null;
        }
    }

    /**
     * Removes the batch holding {@code offset} (or the first after it) and everything after, with their
     * index entries, and gives the indexes room again, as this segment becomes the active one.
     *
     * @return the number of bytes removed
     */
    public int truncateTo(long offset) throws IOException {
        BatchHeader cut = translateOffset(offset);
        offsetIndex.truncateTo(offset);
        timeIndex.truncateTo(offset);
        resizeIndexesToMax();
        if (cut == null) {
            return 0;
        }
        int removed = size - cut.position();
        size = cut.position();
        channel.truncate(cut.position());
        bytesSinceLastIndexEntry = 0;
        if (size == 0) {
            rollingBasedTimestamp = UNKNOWN;
        }
        maxTimestamp = maxTimestampFromLastTimeIndexEntry();
        return removed;
    }

    /** Batches before the last time index entry's batch stay below its timestamp, so the scan starts there. */
    private TimeIndex.Entry maxTimestampFromLastTimeIndexEntry() throws IOException {
        TimeIndex.Entry max = timeIndex.lastEntry();
        BatchHeader start = timeIndex.entries() == 0 ? null : translateOffset(max.offset());
        HeaderCursor cursor = new HeaderCursor(start == null ? 0 : start.position(), size);
        for (BatchHeader header = cursor.next(); header != null; header = cursor.next()) {
            if (header.maxTimestamp() > max.timestamp()) {
                max = new TimeIndex.Entry(header.maxTimestamp(), header.lastOffset());
            }
        }
        return max;
    }

    /**
     * Whether an append of {@code appendBytes} whose largest timestamp and offset are given must go to a
     * new segment: this one is non-empty and would pass segment.bytes, is older than segment.ms minus its
     * jitter (by the first batch's timestamp, or by wall clock when that has none), or has a full index;
     * or the last offset would not fit the index's relative offsets.
     */
    public boolean shouldRoll(LogConfig config, int appendBytes, long appendMaxTimestamp, long appendLastOffset, long nowMs) throws IOException {
        if (appendLastOffset - baseOffset > Integer.MAX_VALUE) {
            return true;
        }
        if (size == 0) {
            return false;
        }
        return size > (long) config.segmentBytes() - appendBytes || offsetIndex.isFull() || timeIndex.isFull()
                || timeWaitedForRoll(nowMs, appendMaxTimestamp) > config.segmentMs() - rollJitterMs;
    }

    private long timeWaitedForRoll(long nowMs, long appendMaxTimestamp) throws IOException {
        if (rollingBasedTimestamp == UNKNOWN) {
            BatchHeader first = new HeaderCursor(0, size).next();
            rollingBasedTimestamp = first == null ? -1 : first.maxTimestamp();
        }
        return rollingBasedTimestamp >= 0 ? appendMaxTimestamp - rollingBasedTimestamp : nowMs - createdMs;
    }

    /** Adds the final time index entry (the segment's max timestamp) and trims both indexes to their entries. */
    public void onBecomeInactive() throws IOException {
        TimeIndex.Entry max = maxTimestamp;
        timeIndex.appendFinal(max.timestamp(), max.offset());
        offsetIndex.trimToValidSize();
        timeIndex.trimToValidSize();
    }

    public void resizeIndexesToMax() throws IOException {
        offsetIndex.resizeToMax();
        timeIndex.resizeToMax();
    }

    /** Forces the log and both indexes to disk; does nothing once closed. */
    public synchronized void flush() throws IOException {
        if (!closed) {
            channel.force(true);
            offsetIndex.flush();
            timeIndex.flush();
        }
    }

    /**
     * Renames the three files with the {@code .deleted} suffix, replacing those of an older deleted segment
     * with the same base offset; the open channel and mappings stay usable.
     */
    public void renameToDeleted() throws IOException {
        Path file = logFile;
        if (file.toString().endsWith(DELETED_SUFFIX)) {
            return;
        }
        logFile = Files.move(file, deletedName(file), StandardCopyOption.REPLACE_EXISTING);
        offsetIndex.renameTo(deletedName(offsetIndex.file()));
        timeIndex.renameTo(deletedName(timeIndex.file()));
    }

    /** Renames the three files from names ending in {@code from} to names ending in {@code to} instead (either may be ""). */
    public void changeFileSuffix(String from, String to) throws IOException {
        logFile = Files.move(logFile, replaceSuffix(logFile, from, to), StandardCopyOption.REPLACE_EXISTING);
        offsetIndex.renameTo(replaceSuffix(offsetIndex.file(), from, to));
        timeIndex.renameTo(replaceSuffix(timeIndex.file(), from, to));
    }

    private static Path replaceSuffix(Path file, String from, String to) {
        String name = file.getFileName().toString();
        if (!name.endsWith(from)) {
            throw new IllegalStateException(file + " does not end in '" + from + "'");
        }
        return file.resolveSibling(name.substring(0, name.length() - from.length()) + to);
    }

    private static Path deletedName(Path file) {
        return file.resolveSibling(file.getFileName() + DELETED_SUFFIX);
    }

    /** Closes the segment without trimming anything and deletes its files, under whatever names they have now. */
    public synchronized void deleteFiles() throws IOException {
        closed = true;
        channel.close();
        offsetIndex.closeAndDelete();
        timeIndex.closeAndDelete();
        Files.deleteIfExists(logFile);
    }

    /**
     * Closes the .log file without writing anything; the index mappings are left to the garbage collector, so
     * lookups still in flight stay safe. Later calls of {@link #flush} and {@link #close} do nothing.
     */
    public synchronized void closeWithoutWriting() throws IOException {
        closed = true;
        channel.close();
    }

    /**
     * Adds the final time index entry, trims the indexes, unmaps them and closes the log, first cutting off
     * any bytes beyond the size (left by a failed write whose cleanup failed too); later calls do nothing.
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (channel; offsetIndex; timeIndex) {
            TimeIndex.Entry max = maxTimestamp;
            timeIndex.appendFinal(max.timestamp(), max.offset());
            if (channel.size() > size) {
                channel.truncate(size);
            }
        }
    }

    /** Fills {@code buffer} from the file at {@code position}; false if the file ends first. */
    static boolean readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "LogSegment(" + logFile + ", size=" + size + ")";
    }

    /** Reads batch headers one after another from a position up to a size snapshot. */
    private final class HeaderCursor {
        private final ByteBuffer scratch = ByteBuffer.allocate(BatchHeader.BYTES);
        private final int limit;
        private int position;

        HeaderCursor(int from, int limit) {
            this.position = from;
            this.limit = limit;
        }

        BatchHeader next() throws IOException {
            BatchHeader header = BatchHeader.read(channel, position, limit, scratch);
            if (header != null) {
                position = header.end();
            }
            return header;
        }
    }
}
