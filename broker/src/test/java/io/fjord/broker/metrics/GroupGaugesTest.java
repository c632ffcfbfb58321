package io.fjord.broker.metrics;

import io.fjord.coordinator.GroupCounts;
import io.fjord.coordinator.GroupState;
import io.fjord.metrics.BrokerMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class GroupGaugesTest {
    private final BrokerMetrics metrics = BrokerMetrics.create(true, false);
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicReference<GroupCounts> counts = new AtomicReference<>(
            new GroupCounts(Map.of(GroupState.STABLE, 2, GroupState.EMPTY, 1, GroupState.PREPARING_REBALANCE, 1), 7));
    private final GroupGauges gauges = new GroupGauges(metrics, () -> {
        reads.incrementAndGet();
        return counts.get();
    }, nanos::get);

    @AfterEach
    void close() {
        metrics.close();
    }

    private double value(String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics.scrape());
        if (!m.find()) {
            throw new AssertionError(series + " is not in the scrape");
        }
        return Double.parseDouble(m.group(1));
    }

    @Test
    void kafkasGroupMetadataManagerGaugesReportTheCounts() {
        assertEquals(4, value("kafka_coordinator_group_groupmetadatamanager_numgroups"));
        assertEquals(7, value("kafka_coordinator_group_groupmetadatamanager_numoffsets"));
        assertEquals(2, value("kafka_coordinator_group_groupmetadatamanager_numgroupsstable"));
        assertEquals(1, value("kafka_coordinator_group_groupmetadatamanager_numgroupsempty"));
        assertEquals(1, value("kafka_coordinator_group_groupmetadatamanager_numgroupspreparingrebalance"));
        assertEquals(0, value("kafka_coordinator_group_groupmetadatamanager_numgroupscompletingrebalance"));
        assertEquals(0, value("kafka_coordinator_group_groupmetadatamanager_numgroupsdead"));
    }

    @Test
    void theNewCoordinatorsNamesReportTheSameCounts() {
        assertEquals(4, value("kafka_server_group_coordinator_metrics_group_count{protocol=\"classic\"}"));
        assertEquals(7, value("kafka_server_group_coordinator_metrics_offset_count"));
        assertEquals(2, value("kafka_server_group_coordinator_metrics_classic_group_count{state=\"Stable\"}"));
        assertEquals(1, value("kafka_server_group_coordinator_metrics_classic_group_count{state=\"Empty\"}"));
    }

    @Test
    void oneScrapeReadsTheCoordinatorOnceAndALaterOneSeesNewCounts() {
        metrics.scrape();
        assertEquals(1, reads.get());

        counts.set(new GroupCounts(Map.of(GroupState.DEAD, 3), 0));
        nanos.addAndGet(GroupGauges.MAX_AGE_NANOS + 1);

        assertEquals(3, value("kafka_coordinator_group_groupmetadatamanager_numgroupsdead"));
        assertEquals(0, value("kafka_coordinator_group_groupmetadatamanager_numgroupsstable"));
        assertEquals(2, reads.get());
    }

    @Test
    void closeRemovesTheGauges() {
        gauges.close();

        assertFalse(metrics.scrape().contains("groupmetadatamanager"));
        assertFalse(metrics.scrape().contains("group_coordinator_metrics"));
    }
}
