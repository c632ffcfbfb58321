package io.fjord.examples.question;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The question service: {@link QuestionController} publishes a {@link QuestionAsked} event per question through
 * Spring Cloud Stream. The binding {@value #BINDING} is declared in application.properties (destination
 * {@code question-events}); the Kafka binder creates the topic if it is missing.
 */
@SpringBootApplication
public class QuestionServiceApplication {
    public static final String BINDING = "questions-out-0";

    public static void main(String[] args) {
        SpringApplication.run(QuestionServiceApplication.class, args);
    }
}
