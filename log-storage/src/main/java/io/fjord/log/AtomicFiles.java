package io.fjord.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file's content so that a crash leaves either the old or the new content, never a mix: the bytes go
 * to {@code <name>.tmp} beside the target, which is fsynced, renamed over the target atomically, and the
 * directory is fsynced so the rename itself survives. A {@code .tmp} left by an earlier crash is overwritten.
 * Without {@code durable} the fsyncs are left to a later {@link #sync}: a crash before it may leave the old
 * content, the new, or a damaged file, so readers of such files must detect damage (e.g. by a checksum).
 */
final class AtomicFiles {
    private AtomicFiles() {
    }

    static void write(Path target, byte[] content) throws IOException {
        write(target, content, true);
    }

    static void write(Path target, byte[] content, boolean durable) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(content);
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            if (durable) {
                channel.force(true);
            }
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (durable) {
            syncDirectory(target.toAbsolutePath().getParent());
        }
    }

    /** Makes a file written without {@code durable} durable: fsyncs it and its directory. */
    static void sync(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        syncDirectory(file.toAbsolutePath().getParent());
    }

    /** Fsyncs a directory, so that files created, renamed or deleted in it stay so after a crash. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
