package io.fjord.examples.question;

/** The event published per question, as JSON (Spring Cloud Stream's default content type). */
public record QuestionAsked(String questionId, String userId, String title, String body) {
}
