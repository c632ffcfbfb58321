package io.fjord.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kafka-clients' AdminClient against a real in-process broker (metadata quorum + handlers). */
class AdminClientIT {
    @RegisterExtension
    final InProcessBrokerExtension broker = new InProcessBrokerExtension();
    private Admin admin;

    @BeforeEach
    void createAdmin() {
        admin = broker.admin();
    }

    private static Throwable cause(ExecutionException e) {
        return e.getCause();
    }

    @Test
    @Timeout(60)
    void createTopicIsListedAndDescribedWithThisNodeAsLeader() throws Exception {
        CreateTopicsResult created = admin.createTopics(List.of(new NewTopic("orders", 3, (short) 1)
                .configs(Map.of("cleanup.policy", "compact"))));
        created.all().get();
        Uuid id = created.topicId("orders").get();
        assertNotEquals(Uuid.ZERO_UUID, id);
        assertEquals(3, created.numPartitions("orders").get());
        assertEquals(1, created.replicationFactor("orders").get());

        assertEquals(Set.of("orders"), admin.listTopics().names().get());

        TopicDescription d = admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders");
        assertEquals(id, d.topicId());
        assertFalse(d.isInternal());
        assertEquals(3, d.partitions().size());
        for (TopicPartitionInfo p : d.partitions()) {
            assertEquals(1, p.leader().id());
            assertEquals(broker.port(), p.leader().port());
            assertEquals(List.of(1), p.replicas().stream().map(Node::id).toList());
            assertEquals(List.of(1), p.isr().stream().map(Node::id).toList());
        }
        TopicDescription byId = admin.describeTopics(TopicCollection.ofTopicIds(List.of(id)))
                .allTopicIds().get().get(id);
        assertEquals("orders", byId.name());
    }

    @Test
    @Timeout(60)
    void validateOnlyCreatesNothing() throws Exception {
        admin.createTopics(List.of(new NewTopic("dry", 2, (short) 1)), new CreateTopicsOptions().validateOnly(true))
                .all().get();
        assertTrue(admin.listTopics().names().get().isEmpty());
    }

    @Test
    @Timeout(60)
    void badNamesDuplicatesAndReplicationFactorsFailWithKafkasExceptions() throws Exception {
        ExecutionException bad = assertThrows(ExecutionException.class,
                () -> admin.createTopics(List.of(new NewTopic("bad/name", 1, (short) 1))).all().get());
        assertInstanceOf(InvalidTopicException.class, cause(bad));

        admin.createTopics(List.of(new NewTopic("dup", 1, (short) 1))).all().get();
        ExecutionException dup = assertThrows(ExecutionException.class,
                () -> admin.createTopics(List.of(new NewTopic("dup", 1, (short) 1))).all().get());
        assertInstanceOf(TopicExistsException.class, cause(dup));

        ExecutionException rf = assertThrows(ExecutionException.class,
                () -> admin.createTopics(List.of(new NewTopic("wide", 1, (short) 3))).all().get());
        assertInstanceOf(InvalidReplicationFactorException.class, cause(rf));
        assertEquals(Set.of("dup"), admin.listTopics().names().get());
    }

    @Test
    @Timeout(60)
    void describeClusterNamesTheClusterThisNodeAndTheController() throws Exception {
        DescribeClusterResult cluster = admin.describeCluster();
        String clusterId = cluster.clusterId().get();
        assertNotNull(clusterId);
        assertEquals(broker.server().metadata().clusterId(), clusterId);
        Node node = cluster.nodes().get().iterator().next();
        assertEquals(1, cluster.nodes().get().size());
        assertEquals(1, node.id());
        assertEquals(broker.port(), node.port());
        assertEquals(1, cluster.controller().get().id());
    }

    @Test
    @Timeout(60)
    void createPartitionsGrowsATopic() throws Exception {
        admin.createTopics(List.of(new NewTopic("grow", 1, (short) 1))).all().get();
        admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(4))).all().get();
        assertEquals(4, admin.describeTopics(List.of("grow")).allTopicNames().get().get("grow").partitions().size());

        ExecutionException shrink = assertThrows(ExecutionException.class,
                () -> admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(2))).all().get());
        assertInstanceOf(InvalidPartitionsException.class, cause(shrink));
        ExecutionException missing = assertThrows(ExecutionException.class,
                () -> admin.createPartitions(Map.of("nope", NewPartitions.increaseTo(2))).all().get());
        assertInstanceOf(UnknownTopicOrPartitionException.class, cause(missing));
    }

    @Test
    @Timeout(60)
    void deleteTopicsByNameAndById() throws Exception {
        CreateTopicsResult created = admin.createTopics(List.of(new NewTopic("a", 1, (short) 1),
                new NewTopic("b", 1, (short) 1)));
        created.all().get();
        Uuid idB = created.topicId("b").get();
        admin.deleteTopics(TopicCollection.ofTopicNames(List.of("a"))).all().get();
        admin.deleteTopics(TopicCollection.ofTopicIds(List.of(idB))).all().get();
        assertTrue(admin.listTopics().names().get().isEmpty());

        ExecutionException byName = assertThrows(ExecutionException.class,
                () -> admin.deleteTopics(TopicCollection.ofTopicNames(List.of("a"))).all().get());
        assertInstanceOf(UnknownTopicOrPartitionException.class, cause(byName));
        ExecutionException byId = assertThrows(ExecutionException.class,
                () -> admin.deleteTopics(TopicCollection.ofTopicIds(List.of(idB))).all().get());
        assertInstanceOf(UnknownTopicIdException.class, cause(byId));
    }

    @Test
    @Timeout(90)
    void restartOnTheSameDirsKeepsTopicsAndClusterId() throws Exception {
        CreateTopicsResult created = admin.createTopics(List.of(new NewTopic("durable", 2, (short) 1)));
        created.all().get();
        Uuid id = created.topicId("durable").get();
        String clusterId = admin.describeCluster().clusterId().get();
        broker.restart();
        admin = broker.admin();
        assertEquals(clusterId, admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS));
        TopicDescription d = admin.describeTopics(List.of("durable")).allTopicNames().get().get("durable");
        assertEquals(id, d.topicId());
        assertEquals(2, d.partitions().size());
    }
}
