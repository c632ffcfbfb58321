package io.fjord.examples.order;

import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.TopicBuilder;

/**
 * The order service: takes orders over HTTP ({@link OrderController}) and announces each one as an
 * {@link OrderCreated} event on {@value #TOPIC}, which Spring's {@code KafkaAdmin} creates at startup with three
 * partitions (the mail service consumes them with three listener containers).
 */
@SpringBootApplication
public class OrderServiceApplication {
    public static final String TOPIC = "order-created";

    public static void main(String[] args) {
        SpringApplication.run(OrderServiceApplication.class, args);
    }

    @Bean
    NewTopic orderCreatedTopic() {
        return TopicBuilder.name(TOPIC).partitions(3).build();
    }
}
