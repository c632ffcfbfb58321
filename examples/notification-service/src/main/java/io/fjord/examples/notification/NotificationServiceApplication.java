package io.fjord.examples.notification;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

import java.util.function.Consumer;

/**
 * The notification service: the {@code Consumer} bean {@link #notifyFollowers} is bound by Spring Cloud Stream to
 * its input binding {@code notifyFollowers-in-0} (destination {@code question-events}, consumer group
 * {@code notification-service}, application.properties), so every question event becomes a {@link Notifications}
 * entry.
 */
@SpringBootApplication
public class NotificationServiceApplication {
    private static final Logger log = LoggerFactory.getLogger(NotificationServiceApplication.class);

    public static void main(String[] args) {
        SpringApplication.run(NotificationServiceApplication.class, args);
    }

    @Bean
    Consumer<QuestionAsked> notifyFollowers(Notifications notifications) {
        return question -> {
            Notifications.Notification sent = notifications.add(question);
            log.info("notification for question {}: {}", sent.questionId(), sent.text());
        };
    }
}
