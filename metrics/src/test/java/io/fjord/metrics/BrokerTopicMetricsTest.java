package io.fjord.metrics;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static io.fjord.metrics.RequestMetricsTest.assertLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

class BrokerTopicMetricsTest {

    @Test
    void marksWhileRecordingIsPausedAreNotCounted() {
        try (BrokerMetrics metrics = BrokerMetrics.create(true, false)) {
            BrokerTopicMetrics.Topics topics = new BrokerTopicMetrics.Topics(metrics);
            BrokerTopicMetrics a = topics.topic("a");
            metrics.pauseRecording();
            assertFalse(metrics.recording());
            a.markProduceRequest();
            a.markAppended(10, 1000);
            a.markFailedProduce();
            a.markFetchRequest();
            a.markFailedFetch();
            a.markBytesOut(700);
            metrics.resumeRecording();
            a.markAppended(3, 30);

            assertEquals(3, a.messagesIn());
            assertEquals(30, topics.allTopics().bytesIn());
            assertEquals(0, topics.allTopics().totalProduceRequests());
            assertEquals(0, a.failedProduceRequests() + a.totalFetchRequests() + a.failedFetchRequests() + a.bytesOut());
            assertLine(metrics.scrape(), "kafka_server_brokertopicmetrics_messagesin_total{topic=\"a\"} 3.0");
        }
    }

    @Test
    void aTopicsCountsAlsoGoToTheBrokerWideSeries() {
        try (BrokerMetrics metrics = BrokerMetrics.create(true, false)) {
            BrokerTopicMetrics.Topics topics = new BrokerTopicMetrics.Topics(metrics);
            BrokerTopicMetrics a = topics.topic("a");
            BrokerTopicMetrics b = topics.topic("b");
            a.markProduceRequest();
            a.markAppended(10, 1000);
            b.markProduceRequest();
            b.markAppended(5, 300);
            b.markFailedProduce();
            a.markFetchRequest();
            a.markFailedFetch();
            a.markBytesOut(700);

            assertEquals(10, a.messagesIn());
            assertEquals(15, topics.allTopics().messagesIn());
            assertEquals(1300, topics.allTopics().bytesIn());
            assertEquals(2, topics.allTopics().totalProduceRequests());
            assertEquals(1, topics.allTopics().failedProduceRequests());
            assertEquals(0, a.failedProduceRequests());
            String scrape = metrics.scrape();
            assertLine(scrape, "kafka_server_brokertopicmetrics_messagesin_total{topic=\"a\"} 10.0");
            assertLine(scrape, "kafka_server_brokertopicmetrics_messagesin_total 15.0");
            assertLine(scrape, "kafka_server_brokertopicmetrics_bytesin_total{topic=\"b\"} 300.0");
            assertLine(scrape, "kafka_server_brokertopicmetrics_bytesout_total 700.0");
            assertLine(scrape, "kafka_server_brokertopicmetrics_totalfetchrequests_total{topic=\"a\"} 1.0");
            assertLine(scrape, "kafka_server_brokertopicmetrics_failedfetchrequests_total 1.0");
            assertLine(scrape, "kafka_server_brokertopicmetrics_failedproducerequests_total{topic=\"b\"} 1.0");
        }
    }

    @Test
    void aTopicsMetersAreCreatedOnceAndRemovedWithTheTopic() {
        try (BrokerMetrics metrics = BrokerMetrics.create(true, false)) {
            BrokerTopicMetrics.Topics topics = new BrokerTopicMetrics.Topics(metrics);
            BrokerTopicMetrics gone = topics.topic("gone");
            assertSame(gone, topics.topic("gone"));
            gone.markAppended(3, 30);
            topics.topic("kept").markAppended(1, 10);

            topics.retainOnly(Set.of("kept")::contains);

            String scrape = metrics.scrape();
            assertFalse(scrape.contains("topic=\"gone\""), scrape);
            assertLine(scrape, "kafka_server_brokertopicmetrics_messagesin_total{topic=\"kept\"} 1.0");
            assertLine(scrape, "kafka_server_brokertopicmetrics_messagesin_total 4.0");
            assertEquals(0, topics.topic("gone").messagesIn(), "a re-created topic starts from zero");
        }
    }
}
