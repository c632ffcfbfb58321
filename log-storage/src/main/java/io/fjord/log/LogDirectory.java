package io.fjord.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * One of the broker's log.dirs, locked for as long as this broker uses it. Its files, as Kafka has them:
 * <pre>
 * .lock                              empty; an exclusive lock on it marks the directory as taken by a broker
 * .kafka_cleanshutdown               only between a clean shutdown and the next start: {"version":0,"brokerEpoch":N}
 * recovery-point-offset-checkpoint   {@link OffsetCheckpointFile}s
 * log-start-offset-checkpoint
 * &lt;topic&gt;-&lt;partition&gt;/              one directory per partition log (see {@link PartitionDirName})
 * </pre>
 * Thread-safe.
 */
final class LogDirectory implements Closeable {
    static final String LOCK_FILE = ".lock";
    static final String CLEAN_SHUTDOWN_FILE = ".kafka_cleanshutdown";

    private final Path path;
    private final FileChannel lockChannel;
    private final OffsetCheckpointFile recoveryPoints;
    private final OffsetCheckpointFile logStartOffsets;

    private LogDirectory(Path path, FileChannel lockChannel) {
        this.path = path;
        this.lockChannel = lockChannel;
        this.recoveryPoints = OffsetCheckpointFile.recoveryPoints(path);
        this.logStartOffsets = OffsetCheckpointFile.logStartOffsets(path);
    }

    /**
     * Creates {@code path} if it is missing and locks it.
     *
     * @throws LogDirInUseException another broker (process or thread) holds the lock
     * @throws IOException          the directory cannot be created, read or locked
     */
    static LogDirectory lock(Path path) throws IOException {
        Files.createDirectories(path);
        if (!Files.isReadable(path)) {
            throw new IOException(path + " is not a readable directory");
        }
        FileChannel channel = FileChannel.open(path.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new LogDirInUseException(path);
            }
        } catch (OverlappingFileLockException e) {
            channel.close();
            throw new LogDirInUseException(path);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new LogDirectory(path, channel);
    }

    Path path() {
        return path;
    }

    OffsetCheckpointFile recoveryPoints() {
        return recoveryPoints;
    }

    OffsetCheckpointFile logStartOffsets() {
        return logStartOffsets;
    }

    /**
     * Whether the previous broker run shut down cleanly. The marker is removed durably before this returns, so a
     * crash from now on is seen as unclean.
     */
    boolean takeCleanShutdownMarker() throws IOException {
        if (!Files.deleteIfExists(path.resolve(CLEAN_SHUTDOWN_FILE))) {
            return false;
        }
        AtomicFiles.syncDirectory(path);
        return true;
    }

    /** Writes the clean-shutdown marker durably; call only once every log in the directory is flushed and checkpointed. */
    void writeCleanShutdownMarker(long brokerEpoch) throws IOException {
        String content = "{\"version\":0,\"brokerEpoch\":" + brokerEpoch + "}";
        try (FileChannel channel = FileChannel.open(path.resolve(CLEAN_SHUTDOWN_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        AtomicFiles.syncDirectory(path);
    }

    /** The subdirectories, sorted by name. */
    List<Path> subdirectories() throws IOException {
        try (Stream<Path> children = Files.list(path)) {
            return children.filter(Files::isDirectory).sorted().toList();
        }
    }

    /** Releases the lock; the {@code .lock} file stays. Later calls do nothing. */
    @Override
    public void close() throws IOException {
        lockChannel.close();
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
