package io.fjord.broker.network;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Closes a connection that has neither read nor written anything for {@code connections.max.idle.ms},
 * as Kafka's selector does. One instance per connection; runs on its event loop.
 */
public final class IdleConnectionReaper extends IdleStateHandler {
    private static final Logger LOG = LoggerFactory.getLogger(IdleConnectionReaper.class);

    private final long maxIdleMs;

    public IdleConnectionReaper(long maxIdleMs) {
        super(0, 0, maxIdleMs, TimeUnit.MILLISECONDS);
        this.maxIdleMs = maxIdleMs;
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
        LOG.debug("Closing connection from {}: idle for {} ms (connections.max.idle.ms)",
                ctx.channel().remoteAddress(), maxIdleMs);
        ctx.close();
    }
}
