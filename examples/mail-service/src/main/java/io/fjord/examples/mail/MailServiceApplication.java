package io.fjord.examples.mail;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

/**
 * The mail service: {@link OrderListeners} consume the order service's events. The topics are declared here too
 * (Spring's {@code KafkaAdmin} creates what is missing), so the service can start before the order service.
 *
 * <p>Error handling: Spring Boot installs the one {@link DefaultErrorHandler} bean in every listener container. A
 * record whose listener throws is delivered again {@value #RETRIES} more times, {@value #BACKOFF_MS} ms apart, then
 * {@link DeadLetterPublishingRecoverer} publishes it to {@value #DEAD_LETTER_TOPIC} (same partition number, with
 * the failure in {@code kafka_dlt-*} headers) and the listener moves on.
 */
@SpringBootApplication
public class MailServiceApplication {
    public static final String TOPIC = "order-created";
    public static final String DEAD_LETTER_TOPIC = TOPIC + ".DLT";
    static final long BACKOFF_MS = 500;
    static final long RETRIES = 2;

    public static void main(String[] args) {
        SpringApplication.run(MailServiceApplication.class, args);
    }

    @Bean
    NewTopic orderCreatedTopic() {
        return TopicBuilder.name(TOPIC).partitions(3).build();
    }

    /** As many partitions as {@value #TOPIC}: the recoverer keeps a failed record's partition number. */
    @Bean
    NewTopic orderCreatedDeadLetterTopic() {
        return TopicBuilder.name(DEAD_LETTER_TOPIC).partitions(3).build();
    }

    /**
     * The destination is named explicitly: Spring Kafka 4's default would be {@code order-created-dlt}, a topic
     * nobody declared (the broker would auto-create it with one partition).
     */
    @Bean
    DefaultErrorHandler errorHandler(KafkaOperations<Object, Object> kafka) {
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(kafka,
                (record, failure) -> new TopicPartition(DEAD_LETTER_TOPIC, record.partition()));
        return new DefaultErrorHandler(recoverer, new FixedBackOff(BACKOFF_MS, RETRIES));
    }
}
