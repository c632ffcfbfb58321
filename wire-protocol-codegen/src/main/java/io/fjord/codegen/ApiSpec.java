package io.fjord.codegen;

/**
 * One schema file: an API key with its request and response.
 *
 * @param apiKey   Kafka's API key number
 * @param name     API name, e.g. {@code Produce}
 * @param valid    versions this schema covers, for both request and response
 * @param flexible versions using compact encodings and tagged fields
 * @param request  the request message
 * @param response the response message
 */
public record ApiSpec(int apiKey, String name, Versions valid, Versions flexible, MessageSpec request,
                      MessageSpec response) {
}
