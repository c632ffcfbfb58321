package io.fjord.log;

import io.fjord.protocol.records.CorruptRecordException;
import io.fjord.protocol.records.RecordBatch;
import io.fjord.protocol.records.RecordBatches;
import io.fjord.protocol.records.TimestampType;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The log of one topic-partition: directory {@code <log dir>/<topic>-<partition>/} holding
 * {@link LogSegment}s named by their 20-digit base offsets, kept in a skip-list map by base offset; the
 * last is the active segment, which takes appends. The cleaner swaps rewritten segments in through
 * {@link #replaceSegments}; {@code .cleaned} and {@code .swap} files of a swap a crash interrupted are settled on open.
 * Other files in the directory (checkpoints, snapshots) are left alone, except that the
 * {@link ProducerAndEpochState} the log keeps in step with its batches owns the producer snapshots
 * ({@code <20-digit offset>.snapshot}) and the {@value LeaderEpochCache#FILE_NAME} file.
 *
 * <p>Invariants: first segment base <= log start offset <= log end offset; the log end offset is the
 * offset after the last batch, or the active segment's base when it is empty (segments may be empty,
 * e.g. after a truncation into a gap); segments below the recovery point have been fsynced; producer state and
 * leader epochs describe exactly the batches in the log. A torn or corrupt tail found on
 * open is cut and logged, never served. Every I/O error is reported to the {@link LogDirFailureListener}
 * and surfaces as {@link KafkaStorageException}.
 *
 * <p>Thread-safety: appends, rolls, truncations, deletions, segment swaps and close are serialized by one lock per
 * partition. Reads and lookups take no lock and may run concurrently with them: they see a consistent
 * (log end offset, active segment position) snapshot and never a partial batch. fsync runs outside the
 * lock; so do producer-state and leader-epoch queries. Deleted segments keep their open files for file.delete.delay.ms, so reads already holding a
 * {@link FileSlice} can finish; after {@link #close} no read may be in flight.
 */
public final class PartitionLog implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(PartitionLog.class);
    private static final int REPLAY_READ_BYTES = 1 << 20;
    private static final Pattern SEGMENT_FILE = Pattern.compile("(\\d{20})(\\.log|\\.index|\\.timeindex)");
    private static final Pattern SWAP_OR_CLEANED_FILE = Pattern.compile("(\\d{20})(\\.log|\\.index|\\.timeindex)(\\.swap|\\.cleaned)");

    /**
     * Hooks for state kept beside the log (producer state, leader-epoch cache). All run under the log's
     * lock, in offset order; batch views are valid only during the call.
     */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        /**
         * Before a leader append is given offsets, with its validated batches: throw to reject the whole
         * append (e.g. an out-of-order producer sequence) with nothing written.
         */
        default void beforeLeaderAppend(List<RecordBatch> batches) {
        }

        /** A batch was appended (as leader or follower), with its final offsets and leader epoch. */
        default void onAppend(RecordBatch batch) {
        }

        /** A batch was verified while opening the log after an unclean shutdown, or to rebuild a corrupt index. */
        default void onRecover(RecordBatch batch) {
        }

        /**
         * Everything at or after {@code logEndOffset} was removed: by truncateTo, truncateFullyAndStartAt
         * (then followed by onLogStartOffset with the same offset), or by recovery cutting a corrupt tail.
         */
        default void onTruncate(long logEndOffset) {
        }

        /** The log start offset moved forward (DeleteRecords) or was reset by truncateFullyAndStartAt. */
        default void onLogStartOffset(long logStartOffset) {
        }
    }

    /** The log end offset with the active segment's base offset and size at that offset, published together. */
    private record LogEnd(long offset, long segmentBaseOffset, int position) {
    }

    private final Path dir;
    private volatile LogConfig config;
    private final LogEnvironment env;
    private final Listener listener;
    private ProducerAndEpochState producersAndEpochs;
    private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
    private final Set<LogSegment> pendingDeletion = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    private volatile LogEnd end;
    private volatile long logStartOffset;
    private volatile long recoveryPoint;
    private long lastFlushMs;
    private long truncations;
    private volatile boolean closed;
    private volatile boolean closedWithoutWriting;

    private PartitionLog(Path dir, LogConfig config, LogEnvironment env, Listener listener) {
        this.dir = dir;
        this.config = config;
        this.env = env;
        this.listener = listener;
    }

    /** Opens (creating if needed) the log in {@code dir}, as {@link #open(Path, LogConfig, LoadState, LogEnvironment, Listener)} without a listener. */
    public static PartitionLog open(Path dir, LogConfig config, LoadState state, LogEnvironment env) {
        return open(dir, config, state, env, Listener.NONE);
    }

    /**
     * Opens (creating if needed) the log in {@code dir}. After a clean shutdown nothing is scanned: segments
     * are trusted and only their indexes sanity-checked. Otherwise the segment holding the recovery point
     * and all later ones are recovered; a corrupt index in any segment also gets that segment recovered. A
     * recovered segment with an invalid tail is cut there and all later segments are deleted. Producer state and
     * leader epochs are then loaded (see {@link ProducerAndEpochState#load}). {@code listener} is told of changes
     * after the log's own producer and epoch state.
     */
    public static PartitionLog open(Path dir, LogConfig config, LoadState state, LogEnvironment env, Listener listener) {
        PartitionLog partitionLog = new PartitionLog(dir, config, env, listener);
        synchronized (partitionLog.lock) {
            try {
                partitionLog.io("open", () -> {
                    partitionLog.load(state);
                    return null;
                });
            } catch (RuntimeException e) {
                for (LogSegment segment : partitionLog.segments.values()) {
                    try {
                        segment.close();
                    } catch (IOException closeFailure) {
                        e.addSuppressed(closeFailure);
                    }
                }
                throw e;
            }
        }
        return partitionLog;
    }

    private void load(LoadState state) throws IOException {
        Files.createDirectories(dir);
        completeInterruptedSwap();
        producersAndEpochs = new ProducerAndEpochState(this, env.producerIdExpirationMs(), env.time());
        for (long baseOffset : segmentBaseOffsetsOnDisk()) {
            segments.put(baseOffset, openSegment(baseOffset));
        }
        if (segments.isEmpty()) {
            segments.put(state.logStartOffset(), openSegment(state.logStartOffset()));
        }
        Long recoverFrom = state.cleanShutdown() ? null
                : Objects.requireNonNullElse(segments.floorKey(state.recoveryPoint()), segments.firstKey());
        boolean cut = false;
        for (LogSegment segment : List.copyOf(segments.values())) {
            if (cut) {
                deleteSegment(segment);
            } else if ((recoverFrom != null && segment.baseOffset() >= recoverFrom) || !segment.indexesLookValid()) {
                cut = recoverSegment(segment);
            }
        }
        LogSegment active = activeSegment();
        active.resizeIndexesToMax();
        long endOffset = active.readNextOffset();
        end = new LogEnd(endOffset, active.baseOffset(), active.size());
        logStartOffset = Math.max(state.logStartOffset(), segments.firstKey());
        recoveryPoint = endOffset;
        lastFlushMs = env.time().milliseconds();
        if (logStartOffset > endOffset) {
            log.warn("{}: log start offset {} is beyond the log end offset {}; starting the log afresh there", dir, logStartOffset, endOffset);
            truncateFullyLocked(logStartOffset);
        } else if (cut) {
            listener.onTruncate(endOffset);
        }
        producersAndEpochs.load(state, logStartOffset, end.offset());
    }

    private List<Long> segmentBaseOffsetsOnDisk() throws IOException {
        List<Long> logs = new ArrayList<>();
        List<Path> indexes = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                Matcher segmentFile = SEGMENT_FILE.matcher(name);
                if (name.endsWith(LogSegment.DELETED_SUFFIX)) {
                    Files.deleteIfExists(file);
                } else if (segmentFile.matches() && segmentFile.group(2).equals(LogSegment.LOG_SUFFIX)) {
                    logs.add(Long.parseLong(segmentFile.group(1)));
                } else if (segmentFile.matches()) {
                    indexes.add(file);
                }
            }
        }
        for (Path index : indexes) {
            String name = index.getFileName().toString();
            if (!Files.exists(index.resolveSibling(name.substring(0, 20) + LogSegment.LOG_SUFFIX))) {
                Files.delete(index);
            }
        }
        Collections.sort(logs);
        return logs;
    }

    /**
     * Settles a segment swap the cleaner left unfinished, as Kafka does. {@code .cleaned} files were never swapped in:
     * they go, and so does any {@code .swap} file at or above the lowest of their base offsets (part of the same
     * unfinished swap). A {@code .swap} log replaces every segment whose base offset lies in its offset range, then all
     * {@code .swap} files lose their suffix.
     */
    private void completeInterruptedSwap() throws IOException {
        List<Path> cleaned = new ArrayList<>();
        List<Path> swaps = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                Matcher match = SWAP_OR_CLEANED_FILE.matcher(file.getFileName().toString());
                if (match.matches()) {
                    (match.group(3).equals(LogSegment.CLEANED_SUFFIX) ? cleaned : swaps).add(file);
                }
            }
        }
        long lowestCleaned = cleaned.stream().mapToLong(PartitionLog::baseOffsetOf).min().orElse(Long.MAX_VALUE);
        for (Path file : cleaned) {
            Files.delete(file);
        }
        long swappedFrom = Long.MAX_VALUE;
        long swappedTo = Long.MIN_VALUE;
        for (Path swap : List.copyOf(swaps)) {
            long baseOffset = baseOffsetOf(swap);
            if (baseOffset >= lowestCleaned) {
                Files.delete(swap);
                swaps.remove(swap);
            } else if (swap.getFileName().toString().endsWith(LogSegment.LOG_SUFFIX + LogSegment.SWAP_SUFFIX)) {
                try (LogSegment segment = LogSegment.open(dir, baseOffset, LogSegment.SWAP_SUFFIX, config, 0, env.time(), env.channels())) {
                    swappedFrom = Math.min(swappedFrom, baseOffset);
                    swappedTo = Math.max(swappedTo, segment.readNextOffset());
                }
            }
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                if (SEGMENT_FILE.matcher(file.getFileName().toString()).matches()
                        && baseOffsetOf(file) >= swappedFrom && baseOffsetOf(file) < swappedTo) {
                    log.info("{}: deleting {}, which a cleaned segment replaced before the last shutdown", dir, file.getFileName());
                    Files.delete(file);
                }
            }
        }
        for (Path swap : swaps) {
            String name = swap.getFileName().toString();
            Files.move(swap, swap.resolveSibling(name.substring(0, name.length() - LogSegment.SWAP_SUFFIX.length())),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static long baseOffsetOf(Path segmentFile) {
        return Long.parseLong(segmentFile.getFileName().toString().substring(0, 20));
    }

    /** Recovers one segment during open; true if it had an invalid tail that was cut. */
    private boolean recoverSegment(LogSegment segment) throws IOException {
        long truncated = segment.recover(batch -> {
            producersAndEpochs.onRecover(batch);
            listener.onRecover(batch);
        });
        segment.flush();
        if (segment != activeSegment()) {
            segment.onBecomeInactive();
        }
        if (truncated > 0) {
            log.warn("{}: cut {} invalid bytes off the end of {}; later segments are deleted", dir, truncated, segment.logFile());
        }
        return truncated > 0;
    }

    private LogSegment openSegment(long baseOffset) throws IOException {
        long jitter = config.segmentJitterMs() == 0 ? 0
                : ThreadLocalRandom.current().nextLong(Math.min(config.segmentJitterMs(), config.segmentMs()));
        return LogSegment.open(dir, baseOffset, config, jitter, env.time(), env.channels());
    }

    public Path dir() {
        return dir;
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    public long logEndOffset() {
        return end.offset();
    }

    /** Everything below this offset is fsynced; the log manager checkpoints it. */
    public long recoveryPoint() {
        return recoveryPoint;
    }

    public LogConfig config() {
        return config;
    }

    /**
     * Replaces the log's settings (a topic config altered at run time): the next append, roll check, retention
     * check and flush check use them; existing segments keep the index size they were opened with.
     */
    public void updateConfig(LogConfig newConfig) {
        synchronized (lock) {
            config = java.util.Objects.requireNonNull(newConfig, "newConfig");
        }
    }

    /** The bytes of all segments' log files (not indexes), as DescribeLogDirs reports a partition's size. */
    public long size() {
        long total = 0;
        for (LogSegment segment : segments.values()) {
            total += segment.size();
        }
        return total;
    }

    /** The segments in offset order, the active one last; a live, weakly consistent view. */
    public Collection<LogSegment> segments() {
        return Collections.unmodifiableCollection(segments.values());
    }

    private LogSegment activeSegment() {
        return segments.lastEntry().getValue();
    }

    /**
     * Appends a produce request's batches as leader. Each must be a whole, CRC-valid v2 batch no larger
     * than max.message.bytes; they get offsets from the log end offset and {@code leaderEpoch} written in
     * place in {@code batches} (and LogAppendTime with a fresh CRC, for such topics), then are written
     * exactly as they are. The caller keeps ownership of the buffer.
     *
     * <p>Batches with a producer id are checked against the producer state under the same lock as the write
     * ({@link ProducerStateManager#validateLeaderAppend(List)}), all or nothing. If one repeats a batch among its
     * producer's last five, nothing is written and the result is the original batch's, as Kafka answers: its
     * offsets, and its max timestamp as the log append time (whatever the topic's timestamp type).
     *
     * @throws CorruptRecordException        a batch is malformed or fails its CRC, or none is present
     * @throws RecordTooLargeException       a batch exceeds max.message.bytes
     * @throws RecordBatchTooLargeException  the batches together exceed segment.bytes
     * @throws OutOfOrderSequenceException   a batch's sequence does not follow its producer's last one
     * @throws InvalidProducerEpochException a batch's producer epoch is older than its producer's latest
     */
    public AppendResult append(ByteBuf batches, int leaderEpoch) {
        return append(batches, leaderEpoch, AppendOrigin.COORDINATOR);
    }

    /**
     * Appends as leader, as {@link #append(ByteBuf, int)}, after {@link LeaderAppendValidator Kafka's leader
     * checks} for {@code origin}; a {@link AppendOrigin#CLIENT}'s transactional batch must also belong to an
     * ongoing transaction of its producer. Nothing is written when a check fails.
     *
     * @throws InvalidRecordException    a batch or record rule is broken (INVALID_RECORD)
     * @throws InvalidTimestampException a record's CreateTime is out of bounds (INVALID_TIMESTAMP)
     * @throws InvalidTxnStateException  a client's transactional batch outside an ongoing transaction
     */
    public AppendResult append(ByteBuf batches, int leaderEpoch, AppendOrigin origin) {
        LogConfig appendConfig = config; // one config for the checks and the stamping, even if it changes meanwhile
        if (origin == AppendOrigin.CLIENT) {
            checkFirstBatch(batches);
        }
        List<RecordBatch> validated = validate(batches, true);
        new LeaderAppendValidator(appendConfig, dir.getFileName().toString(), env.time().milliseconds()).validate(validated, origin);
        AppendResult result;
        synchronized (lock) {
            ensureOpen();
            if (origin == AppendOrigin.CLIENT) {
                checkOngoingTransaction(validated);
            }
            listener.beforeLeaderAppend(validated);
            long now = env.time().milliseconds();
            long nextOffset = end.offset();
            for (RecordBatch batch : validated) {
                batch.setBaseOffset(nextOffset);
                batch.setPartitionLeaderEpoch(leaderEpoch);
                if (appendConfig.logAppendTime()) {
                    batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, now);
                }
                nextOffset = batch.nextOffset();
            }
            Optional<BatchMetadata> duplicate = producersAndEpochs.producers().validateLeaderAppend(validated);
            if (duplicate.isPresent()) {
                BatchMetadata original = duplicate.get();
                return new AppendResult(original.firstOffset(), original.lastOffset(), original.maxTimestamp(), logStartOffset);
            }
            appendLocked(batches, validated, now);
            result = new AppendResult(validated.get(0).baseOffset(), nextOffset - 1, appendConfig.logAppendTime() ? now : -1, logStartOffset);
        }
        flushIfTooManyUnflushed();
        return result;
    }

    /**
     * Appends batches fetched from the leader, keeping their offsets, epochs and timestamps. Their offsets
     * must increase and start at or after the log end offset (a gap is allowed).
     *
     * @throws UnexpectedAppendOffsetException offsets below the log end offset or not increasing
     * @throws CorruptRecordException          a batch is malformed or fails its CRC
     */
    public AppendResult appendAsFollower(ByteBuf batches) {
        List<RecordBatch> validated = validate(batches, false);
        AppendResult result;
        synchronized (lock) {
            ensureOpen();
            long expected = end.offset();
            for (RecordBatch batch : validated) {
                if (batch.baseOffset() < expected) {
                    throw new UnexpectedAppendOffsetException("batch at offset " + batch.baseOffset() + " does not follow offset "
                            + (expected - 1) + " in " + dir, validated.get(0).baseOffset());
                }
                expected = batch.nextOffset();
            }
            appendLocked(batches, validated, env.time().milliseconds());
            result = new AppendResult(validated.get(0).baseOffset(), expected - 1, -1, logStartOffset);
        }
        flushIfTooManyUnflushed();
        return result;
    }

    /** Kafka's Produce v3+ rules: at least one whole batch, and the first of magic 2. */
    private void checkFirstBatch(ByteBuf batches) {
        int size = batches.readableBytes();
        int start = batches.readerIndex();
        if (size < RecordBatch.LOG_OVERHEAD
                || batches.getInt(start + RecordBatch.BATCH_LENGTH_OFFSET) + (long) RecordBatch.LOG_OVERHEAD > size) {
            throw new InvalidRecordException("A produce request must hold one whole record batch per partition, none was sent to "
                    + dir.getFileName());
        }
        if (size > RecordBatch.MAGIC_OFFSET && batches.getByte(start + RecordBatch.MAGIC_OFFSET) != RecordBatch.MAGIC) {
            throw new InvalidRecordException("Produce requests may only hold record batches of magic 2, not "
                    + batches.getByte(start + RecordBatch.MAGIC_OFFSET) + ", as sent to " + dir.getFileName());
        }
    }

    private void checkOngoingTransaction(List<RecordBatch> batches) {
        for (RecordBatch batch : batches) {
            if (batch.isTransactional() && producersAndEpochs.producers().entry(batch.producerId())
                    .map(e -> e.currentTxnFirstOffset().isEmpty()).orElse(true)) {
                throw new InvalidTxnStateException("Producer " + batch.producerId() + " has no ongoing transaction on "
                        + dir.getFileName() + ", so its transactional batch cannot be appended");
            }
        }
    }

    private List<RecordBatch> validate(ByteBuf batches, boolean leader) {
        List<RecordBatch> validated = new ArrayList<>();
        int covered = 0;
        for (RecordBatch batch : new RecordBatches(batches)) {
            if (leader && batch.sizeInBytes() > config.maxMessageBytes()) {
                throw new RecordTooLargeException("batch of " + batch.sizeInBytes() + " bytes exceeds max.message.bytes "
                        + config.maxMessageBytes() + " of " + dir);
            }
            batch.ensureValid();
            if (batch.lastOffsetDelta() < 0) {
                throw new CorruptRecordException("negative last offset delta " + batch.lastOffsetDelta());
            }
            validated.add(batch);
            covered += batch.sizeInBytes();
        }
        if (validated.isEmpty()) {
            throw new CorruptRecordException("no record batch in " + batches.readableBytes() + " bytes");
        }
        if (covered != batches.readableBytes()) {
            throw new CorruptRecordException(batches.readableBytes() - covered + " bytes follow the last whole batch");
        }
        if (covered > config.segmentBytes()) {
            throw new RecordBatchTooLargeException("append of " + covered + " bytes exceeds segment.bytes " + config.segmentBytes() + " of " + dir);
        }
        return validated;
    }

    private void appendLocked(ByteBuf batches, List<RecordBatch> validated, long now) {
        long latest = Long.MIN_VALUE;
        for (RecordBatch batch : validated) {
            latest = Math.max(latest, batch.maxTimestamp());
        }
        long maxTimestamp = latest;
        long firstOffset = validated.get(0).baseOffset();
        long lastOffset = validated.get(validated.size() - 1).lastOffset();
        LogSegment active = io("append", () -> {
            LogSegment segment = activeSegment();
            if (segment.shouldRoll(config, batches.readableBytes(), maxTimestamp, lastOffset, now)) {
                segment = rollLocked(firstOffset);
            }
            segment.append(batches);
            return segment;
        });
        end = new LogEnd(lastOffset + 1, active.baseOffset(), active.size());
        notifyListeners(l -> validated.forEach(l::onAppend));
    }

    /** Tells the producer and epoch state, then the caller's listener; I/O errors are reported like the log's own. */
    private void notifyListeners(Consumer<Listener> event) {
        io("producer and epoch state update", () -> {
            event.accept(producersAndEpochs);
            event.accept(listener);
            return null;
        });
    }

    /** Starts a new active segment at the log end offset, unless the active segment is empty. */
    public void roll() {
        synchronized (lock) {
            ensureOpen();
            LogSegment active = io("roll", () -> rollLocked(end.offset()));
            end = new LogEnd(end.offset(), active.baseOffset(), active.size());
        }
    }

    /**
     * Makes a new active segment at {@code baseOffset} (at or after the log end offset), unless the active
     * segment is empty and already there; the old one's indexes are trimmed and its fsync scheduled. A producer
     * snapshot is taken at {@code baseOffset}, except when a truncation rolls below the log end offset it has
     * not yet published: producer state is rebuilt after that.
     */
    private LogSegment rollLocked(long baseOffset) throws IOException {
        LogSegment previous = activeSegment();
        if (previous.size() == 0 && previous.baseOffset() == baseOffset) {
            return previous;
        }
        LogSegment next = openSegment(baseOffset);
        segments.put(baseOffset, next);
        previous.onBecomeInactive();
        Path snapshot = baseOffset >= end.offset() ? producersAndEpochs.producers().takeSnapshot(baseOffset, false) : null;
        env.scheduler().scheduleOnce("flush " + dir.getFileName(), () -> {
            if (closed) {
                return;
            }
            if (snapshot != null) {
                io("producer snapshot sync", () -> {
                    ProducerStateManager.syncSnapshot(snapshot);
                    return null;
                });
            }
            flush(baseOffset);
        }, 0);
        return next;
    }

    /**
     * The bytes to return for a fetch at {@code fetchOffset}: from the batch holding it (or the next one),
     * batches wholly below {@code maxOffsetExclusive} (e.g. the high watermark), at most {@code maxBytes}
     * except that with {@code minOneBatch} the first batch comes whole even if larger (as Kafka does);
     * without it a first batch larger than {@code maxBytes} gives an empty slice. Bytes come from one
     * segment only; empty at the log end offset.
     *
     * @throws OffsetOutOfRangeException {@code fetchOffset} is outside [log start offset, log end offset]
     */
    public FileSlice read(long fetchOffset, int maxBytes, long maxOffsetExclusive, boolean minOneBatch) {
        LogEnd logEnd = end;
        long startOffset = logStartOffset;
        if (fetchOffset < startOffset || fetchOffset > logEnd.offset()) {
            throw new OffsetOutOfRangeException("offset " + fetchOffset + " is outside [" + startOffset + ", " + logEnd.offset()
                    + "] of " + dir);
        }
        return io("read", () -> {
            Map.Entry<Long, LogSegment> entry = segments.floorEntry(fetchOffset);
            if (entry == null) {
                throw new OffsetOutOfRangeException("offset " + fetchOffset + " is below the first segment of " + dir);
            }
            if (fetchOffset >= Math.min(maxOffsetExclusive, logEnd.offset())) {
                return entry.getValue().emptySlice(fetchOffset);
            }
            while (true) {
                LogSegment segment = entry.getValue();
                Map.Entry<Long, LogSegment> next = segments.higherEntry(entry.getKey());
                int maxPosition = next != null && maxOffsetExclusive >= next.getKey() ? segment.size()
                        : maxOffsetExclusive >= logEnd.offset() && segment.baseOffset() == logEnd.segmentBaseOffset() ? logEnd.position()
                        : segment.positionOf(maxOffsetExclusive);
                FileSlice slice = segment.read(fetchOffset, maxBytes, maxPosition, minOneBatch);
                if (slice != null) {
                    return slice;
                }
                if (next == null) {
                    return segment.emptySlice(fetchOffset);
                }
                entry = next;
            }
        });
    }

    /**
     * The first record, in offset order from the log start offset, whose timestamp is at or after
     * {@code timestamp} (ListOffsets by time); empty if there is none.
     */
    public Optional<TimestampAndOffset> offsetForTimestamp(long timestamp) {
        long startOffset = logStartOffset;
        return io("timestamp lookup", () -> {
            for (LogSegment segment : segmentsFrom(startOffset)) {
                Optional<TimestampAndOffset> found = segment.findOffsetByTimestamp(timestamp, startOffset);
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        });
    }

    /**
     * The first record, from the log start offset, with the largest timestamp (ListOffsets MAX_TIMESTAMP);
     * empty if no record has a timestamp.
     */
    public Optional<TimestampAndOffset> maxTimestampOffset() {
        long startOffset = logStartOffset;
        return io("max timestamp lookup", () -> {
            Iterator<LogSegment> candidates = segmentsFrom(startOffset).iterator();
            Optional<TimestampAndOffset> inFirst = candidates.next().maxTimestampRecord(startOffset);
            long bestTimestamp = inFirst.map(TimestampAndOffset::timestamp).orElse(-1L);
            LogSegment better = null;
            while (candidates.hasNext()) {
                LogSegment segment = candidates.next();
                if (segment.maxTimestamp() > bestTimestamp) {
                    better = segment;
                    bestTimestamp = segment.maxTimestamp();
                }
            }
            return better == null ? inFirst : better.maxTimestampRecord(better.baseOffset());
        });
    }

    /**
     * The OffsetsForLeaderEpoch answer for {@code leaderEpoch}: the largest epoch at or below it and the offset
     * where that epoch ended, the log end offset for the latest epoch (see {@link LeaderEpochCache#endOffsetFor}).
     */
    public EpochEndOffset endOffsetForEpoch(int leaderEpoch) {
        synchronized (lock) {
            return producersAndEpochs.epochs().endOffsetFor(leaderEpoch, end.offset());
        }
    }

    /** The epoch of the latest leader that appended to the log or started at its end; empty if none is known. */
    public OptionalInt latestEpoch() {
        synchronized (lock) {
            return producersAndEpochs.epochs().latestEpoch();
        }
    }

    /**
     * The leader epoch of the batch at the log start offset (the latest epoch starting at or before it), as
     * ListOffsets EARLIEST reports it; empty if no epoch is known that early.
     */
    public OptionalInt logStartEpoch() {
        synchronized (lock) {
            return producersAndEpochs.epochs().epochForOffset(logStartOffset);
        }
    }

    /**
     * Records that {@code leaderEpoch} starts at the log end offset, for a replica becoming leader (Kafka's
     * makeLeader does this), so OffsetsForLeaderEpoch answers for the new epoch before anything is appended.
     */
    public void assignEpochStartOffset(int leaderEpoch) {
        synchronized (lock) {
            ensureOpen();
            io("leader epoch assignment", () -> {
                producersAndEpochs.epochs().assign(leaderEpoch, end.offset());
                return null;
            });
        }
    }

    /**
     * Forgets producers idle for producer.id.expiration.ms without an open transaction; the log manager calls
     * this every producer.id.expiration.check.interval.ms.
     */
    public void removeExpiredProducers() {
        synchronized (lock) {
            producersAndEpochs.producers().removeExpiredProducers();
        }
    }

    /** Every producer the partition remembers, by producer id (DescribeProducers). */
    public Map<Long, ProducerEntry> activeProducers() {
        synchronized (lock) {
            return producersAndEpochs.producers().activeProducers();
        }
    }

    /** The segment holding {@code offset} (or the first, if none does) and all later ones. */
    private Collection<LogSegment> segmentsFrom(long offset) {
        return segments.tailMap(Objects.requireNonNullElse(segments.floorKey(offset), segments.firstKey())).values();
    }

    /**
     * Removes everything at or after {@code offset} (a follower diverging from its leader), which becomes
     * the log end offset: later segments are deleted, and a batch holding {@code offset} goes whole. When
     * the remaining data ends before {@code offset} (a batch straddled it, or a gap), an empty segment
     * starts at {@code offset} so the log end offset survives a restart. Below the log start offset this is
     * {@link #truncateFullyAndStartAt}. At or beyond the log end offset only leader epochs starting at the log end
     * offset (see {@link #assignEpochStartOffset}) are removed, as Kafka does.
     */
    public void truncateTo(long offset) {
        synchronized (lock) {
            ensureOpen();
            if (offset >= end.offset()) {
                io("leader epoch truncation", () -> {
                    producersAndEpochs.epochs().truncateFromEnd(end.offset());
                    return null;
                });
                return;
            }
            if (offset < logStartOffset) {
                truncateFullyLocked(offset);
                return;
            }
            truncations++;
            LogSegment active = io("truncation", () -> {
                for (LogSegment segment : List.copyOf(segments.tailMap(offset, false).values())) {
                    deleteSegment(segment);
                }
                LogSegment segment = activeSegment();
                segment.truncateTo(offset);
                return segment.readNextOffset() < offset ? rollLocked(offset) : segment;
            });
            end = new LogEnd(offset, active.baseOffset(), active.size());
            recoveryPoint = Math.min(recoveryPoint, offset);
            notifyListeners(l -> l.onTruncate(offset));
        }
    }

    /** Deletes every segment and starts an empty log at {@code offset}, which becomes both start and end offset. */
    public void truncateFullyAndStartAt(long offset) {
        synchronized (lock) {
            ensureOpen();
            truncateFullyLocked(offset);
        }
    }

    private void truncateFullyLocked(long offset) {
        truncations++;
        io("truncation", () -> {
            List<LogSegment> old = List.copyOf(segments.values());
            LogSegment sameBase = segments.get(offset);
            if (sameBase != null) {
                sameBase.renameToDeleted();
            }
            segments.put(offset, openSegment(offset));
            for (LogSegment replaced : old) {
                deleteSegment(replaced);
            }
            producersAndEpochs.onTruncateFully(offset);
            return null;
        });
        end = new LogEnd(offset, offset, 0);
        logStartOffset = offset;
        recoveryPoint = offset;
        listener.onTruncate(offset);
        listener.onLogStartOffset(offset);
    }

    /**
     * Moves the log start offset forward to {@code offset} (DeleteRecords, retention) and deletes the
     * segments wholly below it; does nothing if it is not above the current start.
     *
     * @throws OffsetOutOfRangeException {@code offset} is beyond the log end offset
     */
    public void deleteRecordsBefore(long offset) {
        synchronized (lock) {
            ensureOpen();
            if (offset > end.offset()) {
                throw new OffsetOutOfRangeException("cannot delete records before " + offset + ", beyond the log end offset "
                        + end.offset() + " of " + dir);
            }
            if (offset <= logStartOffset) {
                return;
            }
            logStartOffset = offset;
            io("segment deletion", () -> {
                for (LogSegment segment : List.copyOf(segments.headMap(segments.floorKey(offset), false).values())) {
                    deleteSegment(segment);
                }
                return null;
            });
            notifyListeners(l -> l.onLogStartOffset(offset));
        }
    }

    /**
     * Deletes the oldest whole segments that retention allows, by Kafka's rules (see {@link Retention}): those
     * wholly below the log start offset and, when cleanup.policy has delete, those over retention.bytes or
     * older than retention.ms. When every segment goes, the non-empty active one included, a new active segment
     * is rolled at the log end offset first. The log start offset moves to the first remaining segment's base;
     * files go after file.delete.delay.ms. The log manager calls this every log.retention.check.interval.ms.
     *
     * @return the number of segments deleted
     */
    public int deleteOldSegments() {
        synchronized (lock) {
            if (closed) {
                return 0;
            }
            List<LogSegment> oldestFirst = List.copyOf(segments.values());
            long now = env.time().milliseconds();
            int deletable = io("retention check", () -> Retention.deletableSegments(oldestFirst, logStartOffset, config, now));
            if (deletable == 0) {
                return 0;
            }
            long startBefore = logStartOffset;
            io("segment deletion", () -> {
                if (deletable == oldestFirst.size()) {
                    LogSegment active = rollLocked(end.offset());
                    end = new LogEnd(end.offset(), active.baseOffset(), active.size());
                }
                logStartOffset = Math.max(logStartOffset, segments.higherKey(oldestFirst.get(deletable - 1).baseOffset()));
                for (LogSegment segment : oldestFirst.subList(0, deletable)) {
                    deleteSegment(segment);
                }
                return null;
            });
            log.info("{}: retention deleted {} segments; the log start offset is {}", dir, deletable, logStartOffset);
            if (logStartOffset > startBefore) {
                long start = logStartOffset;
                notifyListeners(l -> l.onLogStartOffset(start));
            }
            return deletable;
        }
    }

    /** How many truncations the log has had since it opened; a cleaner's view of segments is stale once this moves. */
    public long truncationCount() {
        synchronized (lock) {
            return truncations;
        }
    }

    /**
     * An empty segment at {@code baseOffset} whose files carry the {@code .cleaned} suffix (any left over are replaced),
     * outside the log: the cleaner fills it, makes it inactive and flushes it, then hands it to {@link #replaceSegments}.
     */
    public LogSegment createCleanedSegment(long baseOffset) {
        return io("cleaned segment creation", () -> {
            for (String suffix : List.of(LogSegment.LOG_SUFFIX, LogSegment.INDEX_SUFFIX, LogSegment.TIME_INDEX_SUFFIX)) {
                Files.deleteIfExists(dir.resolve(LogSegment.fileName(baseOffset, suffix) + LogSegment.CLEANED_SUFFIX));
            }
            return LogSegment.open(dir, baseOffset, LogSegment.CLEANED_SUFFIX, config, 0, env.time(), env.channels());
        });
    }

    /**
     * Swaps the flushed {@code cleaned} segment in for {@code replaced}, consecutive inactive segments of this log the
     * first of which has cleaned's base offset, crash-safely as Kafka does: cleaned's files are renamed
     * {@code .swap}, it enters the log, the replaced segments are deleted after file.delete.delay.ms (reads holding
     * their slices finish), and the suffix is dropped. A crash anywhere in between is settled when the log opens.
     *
     * @return false, changing nothing, when the log moved on since the cleaner read the segments: it was truncated
     *         ({@link #truncationCount()} is no longer {@code truncationCount}) or closed, or a replaced segment was
     *         deleted or is the active one. The caller then deletes cleaned's files.
     */
    public boolean replaceSegments(LogSegment cleaned, List<LogSegment> replaced, long truncationCount) {
        if (replaced.isEmpty() || replaced.get(0).baseOffset() != cleaned.baseOffset()) {
            throw new IllegalArgumentException("cleaned segment " + cleaned + " does not start where " + replaced + " do");
        }
        synchronized (lock) {
            if (closed || truncations != truncationCount
                    || replaced.stream().anyMatch(segment -> segments.get(segment.baseOffset()) != segment || segment == activeSegment())) {
                return false;
            }
            io("segment swap", () -> {
                cleaned.changeFileSuffix(LogSegment.CLEANED_SUFFIX, LogSegment.SWAP_SUFFIX);
                flushDir();
                segments.put(cleaned.baseOffset(), cleaned);
                for (LogSegment segment : replaced) {
                    deleteSegment(segment);
                }
                cleaned.changeFileSuffix(LogSegment.SWAP_SUFFIX, "");
                flushDir();
                return null;
            });
            return true;
        }
    }

    private void flushDir() throws IOException {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    /** Renames the segment's files to {@code .deleted} and deletes them after file.delete.delay.ms. */
    private void deleteSegment(LogSegment segment) throws IOException {
        segments.remove(segment.baseOffset(), segment);
        segment.renameToDeleted();
        pendingDeletion.add(segment);
        env.scheduler().scheduleOnce("delete " + segment.logFile().getFileName(), () -> {
            if (pendingDeletion.remove(segment)) {
                io("file deletion", () -> {
                    segment.deleteFiles();
                    return null;
                });
            }
        }, config.fileDeleteDelayMs());
    }

    /**
     * Fsyncs every segment holding data between the recovery point and {@code offset} (at most the log end
     * offset), then advances the recovery point, unless a truncation ran meanwhile. Appends go on during
     * the fsync.
     */
    public void flush(long offset) {
        List<LogSegment> toFlush;
        long target;
        long truncationsBefore;
        synchronized (lock) {
            target = Math.min(offset, end.offset());
            if (closed || target <= recoveryPoint) {
                return;
            }
            toFlush = segmentsFrom(recoveryPoint).stream().takeWhile(segment -> segment.baseOffset() < target).toList();
            truncationsBefore = truncations;
        }
        io("flush", () -> {
            for (LogSegment segment : toFlush) {
                segment.flush();
            }
            return null;
        });
        synchronized (lock) {
            if (truncations == truncationsBefore && target > recoveryPoint) {
                recoveryPoint = target;
            }
            lastFlushMs = env.time().milliseconds();
        }
    }

    /** Flushes if flush.ms has passed since the last flush; the log manager calls this periodically. */
    public void flushIfDue() {
        long sinceLastFlush;
        synchronized (lock) {
            sinceLastFlush = env.time().milliseconds() - lastFlushMs;
        }
        if (sinceLastFlush >= config.flushMs() && end.offset() > recoveryPoint) {
            flush(end.offset());
        }
    }

    private void flushIfTooManyUnflushed() {
        if (end.offset() - recoveryPoint >= config.flushMessages()) {
            flush(end.offset());
        }
    }

    /**
     * Takes a producer snapshot at the log end offset, fsyncs what is unflushed, trims the active segment's
     * indexes and closes every segment, including those still waiting for deletion (their files go now).
     * Afterwards the recovery point is the log end offset. Later calls do nothing.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            io("close", () -> {
                producersAndEpochs.producers().takeSnapshot(end.offset());
                activeSegment().onBecomeInactive();
                for (LogSegment segment : segmentsFrom(recoveryPoint)) {
                    segment.flush();
                }
                for (LogSegment segment : segments.values()) {
                    segment.close();
                }
                for (LogSegment segment : pendingDeletion) {
                    segment.deleteFiles();
                }
                pendingDeletion.clear();
                return null;
            });
            recoveryPoint = end.offset();
            closed = true;
        }
    }

    /**
     * Closes the log without writing anything more to disk, when its log directory failed or the log is being
     * deleted: nothing is flushed or trimmed, and segments waiting for deletion keep their files. Index mappings
     * are left to the garbage collector, so lookups still in flight never touch unmapped memory; reads still in
     * flight fail at worst with {@link KafkaStorageException}, and so does every later change to the log.
     */
    public void closeWithoutWriting() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            closedWithoutWriting = true;
            List<LogSegment> open = new ArrayList<>(segments.values());
            open.addAll(pendingDeletion);
            pendingDeletion.clear();
            for (LogSegment segment : open) {
                try {
                    segment.closeWithoutWriting();
                } catch (IOException e) {
                    log.debug("{}: closing {} failed", dir, segment.logFile(), e);
                }
            }
        }
    }

    private void ensureOpen() {
        if (closedWithoutWriting) {
            throw new KafkaStorageException("log " + dir + " is closed: its log directory failed or it was deleted");
        }
        if (closed) {
            throw new IllegalStateException("log " + dir + " is closed");
        }
    }

    /**
     * Runs {@code action}; an I/O error, also one the producer state or epoch cache wrapped in a
     * {@link KafkaStorageException}, is reported as a log directory failure once, unless the log was closed under it.
     */
    private <T> T io(String operation, IoAction<T> action) {
        try {
            return action.run();
        } catch (IOException e) {
            reportFailure(e);
            throw new ReportedStorageException(operation + " failed in " + dir + ": " + e.getMessage(), e);
        } catch (KafkaStorageException e) {
            if (!(e instanceof ReportedStorageException) && e.getCause() instanceof IOException cause) {
                reportFailure(cause);
                throw new ReportedStorageException(e.getMessage(), cause);
            }
            throw e;
        }
    }

    private void reportFailure(IOException e) {
        if (!closed) {
            env.failures().onFailure(dir.getParent(), e);
        }
    }

    /** A storage error {@link #io} has already reported, so that enclosing calls do not report it again. */
    private static final class ReportedStorageException extends KafkaStorageException {
        ReportedStorageException(String message, IOException cause) {
            super(message, cause);
        }
    }

    /**
     * Hands every batch from the one holding {@code offset} (or the first after it) to the log end offset to
     * {@code action}, in order, reading up to {@value #REPLAY_READ_BYTES} bytes at a time (a larger batch whole);
     * batch views are valid only during the call. Called under the lock, to rebuild producer state.
     */
    void forEachBatchFrom(long offset, Consumer<RecordBatch> action) {
        io("batch replay", () -> {
            long next = offset;
            for (LogSegment segment : segmentsFrom(offset)) {
                next = forEachBatchFrom(segment, next, action);
            }
            return null;
        });
    }

    /** Reads {@code segment}'s batches from the one holding {@code offset} on; returns the offset after the last. */
    private static long forEachBatchFrom(LogSegment segment, long offset, Consumer<RecordBatch> action) throws IOException {
        long next = offset;
        for (FileSlice slice = segment.read(next, REPLAY_READ_BYTES, segment.size(), true); slice != null && !slice.isEmpty();
             slice = segment.read(next, REPLAY_READ_BYTES, segment.size(), true)) {
            for (RecordBatch batch : new RecordBatches(slice.readBytes())) {
                action.accept(batch);
                next = batch.nextOffset();
            }
        }
        return next;
    }

    @FunctionalInterface
    private interface IoAction<T> {
        T run() throws IOException;
    }

    @Override
    public String toString() {
        return "PartitionLog(" + dir + ", start=" + logStartOffset + ", end=" + end.offset() + ")";
    }
}
