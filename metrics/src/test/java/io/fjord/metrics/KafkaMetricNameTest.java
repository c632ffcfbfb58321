package io.fjord.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class KafkaMetricNameTest {

    @Test
    void objectNameKeepsKafkasFormAndTagOrder() throws Exception {
        KafkaMetricName name = KafkaMetricName.of("kafka.network", "RequestMetrics", "RequestsPerSec",
                "request", "Produce", "version", "9");

        ObjectName on = name.objectName();

        assertEquals("kafka.network:type=RequestMetrics,name=RequestsPerSec,request=Produce,version=9",
                on.toString());
        assertEquals(new ObjectName("kafka.network:version=9,type=RequestMetrics,request=Produce,name=RequestsPerSec"), on);
    }

    @Test
    void tagValuesWithJmxSpecialCharactersAreQuotedAsKafkaDoes() {
        KafkaMetricName name = KafkaMetricName.of("kafka.server", "FetcherStats", "BytesPerSec",
                "clientId", "a,b=c:d\"e*");

        ObjectName on = name.objectName();

        assertEquals(ObjectName.quote("a,b=c:d\"e*"), on.getKeyProperty("clientId"));
        assertEquals("a,b=c:d\"e*", ObjectName.unquote(on.getKeyProperty("clientId")));
    }

    @Test
    void plainTagValuesAreNotQuoted() {
        ObjectName on = KafkaMetricName.of("kafka.log", "Log", "Size", "topic", "my-topic.v1_2", "partition", "0")
                .objectName();

        assertEquals("my-topic.v1_2", on.getKeyProperty("topic"));
    }

    @Test
    void emptyTagValuesAreDroppedSoTheBrokerWideNameIsTheSame() {
        KafkaMetricName withEmpty = KafkaMetricName.of("kafka.server", "BrokerTopicMetrics", "MessagesInPerSec",
                "topic", "");
        KafkaMetricName without = KafkaMetricName.of("kafka.server", "BrokerTopicMetrics", "MessagesInPerSec");

        assertEquals(without, withEmpty);
        assertEquals(List.of(), withEmpty.tags());
        assertNull(withEmpty.tag("topic"));
    }

    @Test
    void equalityFollowsTagsInOrder() {
        KafkaMetricName a = KafkaMetricName.of("d", "T", "N", "k", "v");
        KafkaMetricName b = new KafkaMetricName("d", "T", "N", List.of(Map.entry("k", "v")));

        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
    }

    @Test
    void micrometerNameLowercasesAndDropsPerSec() {
        assertEquals("kafka.server.brokertopicmetrics.messagesin",
                KafkaMetricName.of("kafka.server", "BrokerTopicMetrics", "MessagesInPerSec").micrometerName());
        assertEquals("kafka.network.requestmetrics.totaltimems",
                KafkaMetricName.of("kafka.network", "RequestMetrics", "TotalTimeMs").micrometerName());
    }

    @Test
    void invalidNamesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> KafkaMetricName.of("d", "T", "N", "k"));
        assertThrows(IllegalArgumentException.class, () -> KafkaMetricName.of("d", "", "N"));
        assertThrows(IllegalArgumentException.class, () -> KafkaMetricName.of("d:x", "T", "N"));
        assertThrows(IllegalArgumentException.class, () -> KafkaMetricName.of("d", "T", "N", "a=b", "v"));
        assertThrows(IllegalArgumentException.class, () -> KafkaMetricName.of("d", "T", "N", "k", "1", "k", "2"));
        assertThrows(IllegalArgumentException.class, () -> KafkaMetricName.of("d", "T", "N", "k", "", "k", "2"));
        assertThrows(IllegalArgumentException.class, () -> KafkaMetricName.of("d", "T", "N", "name", "x"));
    }
}
