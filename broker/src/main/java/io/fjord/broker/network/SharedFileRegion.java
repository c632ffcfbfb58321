package io.fjord.broker.network;

import io.netty.channel.DefaultFileRegion;

import java.nio.channels.FileChannel;

/**
 * A {@link DefaultFileRegion} over a file channel it does not own: a log segment's channel, shared by every
 * fetch that reads the segment. {@code DefaultFileRegion} closes its channel when released; this one leaves
 * it open (the segment closes it). Still a {@code DefaultFileRegion}, so the epoll and NIO transports send it
 * with sendfile / {@code transferTo}. Not thread-safe (one channel's outbound buffer owns it).
 */
final class SharedFileRegion extends DefaultFileRegion {

    SharedFileRegion(FileChannel channel, long position, long count) {
        super(channel, position, count);
    }

    @Override
    protected void deallocate() {
    }
}
