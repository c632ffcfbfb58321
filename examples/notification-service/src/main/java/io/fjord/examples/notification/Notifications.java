package io.fjord.examples.notification;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The notifications sent so far, kept in memory instead of being pushed to users, and served as
 * {@code GET /notifications}.
 *
 * <p>Thread-safe: the binding's consumer thread adds, HTTP threads read.
 */
@RestController
class Notifications {
    record Notification(String questionId, String userId, String text) {
    }

    private final List<Notification> sent = new CopyOnWriteArrayList<>();

    Notification add(QuestionAsked question) {
        Notification notification = new Notification(question.questionId(), question.userId(),
                "New question from " + question.userId() + ": " + question.title());
        sent.add(notification);
        return notification;
    }

    @GetMapping("/notifications")
    List<Notification> all() {
        return List.copyOf(sent);
    }
}
