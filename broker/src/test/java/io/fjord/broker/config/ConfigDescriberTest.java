package io.fjord.broker.config;

import io.fjord.metadata.ConfigResource;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.MetadataRecord;
import io.fjord.metadata.TopicConfigs;
import io.fjord.protocol.Uuid;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigDescriberTest {

    private static MetadataImage image(MetadataRecord... records) {
        return MetadataImage.EMPTY.toDelta().replayAll(List.of(records)).apply(records.length);
    }

    private static MetadataRecord config(ConfigResource.Type type, String name, String key, String value) {
        return new MetadataRecord.ConfigRecord(type, name, key, value);
    }

    private static ConfigDescriber.Entry entry(List<ConfigDescriber.Entry> entries, String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }

    private static List<String> synonyms(ConfigDescriber.Entry e) {
        return e.synonyms().stream().map(s -> s.source() + ":" + s.name() + "=" + s.value()).toList();
    }

    @Test
    void topicValueComesFromTheMostSpecificLayer() {
        MetadataImage image = image(new MetadataRecord.TopicRecord("t", Uuid.randomUuid()),
                config(ConfigResource.Type.BROKER, "", "log.segment.bytes", "3000000"),
                config(ConfigResource.Type.BROKER, "1", "log.segment.bytes", "4000000"));
        ConfigDescriber describer = new ConfigDescriber(Map.of("log.segment.bytes", "2000000"), 1);

        ConfigDescriber.Entry fromNode = entry(describer.topicEntries(image, Map.of(), true), "segment.bytes");
        ConfigDescriber.Entry fromTopic = entry(describer.topicEntries(image, Map.of("segment.bytes", "5000000"), true),
                "segment.bytes");

        assertEquals("4000000", fromNode.value());
        assertEquals(ConfigDescriber.DYNAMIC_BROKER_CONFIG, fromNode.source());
        assertEquals(List.of("2:log.segment.bytes=4000000", "3:log.segment.bytes=3000000", "4:log.segment.bytes=2000000",
                "5:log.segment.bytes=1073741824"), synonyms(fromNode));
        assertEquals("5000000", fromTopic.value());
        assertEquals(ConfigDescriber.TOPIC_CONFIG, fromTopic.source());
        assertEquals(5, fromTopic.synonyms().size());
        assertEquals(4_000_000, describer.logConfig(image, "t").segmentBytes());
    }

    @Test
    void describeSynonymsOfRetentionStartAtTheMillisecondKeyAsKafka() {
        ConfigDescriber describer = new ConfigDescriber(Map.of("log.retention.hours", "2"), 1);

        ConfigDescriber.Entry described = entry(describer.topicEntries(MetadataImage.EMPTY, Map.of(), true), "retention.ms");
        ConfigDescriber.Entry created = entry(describer.topicEntries(MetadataImage.EMPTY, Map.of(), false), "retention.ms");

        assertEquals("7200000", described.value());
        assertEquals(List.of(), described.synonyms());
        assertEquals(ConfigDescriber.DEFAULT_CONFIG, described.source());
        assertEquals(ConfigDescriber.STATIC_BROKER_CONFIG, created.source());
    }

    @Test
    void everyTopicConfigIsListedWithItsType() {
        List<ConfigDescriber.Entry> entries = new ConfigDescriber(Map.of(), 1).topicEntries(MetadataImage.EMPTY, Map.of(), true);

        assertEquals(TopicConfigs.NAMES.size(), entries.size());
        assertEquals(TopicConfigs.Type.LIST.id(), entry(entries, "cleanup.policy").type());
        assertEquals("delete", entry(entries, "cleanup.policy").value());
        assertEquals("false", entry(entries, "preallocate").value());
    }

    @Test
    void brokerEntriesMarkStaticKeysReadOnlyAndUnknownKeysSensitive() {
        ConfigDescriber describer = new ConfigDescriber(Map.of("node.id", "1", "custom.thing", "secret"), 1);

        List<ConfigDescriber.Entry> entries = describer.brokerEntries(MetadataImage.EMPTY);

        assertTrue(entry(entries, "node.id").readOnly());
        assertFalse(entry(entries, "log.segment.bytes").readOnly());
        ConfigDescriber.Entry custom = entry(entries, "custom.thing");
        assertTrue(custom.sensitive());
        assertNull(custom.value());
        ConfigDescriber.Entry retentionMs = entry(entries, "log.retention.ms");
        assertNull(retentionMs.value());
        assertEquals(ConfigDescriber.DEFAULT_CONFIG, retentionMs.source());
    }

    @Test
    void clusterDefaultsListOnlyDynamicDefaults() {
        MetadataImage image = image(config(ConfigResource.Type.BROKER, "", "log.retention.ms", "1000"));

        List<ConfigDescriber.Entry> entries = new ConfigDescriber(Map.of("log.segment.bytes", "2000000"), 1)
                .clusterDefaultEntries(image);

        assertEquals(List.of("log.retention.ms"), entries.stream().map(ConfigDescriber.Entry::name).toList());
        assertEquals(ConfigDescriber.DYNAMIC_DEFAULT_BROKER_CONFIG, entries.get(0).source());
    }
}
