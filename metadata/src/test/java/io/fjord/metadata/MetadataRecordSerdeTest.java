package io.fjord.metadata;

import io.fjord.metadata.MetadataRecord.ConfigRecord;
import io.fjord.metadata.MetadataRecord.Endpoint;
import io.fjord.metadata.MetadataRecord.FeatureLevelRecord;
import io.fjord.metadata.MetadataRecord.PartitionChangeRecord;
import io.fjord.metadata.MetadataRecord.PartitionRecord;
import io.fjord.metadata.MetadataRecord.RegisterBrokerRecord;
import io.fjord.metadata.MetadataRecord.RemoveTopicRecord;
import io.fjord.metadata.MetadataRecord.TopicRecord;
import io.fjord.protocol.Uuid;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Example;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MetadataRecordSerdeTest {

    @Property(tries = 500)
    void everyRecordRoundTrips(@ForAll("records") MetadataRecord record) {
        assertEquals(record, MetadataRecordSerde.decode(MetadataRecordSerde.encode(record)));
    }

    @Property(tries = 200)
    void batchesRoundTripInOrder(@ForAll("batches") List<MetadataRecord> batch) {
        assertEquals(batch, MetadataRecordSerde.decodeBatch(MetadataRecordSerde.encodeBatch(batch)));
    }

    @Property(tries = 200)
    void truncatedRecordIsRejected(@ForAll("records") MetadataRecord record) {
        byte[] bytes = MetadataRecordSerde.encode(record);
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 1);
        assertThrows(IllegalArgumentException.class, () -> MetadataRecordSerde.decode(cut));
    }

    @Example
    void unknownVersionIsRejected() {
        byte[] bytes = MetadataRecordSerde.encode(new RemoveTopicRecord(Uuid.randomUuid()));
        bytes[0] = 9;
        assertThrows(IllegalArgumentException.class, () -> MetadataRecordSerde.decode(bytes));
    }

    @Example
    void unknownTypeIsRejected() {
        byte[] bytes = MetadataRecordSerde.encode(new RemoveTopicRecord(Uuid.randomUuid()));
        bytes[1] = 99;
        assertThrows(IllegalArgumentException.class, () -> MetadataRecordSerde.decode(bytes));
    }

    @Provide
    Arbitrary<List<MetadataRecord>> batches() {
        return records().list().ofMaxSize(20);
    }

    @Provide
    Arbitrary<MetadataRecord> records() {
        Arbitrary<Uuid> ids = Arbitraries.longs().tuple2().map(t -> new Uuid(t.get1(), t.get2()));
        Arbitrary<String> names = Arbitraries.strings().ofMaxLength(40);
        Arbitrary<String> nullableNames = names.injectNull(0.2);
        Arbitrary<List<Integer>> ints = Arbitraries.integers().list().ofMaxSize(8);
        Arbitrary<Endpoint> endpoints = Combinators.combine(names, names, Arbitraries.integers().between(0, 65535),
                Arbitraries.shorts()).as(Endpoint::new);
        return Arbitraries.oneOf(
                Combinators.combine(names, ids).as(TopicRecord::new),
                Combinators.combine(ids, Arbitraries.integers(), ints, ints, Arbitraries.integers(),
                        Arbitraries.integers(), Arbitraries.integers()).as(PartitionRecord::new),
                Combinators.combine(ids, Arbitraries.integers(), Arbitraries.integers(), ints.injectNull(0.3))
                        .as(PartitionChangeRecord::new),
                Combinators.combine(Arbitraries.of(ConfigResource.Type.class), names, names, nullableNames)
                        .as(ConfigRecord::new),
                ids.map(RemoveTopicRecord::new),
                Combinators.combine(Arbitraries.integers(), Arbitraries.longs(), endpoints.list().ofMaxSize(4),
                        nullableNames).as(RegisterBrokerRecord::new),
                Combinators.combine(names, Arbitraries.shorts()).as(FeatureLevelRecord::new));
    }
}
