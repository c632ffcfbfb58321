package io.fjord.it;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Starts a Spring Boot application the way a user's {@code main} would ({@link SpringApplicationBuilder}, Boot's
 * Kafka auto-configuration, {@code spring.kafka.*} properties) against a broker under test: bootstrap servers
 * set, offsets reset to earliest, short fetch long-polls and listener polls (a container that seeks, stops or
 * retries does not wait out a 500 ms fetch), and producer blocking times short enough that a broker that does not
 * answer fails a test quickly instead of hanging it. The caller's {@code key=value} properties
 * come after these, so they win; the caller closes the context.
 *
 * <p>Stateless.
 */
final class SpringApps {
    private SpringApps() {
    }

    static ConfigurableApplicationContext start(Class<?> application, String bootstrapServers, String... properties) {
        List<String> all = new ArrayList<>(List.of(
                "spring.main.banner-mode=off",
                "spring.kafka.bootstrap-servers=" + bootstrapServers,
                "spring.kafka.admin.fail-fast=true",
                "spring.kafka.consumer.auto-offset-reset=earliest",
                "spring.kafka.consumer.fetch-max-wait=100ms",
                "spring.kafka.listener.poll-timeout=200ms",
                "spring.kafka.producer.properties.max.block.ms=15000",
                "spring.kafka.producer.properties.delivery.timeout.ms=20000",
                "spring.kafka.producer.properties.request.timeout.ms=10000"));
        all.addAll(List.of(properties));
        return new SpringApplicationBuilder(application)
                .web(WebApplicationType.NONE)
                .properties(all.toArray(String[]::new))
                .run();
    }
}
