package io.fjord.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kafka-named MBeans of a bin/broker started with {@code JMX_PORT}, read over remote JMX (RMI, as jconsole and
 * JMX exporters connect) after stock clients produced a known number of records: the names, attribute names and
 * types Kafka's JmxReporter shows, and live values.
 */
class JmxIT {
    private static final int RECORDS = 30;
    private static final int VALUE_BYTES = 100;
    /** The attributes Kafka's JmxReporter shows for a Yammer Meter and a Histogram/Timer. */
    private static final Set<String> METER_ATTRIBUTES = Set.of("Count", "EventType", "RateUnit", "MeanRate",
            "OneMinuteRate", "FiveMinuteRate", "FifteenMinuteRate");
    private static final Set<String> HISTOGRAM_ATTRIBUTES = Set.of("Count", "Min", "Max", "Mean", "StdDev",
            "50thPercentile", "75thPercentile", "95thPercentile", "98thPercentile", "99thPercentile", "999thPercentile");

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void remoteJmxShowsKafkaNamedMBeansWithTheWorkloadsValues() throws Exception {
        int jmxPort = BrokerProcess.freePort();
        MetricsWorkload workload = MetricsWorkload.produceOnly("jmx-topic", 2, RECORDS, VALUE_BYTES);
        try (BrokerProcess broker = BrokerProcess.create(dir, Map.of("JMX_PORT", Integer.toString(jmxPort)));
             Admin admin = startAndConnectAdmin(broker)) {
            workload.run(broker.bootstrapServers(), admin);
            try (JMXConnector connector = connect(jmxPort)) {
                MBeanServerConnection jmx = connector.getMBeanServerConnection();
                int partitions = partitionCount(admin);
                assertAll(
                        () -> assertTopicMeters(jmx, workload.topic()),
                        () -> assertProduceTimes(jmx),
                        () -> assertBrokerGauges(jmx, partitions),
                        () -> assertLogGauges(jmx, workload.topic()));
            }
        }
    }

    /** BrokerTopicMetrics of the topic and broker-wide: Kafka's meter attributes, exact counts, a rate. */
    private static void assertTopicMeters(MBeanServerConnection jmx, String topic) throws Exception {
        ObjectName topicMessagesIn = name("kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec,topic=" + topic);
        assertEquals(METER_ATTRIBUTES, attributeNames(jmx, topicMessagesIn), "a meter's attributes, as Kafka's");
        assertEquals(RECORDS, (long) jmx.getAttribute(topicMessagesIn, "Count"), topicMessagesIn.toString());
        assertEquals("messages", jmx.getAttribute(topicMessagesIn, "EventType"));
        assertEquals("SECONDS", String.valueOf(jmx.getAttribute(topicMessagesIn, "RateUnit")));
        awaitPositive(jmx, topicMessagesIn, "OneMinuteRate");
        long allCount = (long) jmx.getAttribute(name("kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec"), "Count");
        assertTrue(allCount >= RECORDS, "broker-wide MessagesInPerSec Count " + allCount);
        long bytesIn = bytesIn(jmx, topic);
        assertTrue(bytesIn >= (long) RECORDS * VALUE_BYTES, "BytesInPerSec Count " + bytesIn);
        double size = gauge(jmx, "kafka.log:type=Log,name=Size,topic=" + topic + ",partition=0");
        assertEquals((double) bytesIn, size, "Log Size of the only partition produced to vs the topic's BytesInPerSec");
    }

    private static long bytesIn(MBeanServerConnection jmx, String topic) throws Exception {
        return (long) jmx.getAttribute(name("kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec,topic=" + topic),
                "Count");
    }

    /** ReplicaManager and KafkaController gauges of a single node that hosts and leads every partition. */
    private static void assertBrokerGauges(MBeanServerConnection jmx, int partitions) throws Exception {
        assertEquals(partitions, gauge(jmx, "kafka.server:type=ReplicaManager,name=PartitionCount"),
                "PartitionCount: the partitions of every topic, all hosted by this single node");
        assertEquals(partitions, gauge(jmx, "kafka.server:type=ReplicaManager,name=LeaderCount"));
        assertEquals(0, gauge(jmx, "kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions"));
        assertEquals(1, gauge(jmx, "kafka.controller:type=KafkaController,name=ActiveControllerCount"));
    }

