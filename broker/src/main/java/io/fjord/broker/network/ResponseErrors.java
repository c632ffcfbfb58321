package io.fjord.broker.network;

import io.fjord.metrics.RequestMetrics;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.Message;
import io.fjord.protocol.message.FetchResponse;
import io.fjord.protocol.message.ProduceResponse;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Counts a response's error codes into ErrorsPerSec as Kafka does: every {@code error_code} field of the
 * response, at any depth (top level, per topic, per partition...), counts once for its code
 * ({@link RequestMetrics#countError}), NONE included; "if a response contains multiple errors, all are counted".
 *
 * <p>Produce and Fetch, the hot paths, are walked by hand; any other response by a walker built once per
 * response class (reflection over the generated getters: {@code short errorCode()} and the struct and
 * struct-list fields whose structs hold one, pruned of the rest) and kept in a {@link ClassValue}.
 * Stateless; thread-safe.
 */
final class ResponseErrors {
    private static final IntFunction<String> ERROR_NAME = code -> ErrorCode.forCode((short) code).name();

    private static final ClassValue<Walker> WALKERS = new ClassValue<>() {
        @Override
        protected Walker computeValue(Class<?> type) {
            Walker walker = Walker.of(type, 0);
            return walker == null ? Walker.EMPTY : walker;
        }
    };

    private ResponseErrors() {
    }

    static void count(ApiMessage response, RequestMetrics metrics) {
        if (response instanceof ProduceResponse produce) {
            for (ProduceResponse.TopicProduceResponse t : produce.responses()) {
                for (ProduceResponse.PartitionProduceResponse p : t.partitionResponses()) {
                    metrics.countError(p.errorCode(), ERROR_NAME);
                }
            }
        } else if (response instanceof FetchResponse fetch) {
            metrics.countError(fetch.errorCode(), ERROR_NAME);
            for (FetchResponse.FetchableTopicResponse t : fetch.responses()) {
                for (FetchResponse.PartitionData p : t.partitions()) {
                    metrics.countError(p.errorCode(), ERROR_NAME);
                }
            }
        } else {
            WALKERS.get(response.getClass()).count(response, metrics);
        }
    }

    /** The error-code getters of one struct class and the struct fields below it that hold any. */
    private record Walker(List<MethodHandle> errorCodes, List<MethodHandle> structs, List<Walker> structWalkers,
                          List<MethodHandle> lists, List<Walker> listWalkers) {
        static final Walker EMPTY = new Walker(List.of(), List.of(), List.of(), List.of(), List.of());
        private static final int MAX_DEPTH = 8;

        /** The walker of {@code type}, or null when no error code is reachable from it. */
        static Walker of(Class<?> type, int depth) {
            if (depth > MAX_DEPTH) {
                return null;
            }
            List<MethodHandle> errorCodes = new ArrayList<>();
            List<MethodHandle> structs = new ArrayList<>();
            List<Walker> structWalkers = new ArrayList<>();
            List<MethodHandle> lists = new ArrayList<>();
            List<Walker> listWalkers = new ArrayList<>();
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            try {
                for (Method m : type.getMethods()) {
                    if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())
                            || m.getDeclaringClass() == Object.class) {
                        continue;
                    }
                    if (m.getName().equals("errorCode") && m.getReturnType() == short.class) {
                        errorCodes.add(lookup.unreflect(m).asType(MethodType.methodType(short.class, Object.class)));
                    } else if (Message.class.isAssignableFrom(m.getReturnType())) {
                        Walker w = of(m.getReturnType(), depth + 1);
                        if (w != null) {
                            structs.add(lookup.unreflect(m).asType(MethodType.methodType(Object.class, Object.class)));
                            structWalkers.add(w);
                        }
                    } else if (List.class.isAssignableFrom(m.getReturnType())) {
                        Class<?> element = elementType(m.getGenericReturnType());
                        if (element != null && Message.class.isAssignableFrom(element)) {
                            Walker w = of(element, depth + 1);
                            if (w != null) {
                                lists.add(lookup.unreflect(m).asType(MethodType.methodType(Object.class, Object.class)));
                                listWalkers.add(w);
                            }
                        }
                    }
                }
            } catch (IllegalAccessException e) {
                return null;
            }
            if (errorCodes.isEmpty() && structs.isEmpty() && lists.isEmpty()) {
                return null;
            }
            return new Walker(List.copyOf(errorCodes), List.copyOf(structs), List.copyOf(structWalkers),
                    List.copyOf(lists), List.copyOf(listWalkers));
        }

        private static Class<?> elementType(Type type) {
            if (type instanceof ParameterizedType p && p.getActualTypeArguments().length == 1
                    && p.getActualTypeArguments()[0] instanceof Class<?> c) {
                return c;
            }
            return null;
        }

        void count(Object message, RequestMetrics metrics) {
            try {
                for (MethodHandle h : errorCodes) {
                    short code = (short) h.invokeExact(message);
                    metrics.countError(code, ERROR_NAME);
                }
                for (int i = 0; i < structs.size(); i++) {
                    Object struct = (Object) structs.get(i).invokeExact(message);
                    if (struct != null) {
                        structWalkers.get(i).count(struct, metrics);
                    }
                }
                for (int i = 0; i < lists.size(); i++) {
                    List<?> list = (List<?>) (Object) lists.get(i).invokeExact(message);
                    if (list != null) {
                        Walker w = listWalkers.get(i);
                        for (Object element : list) {
                            w.count(element, metrics);
                        }
                    }
                }
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
