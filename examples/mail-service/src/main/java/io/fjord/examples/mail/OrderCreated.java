package io.fjord.examples.mail;

import java.math.BigDecimal;

/**
 * The order service's event as this service reads it: the JSON deserializer maps the type header
 * {@code orderCreated} to this class (application.properties), so the two services share no code.
 */
public record OrderCreated(String orderId, String userId, BigDecimal amount, String email) {
}
