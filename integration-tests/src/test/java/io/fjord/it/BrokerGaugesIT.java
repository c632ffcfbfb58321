package io.fjord.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker's gauges over live state after a workload, read from the Prometheus scrape and from the Kafka-named
 * MBeans in this JVM's platform MBeanServer: partition, leader and controller counts against what the admin client
 * describes, a produced partition's log gauges against DescribeLogDirs, group counts, and consumer lag as produced
 * minus committed until the group is deleted.
 */
class BrokerGaugesIT {
    private static final String TOPIC = "gauges-t";
    private static final int PRODUCED = 10;
    private static final long COMMITTED = 4;
    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    @TempDir
    Path dir;

    /** The value of the one series {@code name} whose labels include every {@code label=value} given, or null. */
    private static Double series(String scrape, String name, String... labels) {
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE)
                .matcher(scrape);
        while (m.find()) {
            String found = m.group(1) == null ? "" : m.group(1);
            boolean all = true;
            for (int i = 0; i < labels.length; i += 2) {
                all &= found.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
            }
            if (all) {
                return Double.parseDouble(m.group(2));
            }
        }
        return null;
    }

    private static double jmx(String objectName) throws Exception {
        return ((Number) JMX.getAttribute(new ObjectName(objectName), "Value")).doubleValue();
    }

    private static int partitionsInCluster(Admin admin) throws Exception {
        Set<String> names = admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true))
                .names().get();
        int total = 0;
        for (TopicDescription d : admin.describeTopics(names).allTopicNames().get().values()) {
            total += d.partitions().size();
        }
        return total;
    }

    @Test
    @Timeout(120)
    void gaugesReportPartitionsLogsGroupsAndLagAfterAWorkload() throws Exception {
        try (InProcessBroker broker = InProcessBroker.start(dir, Map.of());
             Admin admin = Clients.admin(broker.bootstrap())) {
            var metrics = broker.server().metrics();
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
            Clients.produce(broker.bootstrap(), TOPIC, 0, PRODUCED, i -> "k" + i, i -> "value-" + i);

            try (KafkaConsumer<String, String> member = Clients.consumer(broker.bootstrap(), Map.of(
                    ConsumerConfig.GROUP_ID_CONFIG, "gauges-stable",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))) {
                member.subscribe(List.of(TOPIC));
                Eventually.until(30, () -> {
                    member.poll(Duration.ofMillis(100));
                    return !member.assignment().isEmpty();
                }, "the member's assignment", () -> "none yet");
                admin.alterConsumerGroupOffsets("gauges-lag",
                        Map.of(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(COMMITTED))).all().get();

                int partitions = partitionsInCluster(admin);
                Eventually.until(20, () -> {
                    String s = metrics.scrape();
                    Double lag = series(s, "kafka_consumergroup_lag", "consumergroup", "gauges-lag", "topic", TOPIC,
                            "partition", "0");
                    Double count = series(s, "kafka_server_replicamanager_partitioncount");
                    return lag != null && count != null && count == partitions;
                }, "the lag series and every partition counted", metrics::scrape);

                String scrape = metrics.scrape();
                assertEquals(partitions, series(scrape, "kafka_server_replicamanager_partitioncount"));
                assertEquals(partitions, series(scrape, "kafka_server_replicamanager_leadercount"));
                assertEquals(0.0, series(scrape, "kafka_server_replicamanager_underreplicatedpartitions"));
                assertEquals(0.0, series(scrape, "kafka_server_replicamanager_underminisrpartitioncount"));
                assertEquals(0.0, series(scrape, "kafka_server_replicamanager_offlinereplicacount"));
                assertEquals(0.0, series(scrape, "kafka_server_replicamanager_isrshrinks_total"));
                assertEquals(0.0, series(scrape, "kafka_server_replicamanager_isrexpands_total"));
                assertEquals(1.0, series(scrape, "kafka_controller_kafkacontroller_activecontrollercount"));
                assertEquals(partitions, series(scrape, "kafka_controller_kafkacontroller_globalpartitioncount"));
                assertEquals(0.0, series(scrape, "kafka_controller_kafkacontroller_offlinepartitionscount"));
                assertEquals(admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true))
                        .names().get().size(), series(scrape, "kafka_controller_kafkacontroller_globaltopiccount"));

                Map<Integer, Map<String, LogDirDescription>> dirs = admin.describeLogDirs(List.of(1)).allDescriptions()
                        .get();
                ReplicaInfo replica = dirs.get(1).values().iterator().next().replicaInfos()
                        .get(new TopicPartition(TOPIC, 0));
                String[] tp0 = {"topic", TOPIC, "partition", "0"};
                assertEquals(PRODUCED, series(scrape, "kafka_log_log_logendoffset", tp0));
                assertEquals(0.0, series(scrape, "kafka_log_log_logstartoffset", tp0));
                assertEquals(1.0, series(scrape, "kafka_log_log_numlogsegments", tp0));
                assertTrue(replica.size() > 0);
                assertEquals(replica.size(), series(scrape, "kafka_log_log_size", tp0));
                assertEquals(0.0, series(scrape, "kafka_log_log_logendoffset", "topic", TOPIC, "partition", "1"));

                assertEquals(2.0, series(scrape, "kafka_coordinator_group_groupmetadatamanager_numgroups"));
                assertEquals(1.0, series(scrape, "kafka_coordinator_group_groupmetadatamanager_numgroupsstable"));
                assertEquals(1.0, series(scrape, "kafka_coordinator_group_groupmetadatamanager_numgroupsempty"));
                assertEquals(1.0, series(scrape, "kafka_coordinator_group_groupmetadatamanager_numoffsets"));
                assertEquals(1.0, series(scrape, "kafka_server_group_coordinator_metrics_classic_group_count",
                        "state", "Stable"));

                assertEquals(PRODUCED - COMMITTED, series(scrape, "kafka_consumergroup_lag",
                        "consumergroup", "gauges-lag", "topic", TOPIC, "partition", "0"));
                assertEquals(COMMITTED, series(scrape, "kafka_consumergroup_current_offset",
                        "consumergroup", "gauges-lag", "topic", TOPIC, "partition", "0"));

                assertEquals(PRODUCED, jmx("kafka.log:type=Log,name=LogEndOffset,topic=" + TOPIC + ",partition=0"));
                assertEquals(partitions, jmx("kafka.server:type=ReplicaManager,name=LeaderCount"));
                assertEquals(1.0, jmx("kafka.controller:type=KafkaController,name=ActiveControllerCount"));
                assertEquals(2.0, jmx("kafka.coordinator.group:type=GroupMetadataManager,name=NumGroups"));
                assertEquals(PRODUCED - COMMITTED, jmx("kafka.server:type=ConsumerLag,name=Lag,group=gauges-lag,topic="
                        + TOPIC + ",partition=0"));

                Clients.produce(broker.bootstrap(), TOPIC, 0, 5, i -> null, i -> "more-" + i);
                assertEquals(PRODUCED + 5 - COMMITTED, series(metrics.scrape(), "kafka_consumergroup_lag",
                        "consumergroup", "gauges-lag", "topic", TOPIC, "partition", "0"), "lag follows the log end");
            }

            admin.deleteConsumerGroups(List.of("gauges-lag")).all().get();
            Eventually.until(20, () -> !metrics.scrape().contains("consumergroup=\"gauges-lag\""),
                    "the deleted group's lag series to go", metrics::scrape);
            assertFalse(JMX.isRegistered(new ObjectName("kafka.server:type=ConsumerLag,name=Lag,group=gauges-lag,topic="
                    + TOPIC + ",partition=0")));

            admin.deleteTopics(List.of(TOPIC)).all().get();
            Eventually.until(20, () -> !metrics.scrape().contains("topic=\"" + TOPIC + "\""),
                    "the deleted topic's log series to go", metrics::scrape);
            assertFalse(JMX.isRegistered(new ObjectName("kafka.log:type=Log,name=LogEndOffset,topic=" + TOPIC
                    + ",partition=0")));
        }
    }
}
