package io.fjord.examples.mail;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The service's Kafka consumers, each its own consumer group:
 * <ul>
 *   <li>{@code mail-service}: three listener containers (threads {@code mail-0-C-1} .. {@code mail-2-C-1}) share
 *       the three partitions of {@value MailServiceApplication#TOPIC} and mail each order once;</li>
 *   <li>{@code audit}: one container that also receives every event, independently of the mails;</li>
 *   <li>{@code mail-service-dlt}: logs what arrives on {@value MailServiceApplication#DEAD_LETTER_TOPIC}.</li>
 * </ul>
 *
 * <p>Thread-safe: each method is called by its containers' threads, the lists are concurrent.
 */
@Component
class OrderListeners {
    private static final Logger log = LoggerFactory.getLogger(OrderListeners.class);

    record AuditEntry(String orderId, String userId, String email, int partition, long offset) {
    }

    record DeadLetter(String orderId, String email, String originalTopic, int partition, long offset,
                      String exception) {
    }

    private final MailSender mails;
    private final List<AuditEntry> audit = new CopyOnWriteArrayList<>();
    private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();

    OrderListeners(MailSender mails) {
        this.mails = mails;
    }

    @KafkaListener(id = "mail", topics = MailServiceApplication.TOPIC, groupId = "mail-service", concurrency = "3")
    void mail(ConsumerRecord<String, OrderCreated> record) {
        mails.send(record.value(), record.partition(), record.offset());
    }

    @KafkaListener(id = "audit", topics = MailServiceApplication.TOPIC, groupId = "audit")
    void audit(ConsumerRecord<String, OrderCreated> record) {
        OrderCreated order = record.value();
        audit.add(new AuditEntry(order.orderId(), order.userId(), order.email(), record.partition(), record.offset()));
        log.info("audit: order {} of user {} ({}-{}@{})", order.orderId(), order.userId(), record.topic(),
                record.partition(), record.offset());
    }

    @KafkaListener(id = "dead-letters", topics = MailServiceApplication.DEAD_LETTER_TOPIC, groupId = "mail-service-dlt")
    void deadLetter(ConsumerRecord<String, OrderCreated> record) {
        OrderCreated order = record.value();
        DeadLetter letter = new DeadLetter(order.orderId(), order.email(), header(record, KafkaHeaders.DLT_ORIGINAL_TOPIC),
                record.partition(), record.offset(), header(record, KafkaHeaders.DLT_EXCEPTION_MESSAGE));
        deadLetters.add(letter);
        log.warn("dead letter: order {} from {} failed: {}", letter.orderId(), letter.originalTopic(), letter.exception());
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    List<AuditEntry> audit() {
        return List.copyOf(audit);
    }

    List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }
}
