package io.fjord.protocol.conformance;

import io.fjord.codegen.ApiSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The client-facing APIs Fjord must speak, with the versions an Apache Kafka 4.1 broker advertises
 * (shared/reference/kafka-4.1-api-versions.txt): each needs a schema covering at least that range.
 */
class SchemaCoverageTest {

    record Advertised(int apiKey, String name, int low, int high) {
    }

    static final List<Advertised> REQUIRED = List.of(
            new Advertised(18, "ApiVersions", 0, 4),
            new Advertised(3, "Metadata", 0, 13),
            new Advertised(0, "Produce", 0, 13),
            new Advertised(1, "Fetch", 4, 18),
            new Advertised(2, "ListOffsets", 1, 10),
            new Advertised(10, "FindCoordinator", 0, 6),
            new Advertised(11, "JoinGroup", 0, 9),
            new Advertised(14, "SyncGroup", 0, 5),
            new Advertised(12, "Heartbeat", 0, 4),
            new Advertised(13, "LeaveGroup", 0, 5),
            new Advertised(8, "OffsetCommit", 2, 9),
            new Advertised(9, "OffsetFetch", 1, 9),
            new Advertised(15, "DescribeGroups", 0, 6),
            new Advertised(16, "ListGroups", 0, 5),
            new Advertised(42, "DeleteGroups", 0, 2),
            new Advertised(47, "OffsetDelete", 0, 0),
            new Advertised(68, "ConsumerGroupHeartbeat", 0, 1),
            new Advertised(69, "ConsumerGroupDescribe", 0, 1),
            new Advertised(19, "CreateTopics", 2, 7),
            new Advertised(20, "DeleteTopics", 1, 6),
            new Advertised(37, "CreatePartitions", 0, 3),
            new Advertised(21, "DeleteRecords", 0, 2),
            new Advertised(32, "DescribeConfigs", 1, 4),
            new Advertised(33, "AlterConfigs", 0, 2),
            new Advertised(44, "IncrementalAlterConfigs", 0, 1),
            new Advertised(60, "DescribeCluster", 0, 2),
            new Advertised(75, "DescribeTopicPartitions", 0, 0),
            new Advertised(35, "DescribeLogDirs", 1, 4),
            new Advertised(43, "ElectLeaders", 0, 2),
            new Advertised(45, "AlterPartitionReassignments", 0, 1),
            new Advertised(46, "ListPartitionReassignments", 0, 0),
            new Advertised(23, "OffsetForLeaderEpoch", 2, 4),
            new Advertised(22, "InitProducerId", 0, 5),
            new Advertised(24, "AddPartitionsToTxn", 0, 5),
            new Advertised(25, "AddOffsetsToTxn", 0, 4),
            new Advertised(26, "EndTxn", 0, 5),
            new Advertised(28, "TxnOffsetCommit", 0, 5),
            new Advertised(27, "WriteTxnMarkers", 1, 1),
            new Advertised(61, "DescribeProducers", 0, 0),
            new Advertised(65, "DescribeTransactions", 0, 0),
            new Advertised(66, "ListTransactions", 0, 2),
            new Advertised(17, "SaslHandshake", 0, 1),
            new Advertised(36, "SaslAuthenticate", 0, 2),
            new Advertised(29, "DescribeAcls", 1, 3),
            new Advertised(30, "CreateAcls", 1, 3),
            new Advertised(31, "DeleteAcls", 1, 3),
            new Advertised(50, "DescribeUserScramCredentials", 0, 0),
            new Advertised(51, "AlterUserScramCredentials", 0, 0),
            new Advertised(48, "DescribeClientQuotas", 0, 1),
            new Advertised(49, "AlterClientQuotas", 0, 1)
    );

    @Test
    void everyRequiredApiHasASchemaCoveringTheVersionsKafkaAdvertises() {
        List<String> problems = new ArrayList<>();
        for (Advertised required : REQUIRED) {
            ApiSpec api = Schemas.all().stream().filter(a -> a.apiKey() == required.apiKey()).findFirst().orElse(null);
            if (api == null) {
                problems.add(required.name() + ": no schema");
            } else if (!api.name().equals(required.name())) {
                problems.add(required.name() + ": schema calls API " + required.apiKey() + " " + api.name());
            } else if (api.valid().low() > required.low() || api.valid().high() < required.high()) {
                problems.add(required.name() + ": schema covers " + api.valid() + ", Kafka advertises " + required.low() + "-" + required.high());
            }
        }
        assertEquals(List.of(), problems);
        assertEquals(50, REQUIRED.size());
    }
}
