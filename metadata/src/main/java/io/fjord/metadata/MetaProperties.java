package io.fjord.metadata;

import io.fjord.protocol.Uuid;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

/**
 * The identity of a metadata (or log) directory, in Kafka's {@code meta.properties} format:
 * <pre>
 * version=1
 * cluster.id=&lt;22-char base64 uuid&gt;
 * node.id=&lt;int&gt;
 * directory.id=&lt;22-char base64 uuid&gt;
 * </pre>
 * Written once when the directory is first used (temp file, fsync, atomic rename) and only read after
 * that, so the cluster id survives restarts. Immutable.
 */
public record MetaProperties(String clusterId, int nodeId, Uuid directoryId) {

    public static final String FILE_NAME = "meta.properties";

    /**
     * Reads {@code dir/meta.properties}, or creates it with a new cluster id (or {@code clusterIdIfNew} when
     * not null) and a new directory id. Fails if the file names another node id.
     */
    public static MetaProperties loadOrCreate(Path dir, int nodeId, String clusterIdIfNew) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (Files.exists(file)) {
            MetaProperties existing = load(file);
            if (existing.nodeId() != nodeId) {
                throw new IllegalStateException(file + " belongs to node.id=" + existing.nodeId()
                        + ", but this node is node.id=" + nodeId);
            }
            return existing;
        }
        Files.createDirectories(dir);
        MetaProperties created = new MetaProperties(
                clusterIdIfNew != null ? clusterIdIfNew : Uuid.randomUuid().toString(), nodeId, Uuid.randomUuid());
        created.write(file);
        return created;
    }

    public static MetaProperties load(Path file) throws IOException {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
        }
        String version = props.getProperty("version");
        if (!"1".equals(version)) {
            throw new IllegalStateException(file + ": unsupported version " + version);
        }
        String clusterId = require(props, "cluster.id", file);
        int nodeId = Integer.parseInt(require(props, "node.id", file));
        String dirId = props.getProperty("directory.id");
        return new MetaProperties(clusterId, nodeId, dirId == null ? Uuid.ZERO : Uuid.fromString(dirId));
    }

    private static String require(Properties props, String key, Path file) {
        String v = props.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException(file + ": missing " + key);
        }
        return v.trim();
    }

    private void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            out.write("#\n#" + java.time.Instant.now() + "\n");
            out.write("cluster.id=" + clusterId + "\n");
            out.write("directory.id=" + directoryId + "\n");
            out.write("node.id=" + nodeId + "\n");
            out.write("version=1\n");
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
