package io.fjord.examples.notification;

/** The question service's event as this service reads it (JSON, converted by Spring Cloud Stream). */
public record QuestionAsked(String questionId, String userId, String title, String body) {
}
