package io.fjord.examples.order;

import java.math.BigDecimal;

/**
 * The event published for every accepted order, as JSON (Spring Kafka's {@code JacksonJsonSerializer}) with the
 * order id as the record key. The serializer's type header carries the logical name {@code orderCreated}
 * (application.properties), not this class's name, so consumers map it to their own class.
 */
public record OrderCreated(String orderId, String userId, BigDecimal amount, String email) {
}
