package io.fjord.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class GatheringWriterTest {

    @Test
    void largeRecordsArePartsOfTheirOwnAndTheBytesAroundThemShareOneBuffer() {
        ByteBuf records = Unpooled.wrappedBuffer(new byte[ProtocolWriter.ZERO_COPY_THRESHOLD]);
        ProtocolWriter gathering = ProtocolWriter.gathering(PooledByteBufAllocator.DEFAULT, 16 * 1024);
        ByteBuf copied = Unpooled.buffer();
        ProtocolWriter copying = new ProtocolWriter(copied);
        for (ProtocolWriter w : List.of(gathering, copying)) {
            for (int partition = 0; partition < 3; partition++) {
                w.writeInt32(partition);
                w.writeRecords(records, true);
            }
            w.writeInt16((short) 7);
        }

        List<ByteBuf> parts = gathering.finishParts();

        assertEquals(7, parts.size(), "header, records, header, records, header, records, trailer");
        for (int i = 0; i < parts.size(); i += 2) {
            assertSame(root(parts.get(0)), root(parts.get(i)), "bytes around records share one buffer");
        }
        ByteBuf joined = Unpooled.wrappedBuffer(parts.toArray(ByteBuf[]::new));
        assertArrayEquals(ByteBufUtil.getBytes(copied), ByteBufUtil.getBytes(joined));
        joined.release();
        assertEquals(0, parts.get(0).refCnt(), "releasing the parts frees the shared buffer");
        assertEquals(1, records.refCnt(), "the records are referenced, not owned");
    }

    /** The buffer that holds the memory, under slices and leak-detection wrappers. */
    private static ByteBuf root(ByteBuf buf) {
        while (buf.unwrap() != null) {
            buf = buf.unwrap();
        }
        return buf;
    }
}
