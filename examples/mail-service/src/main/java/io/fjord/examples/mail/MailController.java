package io.fjord.examples.mail;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** What the listeners did so far, for people and for ExampleAppsIT: {@code GET /mails}, {@code /audit}, {@code /dead-letters}. */
@RestController
class MailController {
    private final MailSender mails;
    private final OrderListeners listeners;

    MailController(MailSender mails, OrderListeners listeners) {
        this.mails = mails;
        this.listeners = listeners;
    }

    @GetMapping("/mails")
    List<MailSender.Mail> mails() {
        return mails.sent();
    }

    @GetMapping("/audit")
    List<OrderListeners.AuditEntry> audit() {
        return listeners.audit();
    }

    @GetMapping("/dead-letters")
    List<OrderListeners.DeadLetter> deadLetters() {
        return listeners.deadLetters();
    }
}
