package io.fjord.metadata;

import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * The Ratis state machine of the metadata log: applies committed entries (each a batch of
 * {@link MetadataRecord}s, see {@link MetadataRecordSerde#encodeBatch}) to the {@link MetadataImage}, in log
 * order, synchronously on Ratis' single updater thread, and publishes each new image to {@link #image()}
 * and to listeners. It never decides anything: {@link QuorumController} decides and writes records.
 *
 * <p>Snapshots: {@link #takeSnapshot()} (triggered by Ratis every {@code snapshot threshold} entries, on
 * the updater thread, so it sees a consistent image) writes the image as records to Ratis'
 * {@link SimpleStateMachineStorage} file {@code sm/snapshot.<term>_<index>} plus its {@code .md5}; Ratis
 * then purges the log up to it. At start ({@link #initialize}) and after a leader installed a snapshot on
 * this follower ({@link #reinitialize}) the latest snapshot is loaded and the log after it is replayed.
 *
 * <p>Snapshot file format (big-endian): {@code magic:int32 "FJMS" version:int8 (=0) term:int64
 * index:int64 length:int32 batch-bytes crc32c:int32} where the batch is {@link MetadataImage#toRecords()}
 * encoded by {@link MetadataRecordSerde#encodeBatch} and the CRC covers every preceding byte. Written to a
 * temp file, fsynced, then renamed.
 *
 * <p>Thread-safety: apply, snapshot and reinitialize run on Ratis' updater thread; {@link #image()} is a
 * volatile read and safe from any thread; listeners run on the updater thread and must not block.
 */
public final class ControllerStateMachine extends BaseStateMachine {

    private static final Logger log = LoggerFactory.getLogger(ControllerStateMachine.class);
    private static final int MAGIC = 0x464A4D53; // "FJMS"
    private static final byte SNAPSHOT_VERSION = 0;

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final String clusterId;
    private final List<Consumer<MetadataImage>> listeners = new CopyOnWriteArrayList<>();
    private volatile MetadataImage image;
    private final Object leaderReady = new Object();

    public ControllerStateMachine(String clusterId) {
        this.clusterId = clusterId;
        this.image = MetadataImage.EMPTY.withClusterId(clusterId);
    }

    /** The latest applied image. */
    public MetadataImage image() {
        return image;
    }

    /** Calls {@code listener} with every new image, on the apply thread. */
    public void addListener(Consumer<MetadataImage> listener) {
        listeners.add(listener);
    }

    /**
     * Waits up to {@code millis} for Ratis' next leader-ready notification (this node's first entry of a term as
     * leader applied); returns early on it. Callers re-check readiness themselves: a notification may come before
     * they wait.
     */
    void awaitLeaderReadyNotification(long millis) throws InterruptedException {
        synchronized (leaderReady) {
            leaderReady.wait(Math.max(1, millis));
        }
    }

    @Override
    public void notifyLeaderReady() {
        synchronized (leaderReady) {
            leaderReady.notifyAll();
        }
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        loadLatestSnapshot();
    }

    @Override
    public void reinitialize() throws IOException {
        storage.loadLatestSnapshot();
        loadLatestSnapshot();
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        long index = entry.getIndex();
        try {
            List<MetadataRecord> records = MetadataRecordSerde.decodeBatch(
                    entry.getStateMachineLogEntry().getLogData().toByteArray());
            publish(image.toDelta().replayAll(records).apply(index));
            return CompletableFuture.completedFuture(Message.EMPTY);
        } catch (RuntimeException e) {
            // Deterministic on every replica: the entry is skipped everywhere and the writer sees the failure.
            log.error("Skipping metadata log entry {}: {}", index, e.toString(), e);
            return CompletableFuture.failedFuture(e);
        } finally {
            updateLastAppliedTermIndex(entry.getTerm(), index);
        }
    }

    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() < 0) {
            return INVALID_INDEX;
        }
        File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        writeSnapshot(file.toPath(), last, image);
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
        log.debug("Metadata snapshot at {} written to {}", last, file);
        return last.getIndex();
    }

    private static final long INVALID_INDEX = -1;

    private void loadLatestSnapshot() throws IOException {
        SingleFileSnapshotInfo snapshot = storage.getLatestSnapshot();
        if (snapshot == null) {
            return;
        }
        Path file = snapshot.getFile().getPath();
        MD5Hash expected = snapshot.getFile().getFileDigest();
        if (expected != null) {
            MD5FileUtil.verifySavedMD5(file.toFile(), expected);
        }
        Loaded loaded = readSnapshot(file);
        TermIndex ti = snapshot.getTermIndex();
        if (loaded.term != ti.getTerm() || loaded.index != ti.getIndex()) {
            throw new IOException(file + " states " + loaded.term + "/" + loaded.index + ", name says " + ti);
        }
        setLastAppliedTermIndex(ti);
        publish(MetadataImage.EMPTY.withClusterId(clusterId).toDelta().replayAll(loaded.records).apply(ti.getIndex()));
        log.info("Loaded metadata snapshot {} ({} records)", ti, loaded.records.size());
    }

    private void publish(MetadataImage next) {
        image = next;
        for (Consumer<MetadataImage> l : listeners) {
            try {
                l.accept(next);
            } catch (RuntimeException e) {
                log.error("Metadata image listener failed", e);
            }
        }
    }

    static void writeSnapshot(Path file, TermIndex at, MetadataImage image) throws IOException {
        byte[] batch = MetadataRecordSerde.encodeBatch(image.toRecords());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(batch.length + 32);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        out.writeByte(SNAPSHOT_VERSION);
        out.writeLong(at.getTerm());
        out.writeLong(at.getIndex());
        out.writeInt(batch.length);
        out.write(batch);
        CRC32C crc = new CRC32C();
        crc.update(bytes.toByteArray());
        out.writeInt((int) crc.getValue());
        out.flush();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp)) {
            bytes.writeTo(os);
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    record Loaded(long term, long index, List<MetadataRecord> records) {
    }

    static Loaded readSnapshot(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file));
        if (buf.remaining() < 29 || buf.getInt() != MAGIC) {
            throw new IOException(file + " is not a metadata snapshot");
        }
        byte version = buf.get();
        if (version != SNAPSHOT_VERSION) {
            throw new IOException(file + ": unsupported snapshot version " + version);
        }
        long term = buf.getLong();
        long index = buf.getLong();
        int length = buf.getInt();
        if (length < 0 || length != buf.remaining() - 4) {
            throw new IOException(file + ": bad length " + length);
        }
        byte[] batch = new byte[length];
        buf.get(batch);
        int stored = buf.getInt();
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, buf.capacity() - 4);
        if ((int) crc.getValue() != stored) {
            throw new IOException(file + ": CRC mismatch");
        }
        return new Loaded(term, index, MetadataRecordSerde.decodeBatch(batch));
    }
}
