package io.fjord.protocol;

/** A top-level request or response body of one API. */
public interface ApiMessage extends Message {

    short apiKey();

    short lowestVersion();

    short highestVersion();

    /** Whether {@code version} uses compact encodings and tagged fields (and header v2 / v1). */
    boolean isFlexible(short version);
}