    /** Log end offsets: the records produced to partition 0, none to partition 1. */
    private static void assertLogGauges(MBeanServerConnection jmx, String topic) throws Exception {
        assertEquals(RECORDS, gauge(jmx, "kafka.log:type=Log,name=LogEndOffset,topic=" + topic + ",partition=0"));
        assertEquals(0, gauge(jmx, "kafka.log:type=Log,name=LogEndOffset,topic=" + topic + ",partition=1"));
        assertEquals(0, gauge(jmx, "kafka.log:type=Log,name=LogStartOffset,topic=" + topic + ",partition=0"));
    }

    /** Produce's TotalTimeMs histogram: Kafka's attribute names, a count of at least one request per record. */
    private static void assertProduceTimes(MBeanServerConnection jmx) throws Exception {
        ObjectName totalTime = name("kafka.network:type=RequestMetrics,name=TotalTimeMs,request=Produce");
        assertEquals(HISTOGRAM_ATTRIBUTES, attributeNames(jmx, totalTime), "a timer's attributes, as Kafka's histograms");
        long count = (long) jmx.getAttribute(totalTime, "Count");
        assertTrue(count >= RECORDS, "Produce TotalTimeMs Count " + count + " < " + RECORDS + " (one request per record)");
        double p50 = (double) jmx.getAttribute(totalTime, "50thPercentile");
        double p99 = (double) jmx.getAttribute(totalTime, "99thPercentile");
        double max = (double) jmx.getAttribute(totalTime, "Max");
        double mean = (double) jmx.getAttribute(totalTime, "Mean");
        String values = "p50 " + p50 + ", p99 " + p99 + ", mean " + mean + ", max " + max;
        assertTrue(p50 >= 0 && p50 <= p99 && p99 < 10_000, values);
        assertTrue(mean > 0 && mean <= max, values);
        // Micrometer's percentiles may read a few percent above the exact value (docs/metrics.md).
        assertTrue(p99 <= max * 1.1 + 1, values);

        Set<ObjectName> requests = jmx.queryNames(
                name("kafka.network:type=RequestMetrics,name=RequestsPerSec,request=Produce,*"), null);
        assertFalse(requests.isEmpty(), "no RequestsPerSec MBean for Produce");
        long produced = 0;
        for (ObjectName perVersion : requests) {
            assertTrue(perVersion.getKeyProperty("version") != null, perVersion.toString());
            produced += (long) jmx.getAttribute(perVersion, "Count");
        }
        assertTrue(produced >= RECORDS, "Produce RequestsPerSec Count over " + requests + ": " + produced);
    }

    private static Admin startAndConnectAdmin(BrokerProcess broker) throws Exception {
        broker.start();
        return Clients.admin(broker.bootstrapServers());
    }

    /** The JVM's JMX agent serves as soon as the broker answers; retried briefly for a slow RMI registry. */
    private static JMXConnector connect(int port) throws Exception {
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
        long deadline = System.currentTimeMillis() + 15_000;
        while (true) {
            try {
                return JMXConnectorFactory.connect(url);
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("cannot connect to " + url, e);
                }
                Thread.sleep(200);
            }
        }
    }

    private static int partitionCount(Admin admin) throws Exception {
        Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
        int count = 0;
        for (TopicDescription description : admin.describeTopics(topics).allTopicNames().get().values()) {
            count += description.partitions().size();
        }
        return count;
    }

    /**
     * A gauge's Value: declared {@code Object}, a number. Waits up to 10 s for the MBean: per-partition Log gauges
     * follow the logs by a refresh every 5 s (docs/metrics.md).
     */
    private static double gauge(MBeanServerConnection jmx, String objectName) throws Exception {
        ObjectName name = name(objectName);
        long deadline = System.currentTimeMillis() + 10_000;
        while (!jmx.isRegistered(name) && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        Object value = jmx.getAttribute(name, "Value");
        assertTrue(value instanceof Number, objectName + " Value is " + value);
        return ((Number) value).doubleValue();
    }

    /**
     * A meter's rate is set by its first five-second tick (docs/metrics.md), so it is read until positive for up
     * to 15 s.
     */
    private static void awaitPositive(MBeanServerConnection jmx, ObjectName meter, String rate) throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        double value = (double) jmx.getAttribute(meter, rate);
        while (!(value > 0)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(meter + " " + rate + " still " + value + " after 15 s");
            }
            Thread.sleep(500);
            value = (double) jmx.getAttribute(meter, rate);
        }
    }

    private static Set<String> attributeNames(MBeanServerConnection jmx, ObjectName name) throws Exception {
        return Arrays.stream(jmx.getMBeanInfo(name).getAttributes()).map(MBeanAttributeInfo::getName)
                .collect(Collectors.toSet());
    }

    private static ObjectName name(String objectName) throws Exception {
        return new ObjectName(objectName);
    }
}
