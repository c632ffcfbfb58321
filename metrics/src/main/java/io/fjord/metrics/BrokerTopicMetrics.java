package io.fjord.metrics;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Kafka's {@code kafka.server:type=BrokerTopicMetrics} meters of one topic ({@code topic} tag) or of all
 * topics (no tag): MessagesInPerSec, BytesInPerSec, BytesOutPerSec, TotalProduceRequestsPerSec,
 * TotalFetchRequestsPerSec, FailedProduceRequestsPerSec, FailedFetchRequestsPerSec.
 *
 * <p>A topic's instance also marks the all-topics instance: every {@code markXxx} counts once for the topic
 * and once broker-wide, as Kafka's BrokerTopicStats does. Instances come from a {@link Topics} registry
 * that creates a topic's meters once, the first time the topic is served, and removes them when the topic
 * is deleted; callers keep the instance with what they already hold for the topic rather than look it up per
 * request. Counting follows Kafka: produce and fetch requests per partition of a request, messages from
 * the batch headers (offsets appended), bytes as the records' size.
 *
 * <p>Thread-safe; marking is a LongAdder add per meter, skipped while {@link BrokerMetrics#recording()} is false.
 */
public final class BrokerTopicMetrics {
    public static final String DOMAIN = "kafka.server";
    public static final String TYPE = "BrokerTopicMetrics";

    private final BrokerMetrics metrics;
    private final String topic;
    private final BrokerTopicMetrics allTopics;
    private final KafkaMeter messagesIn;
    private final KafkaMeter bytesIn;
    private final KafkaMeter bytesOut;
    private final KafkaMeter totalProduceRequests;
    private final KafkaMeter totalFetchRequests;
    private final KafkaMeter failedProduceRequests;
    private final KafkaMeter failedFetchRequests;

    private BrokerTopicMetrics(BrokerMetrics metrics, String topic, BrokerTopicMetrics allTopics) {
        this.metrics = metrics;
        this.topic = topic;
        this.allTopics = allTopics;
        messagesIn = metrics.meter(name("MessagesInPerSec", topic), "messages");
        bytesIn = metrics.meter(name("BytesInPerSec", topic), "bytes");
        bytesOut = metrics.meter(name("BytesOutPerSec", topic), "bytes");
        totalProduceRequests = metrics.meter(name("TotalProduceRequestsPerSec", topic), "requests");
        totalFetchRequests = metrics.meter(name("TotalFetchRequestsPerSec", topic), "requests");
        failedProduceRequests = metrics.meter(name("FailedProduceRequestsPerSec", topic), "requests");
        failedFetchRequests = metrics.meter(name("FailedFetchRequestsPerSec", topic), "requests");
    }

    /** The name of {@code name} for {@code topic}; null or "" is the broker-wide series. */
    public static KafkaMetricName name(String name, String topic) {
        return KafkaMetricName.of(DOMAIN, TYPE, name, "topic", topic == null ? "" : topic);
    }

    /** The topic, or null for the all-topics instance. */
    public String topic() {
        return topic;
    }

    /** A produce to one partition arrived (TotalProduceRequestsPerSec). */
    public void markProduceRequest() {
        if (!metrics.recording()) {
            return;
        }
        totalProduceRequests.mark();
        if (allTopics != null) {
            allTopics.totalProduceRequests.mark();
        }
    }

    /** A partition's append succeeded: {@code messages} records (from the batch offsets), {@code bytes}. */
    public void markAppended(long messages, long bytes) {
        if (!metrics.recording()) {
            return;
        }
        messagesIn.mark(messages);
        bytesIn.mark(bytes);
        if (allTopics != null) {
            allTopics.messagesIn.mark(messages);
            allTopics.bytesIn.mark(bytes);
        }
    }

    /** A partition's append failed with a record or log error (FailedProduceRequestsPerSec). */
    public void markFailedProduce() {
        if (!metrics.recording()) {
            return;
        }
        failedProduceRequests.mark();
        if (allTopics != null) {
            allTopics.failedProduceRequests.mark();
        }
    }

    /** A partition was read for a fetch (TotalFetchRequestsPerSec). */
    public void markFetchRequest() {
        if (!metrics.recording()) {
            return;
        }
        totalFetchRequests.mark();
        if (allTopics != null) {
            allTopics.totalFetchRequests.mark();
        }
    }

    /** A partition's read failed with an unexpected error (FailedFetchRequestsPerSec). */
    public void markFailedFetch() {
        if (!metrics.recording()) {
            return;
        }
        failedFetchRequests.mark();
        if (allTopics != null) {
            allTopics.failedFetchRequests.mark();
        }
    }

    /** {@code bytes} of records were sent to a consumer (BytesOutPerSec; follower fetches are not counted). */
    public void markBytesOut(long bytes) {
        if (!metrics.recording()) {
            return;
        }
        bytesOut.mark(bytes);
        if (allTopics != null) {
            allTopics.bytesOut.mark(bytes);
        }
    }

    public long messagesIn() {
        return messagesIn.count();
    }

    public long bytesIn() {
        return bytesIn.count();
    }

    public long bytesOut() {
        return bytesOut.count();
    }

    public long totalProduceRequests() {
        return totalProduceRequests.count();
    }

    public long totalFetchRequests() {
        return totalFetchRequests.count();
    }

    public long failedProduceRequests() {
        return failedProduceRequests.count();
    }

    public long failedFetchRequests() {
        return failedFetchRequests.count();
    }

    /**
     * The broker's BrokerTopicMetrics: the all-topics instance and one instance per topic, created the first
     * time {@link #topic} asks for it and kept until {@link #remove}; {@link #topic} returns the same instance
     * until then. {@link #topic} is a map lookup: a hot path asks once per topic and keeps the instance with
     * the state it already holds for the topic (the broker's partition manager serves it with the topic's
     * logs), so requests count without a lookup; only rare paths (a partition refused before it reaches a log)
     * ask per request. Whoever holds an instance after {@link #remove} counts into meters no longer exported
     * (the broker-wide counts still add up). Thread-safe.
     */
    public static final class Topics {
        private final BrokerMetrics metrics;
        private final BrokerTopicMetrics allTopics;
        private final ConcurrentHashMap<String, BrokerTopicMetrics> byTopic = new ConcurrentHashMap<>();

        public Topics(BrokerMetrics metrics) {
            this.metrics = metrics;
            this.allTopics = new BrokerTopicMetrics(metrics, null, null);
        }

        public BrokerTopicMetrics allTopics() {
            return allTopics;
        }

        /** The meters of {@code topic} (an existing topic's name), created on first use. */
        public BrokerTopicMetrics topic(String topic) {
            BrokerTopicMetrics m = byTopic.get(topic);
            if (m == null) {
                m = byTopic.computeIfAbsent(topic, t -> new BrokerTopicMetrics(metrics, t, allTopics));
            }
            return m;
        }

        /** Removes the series of every topic {@code exists} rejects (topics deleted from the metadata image). */
        public void retainOnly(java.util.function.Predicate<String> exists) {
            for (String topic : byTopic.keySet()) {
                if (!exists.test(topic)) {
                    remove(topic);
                }
            }
        }

        /** Drops a deleted topic's series from Prometheus and JMX; the broker-wide counts keep what it added. */
        public void remove(String topic) {
            if (byTopic.remove(topic) != null) {
                metrics.removeMatching(n -> n.domain().equals(DOMAIN) && n.type().equals(TYPE)
                        && topic.equals(n.tag("topic")));
            }
        }
    }
}
