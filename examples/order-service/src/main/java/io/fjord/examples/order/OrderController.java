package io.fjord.examples.order;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.math.BigDecimal;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code POST /orders} with {@code {"userId": ..., "amount": ..., "email": ...}}: gives the order a new id, sends
 * {@link OrderCreated} keyed by that id to {@value OrderServiceApplication#TOPIC} and answers once the broker has
 * acknowledged it, with the id and where the event landed. The email is not checked here; the mail service
 * rejects a bad one (and its event ends in the dead-letter topic).
 *
 * <p>Thread-safe: {@link KafkaTemplate} is.
 */
@RestController
class OrderController {
    private static final Logger log = LoggerFactory.getLogger(OrderController.class);

    private final KafkaTemplate<String, OrderCreated> kafka;

    OrderController(KafkaTemplate<String, OrderCreated> kafka) {
        this.kafka = kafka;
    }

    record OrderRequest(String userId, BigDecimal amount, String email) {
    }

    record OrderAccepted(String orderId, int partition, long offset) {
    }

    @PostMapping("/orders")
    @ResponseStatus(HttpStatus.CREATED)
    OrderAccepted create(@RequestBody OrderRequest request)
            throws InterruptedException, ExecutionException, TimeoutException {
        OrderCreated event = new OrderCreated(UUID.randomUUID().toString(), request.userId(), request.amount(),
                request.email());
        RecordMetadata sent = kafka.send(OrderServiceApplication.TOPIC, event.orderId(), event)
                .get(30, TimeUnit.SECONDS).getRecordMetadata();
        log.info("order {} of user {} published to {}-{} at offset {}", event.orderId(), event.userId(),
                sent.topic(), sent.partition(), sent.offset());
        return new OrderAccepted(event.orderId(), sent.partition(), sent.offset());
    }
}
