package io.fjord.broker.fetch;

import io.fjord.metadata.MetadataImage;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.Uuid;
import io.fjord.protocol.message.FetchRequest;
import io.fjord.protocol.message.FetchResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FetchSessionCacheTest {
    private static final short V12 = 12;
    private final FetchSessionCache cache = new FetchSessionCache(10);

    private static FetchRequest request(int sessionId, int epoch, String topic, int... partitionsAndOffsets) {
        FetchRequest.FetchTopic t = new FetchRequest.FetchTopic().setTopic(topic).setPartitions(new ArrayList<>());
        for (int i = 0; i < partitionsAndOffsets.length; i += 2) {
            t.partitions().add(new FetchRequest.FetchPartition().setPartition(partitionsAndOffsets[i])
                    .setFetchOffset(partitionsAndOffsets[i + 1]).setPartitionMaxBytes(1024));
        }
        List<FetchRequest.FetchTopic> topics = new ArrayList<>();
        if (!t.partitions().isEmpty()) {
            topics.add(t);
        }
        return new FetchRequest().setSessionId(sessionId).setSessionEpoch(epoch).setMaxBytes(1 << 20)
                .setTopics(topics).setForgottenTopicsData(new ArrayList<>());
    }

    private FetchContext context(FetchRequest request) {
        return cache.newContext(request, V12, MetadataImage.EMPTY);
    }

    private static FetchReader.Result result(FetchPartition p, long highWatermark, ByteBuf records, ErrorCode error) {
        return new FetchReader.Result(p, error, highWatermark, highWatermark, 0, records, null, -1, -1, null);
    }

    private static List<FetchReader.Result> quiet(FetchContext context, long highWatermark) {
        List<FetchReader.Result> results = new ArrayList<>();
        for (FetchPartition p : context.partitions()) {
            results.add(result(p, highWatermark, Unpooled.EMPTY_BUFFER, ErrorCode.NONE));
        }
        return results;
    }

    private static List<Integer> partitionsIn(FetchResponse response) {
        List<Integer> out = new ArrayList<>();
        response.responses().forEach(t -> t.partitions().forEach(p -> out.add(p.partitionIndex())));
        return out;
    }

    @Test
    void versionsBeforeSevenAndTheFinalEpochAreSessionless() {
        FetchContext old = cache.newContext(request(0, -1, "t", 0, 5), (short) 6, MetadataImage.EMPTY);
        FetchContext fin = context(request(0, -1, "t", 0, 5, 1, 7));

        assertEquals(0, old.responseSessionId());
        assertEquals(0, fin.responseSessionId());
        assertEquals(2, fin.partitions().size());
        assertEquals(0, cache.size());
        assertEquals(List.of(0, 1), partitionsIn(fin.response(quiet(fin, 10), false)));
    }

    @Test
    void anInitialEpochCreatesASessionThatExpectsEpochOneNext() {
        FetchContext full = context(request(0, 0, "t", 0, 5, 1, 7));

        int id = full.responseSessionId();
        assertNotEquals(0, id);
        FetchSession session = cache.session(id);
        assertNotNull(session);
        assertEquals(1, session.epoch());
        assertEquals(2, session.size());
        FetchResponse response = full.response(quiet(full, 10), false);
        assertEquals(id, response.sessionId());
        assertEquals(List.of(0, 1), partitionsIn(response));
    }

    @Test
    void anUnknownSessionIdIsFetchSessionIdNotFound() {
        FetchContext context = context(request(12345, 1, "t", 0, 5));

        assertEquals(ErrorCode.FETCH_SESSION_ID_NOT_FOUND, context.error());
        FetchResponse response = context.response(List.of(), false);
        assertEquals(ErrorCode.FETCH_SESSION_ID_NOT_FOUND.code(), response.errorCode());
        assertEquals(0, response.sessionId());
        assertTrue(response.responses().isEmpty());
    }

    @Test
    void anEpochOtherThanTheSessionsIsInvalidFetchSessionEpoch() {
        int id = context(request(0, 0, "t", 0, 5)).responseSessionId();

        assertEquals(ErrorCode.INVALID_FETCH_SESSION_EPOCH, context(request(id, 2, "t")).error());
        assertEquals(ErrorCode.NONE, context(request(id, 1, "t")).error());
        assertEquals(ErrorCode.INVALID_FETCH_SESSION_EPOCH, context(request(id, 1, "t")).error(), "epoch 1 again");
        assertEquals(ErrorCode.NONE, context(request(id, 2, "t")).error());
    }

    @Test
    void incrementalRequestsAddUpdateAndForgetPartitionsAndReadTheWholeSession() {
        int id = context(request(0, 0, "t", 0, 5, 1, 7)).responseSessionId();
        FetchRequest incremental = request(id, 1, "t", 1, 9, 2, 0);
        incremental.forgottenTopicsData().add(new FetchRequest.ForgottenTopic().setTopic("t")
                .setPartitions(new ArrayList<>(List.of(0))));

        FetchContext context = context(incremental);

        assertTrue(context.isIncremental());
        assertEquals(List.of("t-1@9", "t-2@0"), context.partitions().stream().map(Object::toString).toList());
        assertEquals(2, cache.session(id).epoch());
        FetchContext next = context(request(id, 2, "t"));
        assertEquals(2, next.partitions().size(), "an empty incremental request reads the whole session");
    }

    @Test
    void incrementalResponsesLeaveOutPartitionsWithNothingNew() {
        FetchContext full = context(request(0, 0, "t", 0, 5, 1, 7, 2, 3));
        int id = full.responseSessionId();
        full.response(quiet(full, 10), false);

        FetchContext quietOne = context(request(id, 1, "t"));
        assertEquals(List.of(), partitionsIn(quietOne.response(quiet(quietOne, 10), false)));

        FetchContext busy = context(request(id, 2, "t"));
        List<FetchPartition> ps = busy.partitions();
        FetchResponse response = busy.response(List.of(
                result(ps.get(0), 11, Unpooled.EMPTY_BUFFER, ErrorCode.NONE),
                result(ps.get(1), 10, Unpooled.wrappedBuffer(new byte[] {1, 2, 3}), ErrorCode.NONE),
                result(ps.get(2), -1, Unpooled.EMPTY_BUFFER, ErrorCode.NOT_LEADER_OR_FOLLOWER)), false);

        assertEquals(List.of(0, 1, 2), partitionsIn(response), "new high watermark, records, error");
        assertEquals(id, response.sessionId());
    }

    @Test
    void partitionsThatReturnedRecordsMoveToTheEndOfTheSessionOrder() {
        FetchContext full = context(request(0, 0, "t", 0, 5, 1, 7, 2, 3));
        List<FetchPartition> ps = full.partitions();
        full.response(List.of(
                result(ps.get(0), 10, Unpooled.wrappedBuffer(new byte[] {1}), ErrorCode.NONE),
                result(ps.get(1), 10, Unpooled.EMPTY_BUFFER, ErrorCode.NONE),
                result(ps.get(2), 10, Unpooled.EMPTY_BUFFER, ErrorCode.NONE)), false);

        FetchContext next = context(request(full.responseSessionId(), 1, "t"));

        assertEquals(List.of(1, 2, 0), next.partitions().stream().map(FetchPartition::partition).toList());
    }

    @Test
    void aFullRequestNamingASessionClosesIt() {
        int id = context(request(0, 0, "t", 0, 5)).responseSessionId();

        FetchContext closing = context(request(id, -1, "t", 0, 5));

        assertEquals(0, closing.responseSessionId());
        assertNull(cache.session(id));
        assertEquals(ErrorCode.FETCH_SESSION_ID_NOT_FOUND, context(request(id, 1, "t")).error());
        int reopened = context(request(id, 0, "t", 0, 5)).responseSessionId();
        assertNotEquals(0, reopened);
    }

    @Test
    void aSessionByNameIsNotContinuedWithTopicIds() {
        int id = context(request(0, 0, "t", 0, 5)).responseSessionId();

        FetchContext context = cache.newContext(request(id, 1, "t"), (short) 13, MetadataImage.EMPTY);

        assertEquals(ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR, context.error());
    }

    @Test
    void anUnknownTopicIdStaysInTheSessionWithoutAName() {
        FetchRequest request = new FetchRequest().setSessionId(0).setSessionEpoch(0).setTopics(new ArrayList<>(List.of(
                new FetchRequest.FetchTopic().setTopicId(Uuid.randomUuid()).setPartitions(new ArrayList<>(List.of(
                        new FetchRequest.FetchPartition().setPartition(0).setFetchOffset(0))))))).setForgottenTopicsData(new ArrayList<>());

        FetchContext context = cache.newContext(request, (short) 13, MetadataImage.EMPTY);

        assertEquals(1, context.partitions().size());
        assertNull(context.partitions().get(0).topic());
    }

    @Test
    void aFullCacheAnswersNewFetchersSessionlessAndKeepsTheSessionsItHas() {
        AtomicLong now = new AtomicLong(1_000);
        FetchSessionCache small = new FetchSessionCache(2, now::get);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(small.newContext(request(0, 0, "t", 0, 0), V12, MetadataImage.EMPTY).responseSessionId());
            now.addAndGet(1_000);
        }

        assertEquals(2, small.size());
        assertTrue(ids.get(0) != 0 && ids.get(1) != 0, "the first two fetchers get sessions: " + ids);
        assertEquals(List.of(0, 0, 0), ids.subList(2, 5), "the others fetch sessionless");
        assertEquals(ErrorCode.NONE, small.newContext(request(ids.get(0), 1, "t"), V12, MetadataImage.EMPTY).error());
        assertEquals(ErrorCode.NONE, small.newContext(request(ids.get(1), 1, "t"), V12, MetadataImage.EMPTY).error());
    }

    @Test
    void aFullCacheGivesTheSlotOfASessionIdleForTwoMinutesToANewFetcher() {
        AtomicLong now = new AtomicLong(1_000);
        FetchSessionCache small = new FetchSessionCache(2, now::get);
        int idle = small.newContext(request(0, 0, "t", 0, 0), V12, MetadataImage.EMPTY).responseSessionId();
        now.addAndGet(60_000);
        int busy = small.newContext(request(0, 0, "t", 0, 0), V12, MetadataImage.EMPTY).responseSessionId();
        now.addAndGet(FetchSessionCache.EVICTION_MS - 60_000);
        small.newContext(request(busy, 1, "t"), V12, MetadataImage.EMPTY);

        int fresh = small.newContext(request(0, 0, "t", 0, 0), V12, MetadataImage.EMPTY).responseSessionId();

        assertTrue(fresh != 0, "the new fetcher gets a session");
        assertEquals(ErrorCode.FETCH_SESSION_ID_NOT_FOUND,
                small.newContext(request(idle, 1, "t"), V12, MetadataImage.EMPTY).error());
        assertEquals(ErrorCode.NONE, small.newContext(request(busy, 2, "t"), V12, MetadataImage.EMPTY).error());
        assertEquals(2, small.size());
    }

    @Test
    void withNoSlotsEveryFetchIsSessionless() {
        FetchSessionCache none = new FetchSessionCache(0);

        FetchContext context = none.newContext(request(0, 0, "t", 0, 5), V12, MetadataImage.EMPTY);

        assertEquals(0, context.responseSessionId());
        assertEquals(1, context.partitions().size());
        assertEquals(0, none.size());
    }

    @Test
    void theSlotsComeFromTheBrokerProperties() {
        FetchSessionCache two = FetchSessionCache.fromBrokerProperties(java.util.Map.of(FetchSessionCache.SLOTS_CONFIG, "2"));
        for (int i = 0; i < 4; i++) {
            two.newContext(request(0, 0, "t", 0, 0), V12, MetadataImage.EMPTY);
        }
        assertTrue(two.size() <= 2);
    }

    @Test
    void theEpochWrapsFromMaxValueToOne() {
        FetchSession session = new FetchSession(1, false, Integer.MAX_VALUE - 1);

        session.advanceEpoch();
        assertEquals(Integer.MAX_VALUE, session.epoch());
        session.advanceEpoch();

        assertEquals(1, session.epoch());
    }
}
