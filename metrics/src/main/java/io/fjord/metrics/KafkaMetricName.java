package io.fjord.metrics;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * Kafka-style metric identity: the JMX ObjectName {@code <domain>:type=<type>,name=<name>[,k=v...]}, tag order
 * kept as given.
 *
 * <p>Invariants: domain, type and name are non-empty; tags never hold a null or empty value (such tags are
 * dropped, as Kafka drops empty tags: {@code topic=""} names the broker-wide series, the same as no tag);
 * tag keys are unique. Two names are equal when domain, type, name and the ordered tags are equal.
 *
 * <p>The Prometheus name is derived by one rule (see docs/metrics.md):
 * {@code <domain, '.'->'_'>_<type lowercased>_<name lowercased, "PerSec" dropped>}, {@code _total} appended
 * for meters, tags as labels.
 *
 * <p>Immutable and thread-safe.
 */
public record KafkaMetricName(String domain, String type, String name, List<Map.Entry<String, String>> tags) {

    private static final Pattern JMX_SAFE = Pattern.compile("[\\w\\-%. \t]*");
    private static final Pattern DOMAIN_FORBIDDEN = Pattern.compile("[:,=*?\"\n]");
    private static final Pattern KEY_FORBIDDEN = Pattern.compile("[:,=*?\"\\s]");

    public KafkaMetricName {
        requireText(domain, "domain");
        requireText(type, "type");
        requireText(name, "name");
        if (DOMAIN_FORBIDDEN.matcher(domain).find()) {
            throw new IllegalArgumentException("invalid JMX domain: " + domain);
        }
        List<Map.Entry<String, String>> copy = new ArrayList<>(tags == null ? 0 : tags.size());
        Set<String> keys = new HashSet<>();
        if (tags != null) {
            for (Map.Entry<String, String> tag : tags) {
                String key = tag.getKey();
                requireText(key, "tag key");
                if (KEY_FORBIDDEN.matcher(key).find() || key.equals("type") || key.equals("name")) {
                    throw new IllegalArgumentException("invalid tag key: " + key);
                }
                if (!keys.add(key)) {
                    throw new IllegalArgumentException("duplicate tag key: " + key);
                }
                String value = tag.getValue();
                if (value != null && !value.isEmpty()) {
                    copy.add(Map.entry(key, value));
                }
            }
        }
        tags = List.copyOf(copy);
    }

    /** {@code of("kafka.server", "BrokerTopicMetrics", "MessagesInPerSec", "topic", "t")}. */
    public static KafkaMetricName of(String domain, String type, String name, String... tagKeyValues) {
        if (tagKeyValues.length % 2 != 0) {
            throw new IllegalArgumentException("tags must be key/value pairs, got " + tagKeyValues.length + " strings");
        }
        List<Map.Entry<String, String>> tags = new ArrayList<>(tagKeyValues.length / 2);
        for (int i = 0; i < tagKeyValues.length; i += 2) {
            requireText(tagKeyValues[i], "tag key");
            tags.add(new AbstractMap.SimpleImmutableEntry<>(tagKeyValues[i], tagKeyValues[i + 1]));
        }
        return new KafkaMetricName(domain, type, name, tags);
    }

    /** The value of tag {@code key}, or null. */
    public String tag(String key) {
        for (Map.Entry<String, String> tag : tags) {
            if (tag.getKey().equals(key)) {
                return tag.getValue();
            }
        }
        return null;
    }

    /**
     * The JMX name. Values that are not plain ({@code [\w-%. \t]*}) are quoted with {@link ObjectName#quote},
     * as Kafka's {@code Sanitizer.jmxSanitize} does for client ids and the like.
     */
    public ObjectName objectName() {
        StringBuilder sb = new StringBuilder(64);
        sb.append(domain).append(":type=").append(jmxValue(type)).append(",name=").append(jmxValue(name));
        for (Map.Entry<String, String> tag : tags) {
            sb.append(',').append(tag.getKey()).append('=').append(jmxValue(tag.getValue()));
        }
        try {
            return new ObjectName(sb.toString());
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("not a valid JMX name: " + sb, e);
        }
    }

    /**
     * The Micrometer meter name; the Prometheus naming convention turns '.' into '_', other characters outside
     * {@code [a-zA-Z0-9_:]} into '_', and adds {@code _total} to counters. The consumer-lag names
     * ({@code kafka.server:type=ConsumerLag}) map to kafka_exporter's {@code kafka_consumergroup_lag} and
     * {@code kafka_consumergroup_current_offset} instead, which Grafana users know.
     */
    String micrometerName() {
        if (isConsumerLag()) {
            if (name.equals("Lag")) {
                return "kafka.consumergroup.lag";
            }
            if (name.equals("CommittedOffset")) {
                return "kafka.consumergroup.current_offset";
            }
        }
        String n = name;
        if (n.endsWith("PerSec") && n.length() > "PerSec".length()) {
            n = n.substring(0, n.length() - "PerSec".length());
        }
        return domain + "." + type.toLowerCase(Locale.ROOT) + "." + n.toLowerCase(Locale.ROOT);
    }

    /** The Prometheus label of tag {@code key}: the key itself, except kafka_exporter's "consumergroup" for lag. */
    String prometheusLabel(String key) {
        return isConsumerLag() && key.equals("group") ? "consumergroup" : key;
    }

    private boolean isConsumerLag() {
        return domain.equals("kafka.server") && type.equals("ConsumerLag");
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(64);
        sb.append(domain).append(":type=").append(type).append(",name=").append(name);
        for (Map.Entry<String, String> tag : tags) {
            sb.append(',').append(tag.getKey()).append('=').append(tag.getValue());
        }
        return sb.toString();
    }

    static String jmxValue(String value) {
        return JMX_SAFE.matcher(value).matches() ? value : ObjectName.quote(value);
    }

    private static void requireText(String s, String what) {
        Objects.requireNonNull(s, what);
        if (s.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
    }
}
