package io.fjord.broker.api;

import io.fjord.broker.log.PartitionManager;
import io.fjord.log.LogManager;
import io.fjord.log.PartitionLog;
import io.fjord.log.TopicPartition;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.DescribeLogDirsRequest;
import io.fjord.protocol.message.DescribeLogDirsRequest.DescribableLogDirTopic;
import io.fjord.protocol.message.DescribeLogDirsResponse;
import io.fjord.protocol.message.DescribeLogDirsResponse.DescribeLogDirsPartition;
import io.fjord.protocol.message.DescribeLogDirsResponse.DescribeLogDirsResult;
import io.fjord.protocol.message.DescribeLogDirsResponse.DescribeLogDirsTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Answers DescribeLogDirs (API 35, v1-4): one result per configured log directory (absolute path), with the
 * partitions whose logs it holds (null topics = every partition, else those asked for): size in bytes of the
 * segments, offset lag 0 (a leader's high watermark is its log end offset on a single node), isFuture false
 * (no replica moves between directories). v4+ adds the file store's total and usable bytes. An offline
 * directory answers KAFKA_STORAGE_ERROR and nothing else. File-store queries run on the
 * {@link PartitionManager}'s I/O executor. Thread-safe.
 */
public final class DescribeLogDirsHandler implements ApiHandler<DescribeLogDirsRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(DescribeLogDirsHandler.class);

    private final List<Path> logDirs;
    private final PartitionManager partitions;

    public DescribeLogDirsHandler(List<Path> logDirs, PartitionManager partitions) {
        this.logDirs = logDirs.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        this.partitions = partitions;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DESCRIBE_LOG_DIRS;
    }

    @Override
    public CompletableFuture<DescribeLogDirsResponse> handle(RequestContext context, DescribeLogDirsRequest request) {
        return CompletableFuture.supplyAsync(() -> answer(request), partitions.ioExecutor(context.clientAddress()));
    }

    private DescribeLogDirsResponse answer(DescribeLogDirsRequest request) {
        LogManager manager = partitions.logManager();
        Set<TopicPartition> wanted = null;
        if (request.topics() != null) {
            wanted = new HashSet<>();
            for (DescribableLogDirTopic t : request.topics()) {
                for (int p : t.partitions()) {
                    wanted.add(new TopicPartition(t.topic(), p));
                }
            }
        }
        Set<Path> offline = new HashSet<>();
        manager.offlineLogDirs().forEach(d -> offline.add(d.toAbsolutePath().normalize()));
        Map<TopicPartition, PartitionLog> logs = manager.allLogs();
        List<DescribeLogDirsResult> results = new ArrayList<>();
        for (Path dir : logDirs) {
            DescribeLogDirsResult result = new DescribeLogDirsResult().setLogDir(dir.toString());
            if (offline.contains(dir)) {
                results.add(result.setErrorCode(ErrorCode.KAFKA_STORAGE_ERROR.code()));
                continue;
            }
            try {
                FileStore store = Files.getFileStore(dir);
                result.setTotalBytes(nonNegative(store.getTotalSpace())).setUsableBytes(nonNegative(store.getUsableSpace()));
            } catch (IOException e) {
                LOG.warn("Cannot read the file store of log directory {}", dir, e);
                results.add(result.setErrorCode(ErrorCode.KAFKA_STORAGE_ERROR.code()));
                continue;
            }
            Map<String, List<DescribeLogDirsPartition>> byTopic = new TreeMap<>();
            for (Map.Entry<TopicPartition, PartitionLog> e : logs.entrySet()) {
                TopicPartition tp = e.getKey();
                PartitionLog log = e.getValue();
                if (!log.dir().getParent().toAbsolutePath().normalize().equals(dir)
                        || (wanted != null && !wanted.contains(tp))) {
                    continue;
                }
                byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(new DescribeLogDirsPartition()
                        .setPartitionIndex(tp.partition()).setPartitionSize(log.size()).setOffsetLag(0)
                        .setIsFutureKey(false));
            }
            List<DescribeLogDirsTopic> topics = new ArrayList<>();
            byTopic.forEach((name, ps) -> {
                ps.sort((a, b) -> Integer.compare(a.partitionIndex(), b.partitionIndex()));
                topics.add(new DescribeLogDirsTopic().setName(name).setPartitions(ps));
            });
            results.add(result.setErrorCode(ErrorCode.NONE.code()).setTopics(topics));
        }
        return new DescribeLogDirsResponse().setErrorCode(ErrorCode.NONE.code()).setResults(results);
    }

    /** Kafka reports file systems larger than Long.MAX_VALUE bytes (negative sizes) as Long.MAX_VALUE. */
    private static long nonNegative(long bytes) {
        return bytes < 0 ? Long.MAX_VALUE : bytes;
    }

    @Override
    public DescribeLogDirsResponse errorResponse(DescribeLogDirsRequest request, ErrorCode error) {
        return new DescribeLogDirsResponse().setErrorCode(error.code()).setResults(List.of());
    }
}
