package io.fjord.examples.mail;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * "Sends" the order confirmation mail: logs it and keeps it in memory ({@code GET /mails}) instead of talking to a
 * mail server. An address without '@' is refused with {@link IllegalArgumentException}, which is what sends an
 * event to the dead-letter topic.
 *
 * <p>Thread-safe: the three listener containers call it concurrently.
 */
@Component
public class MailSender {
    private static final Logger log = LoggerFactory.getLogger(MailSender.class);

    /** One mail sent, with the partition and offset of the event and the listener thread that handled it. */
    public record Mail(String orderId, String to, String subject, String text, int partition, long offset,
                       String consumer) {
    }

    private final List<Mail> sent = new CopyOnWriteArrayList<>();

    public Mail send(OrderCreated order, int partition, long offset) {
        if (order.email() == null || !order.email().contains("@")) {
            log.warn("cannot mail order {} (order-created-{}@{}): invalid address '{}'", order.orderId(), partition,
                    offset, order.email());
            throw new IllegalArgumentException("cannot mail order " + order.orderId() + ": invalid address '"
                    + order.email() + "'");
        }
        Mail mail = new Mail(order.orderId(), order.email(), "Your order " + order.orderId(),
                "Hello " + order.userId() + ", we received your order of " + order.amount() + ".",
                partition, offset, Thread.currentThread().getName());
        sent.add(mail);
        log.info("mail to {}: '{}' (order-created-{}@{})", mail.to(), mail.subject(), partition, offset);
        return mail;
    }

    public List<Mail> sent() {
        return List.copyOf(sent);
    }
}
