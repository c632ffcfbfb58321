package io.fjord.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Opens segment .log files for reading and writing, creating them if missing; the I/O seam that tests fail on purpose. */
@FunctionalInterface
public interface FileChannelFactory {
    FileChannelFactory DEFAULT = file -> FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);

    FileChannel open(Path file) throws IOException;
}
