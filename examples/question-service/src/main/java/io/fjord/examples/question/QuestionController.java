package io.fjord.examples.question;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * {@code POST /questions} with {@code {"userId": ..., "title": ..., "body": ...}}: gives the question an id and sends
 * {@link QuestionAsked} to the output binding {@value QuestionServiceApplication#BINDING}, keyed by that id. The
 * binding's producer is synchronous (application.properties), so the answer comes after the broker acknowledged
 * the event.
 *
 * <p>Thread-safe: {@link StreamBridge} is.
 */
@RestController
class QuestionController {
    private static final Logger log = LoggerFactory.getLogger(QuestionController.class);

    private final StreamBridge streams;

    QuestionController(StreamBridge streams) {
        this.streams = streams;
    }

    record QuestionRequest(String userId, String title, String body) {
    }

    record QuestionAccepted(String questionId) {
    }

    @PostMapping("/questions")
    @ResponseStatus(HttpStatus.CREATED)
    QuestionAccepted ask(@RequestBody QuestionRequest request) {
        QuestionAsked event = new QuestionAsked(UUID.randomUUID().toString(), request.userId(), request.title(),
                request.body());
        boolean sent = streams.send(QuestionServiceApplication.BINDING, MessageBuilder.withPayload(event)
                .setHeader(KafkaHeaders.KEY, event.questionId().getBytes(StandardCharsets.UTF_8))
                .build());
        if (!sent) {
            throw new IllegalStateException("question " + event.questionId() + " was not sent");
        }
        log.info("question {} of user {} published: {}", event.questionId(), event.userId(), event.title());
        return new QuestionAccepted(event.questionId());
    }
}
