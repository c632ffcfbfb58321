package io.fjord.log;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;

/**
 * Releases a memory mapping at once rather than when the garbage collector finds its buffer, so closed
 * indexes give back address space and deleted files their disk blocks (the JDK's {@code invokeCleaner}).
 * Touching a buffer after {@link #unmap} crashes the JVM, so callers unmap only when no reader can still
 * hold it. Thread-safe.
 */
final class MemoryMaps {
    private static final MethodHandle INVOKE_CLEANER = invokeCleaner();

    private MemoryMaps() {
    }

    static void unmap(MappedByteBuffer buffer) {
        try {
            INVOKE_CLEANER.invokeExact((ByteBuffer) buffer);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot unmap a memory-mapped file", t);
        }
    }

    private static MethodHandle invokeCleaner() {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            return MethodHandles.lookup()
                    .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
                    .bindTo(theUnsafe.get(null));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
