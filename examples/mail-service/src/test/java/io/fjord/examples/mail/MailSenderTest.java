package io.fjord.examples.mail;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MailSenderTest {
    private final MailSender sender = new MailSender();

    @Test
    void sendsAMailToAValidAddressAndKeepsIt() {
        MailSender.Mail mail = sender.send(new OrderCreated("o-1", "alice", new BigDecimal("12.50"), "alice@example.com"), 2, 7);

        assertEquals("alice@example.com", mail.to());
        assertEquals(2, mail.partition());
        assertEquals(7, mail.offset());
        assertTrue(mail.text().contains("12.50"), mail.text());
        assertEquals(List.of(mail), sender.sent());
    }

    @Test
    void refusesAnAddressWithoutAtSignAndKeepsNothing() {
        assertThrows(IllegalArgumentException.class,
                () -> sender.send(new OrderCreated("o-2", "bob", BigDecimal.ONE, "bob.example.com"), 0, 0));
        assertThrows(IllegalArgumentException.class,
                () -> sender.send(new OrderCreated("o-3", "bob", BigDecimal.ONE, null), 0, 0));

        assertEquals(List.of(), sender.sent());
    }
}
