package io.fjord.broker.api;

import io.fjord.broker.log.PartitionManager;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.InitProducerIdRequest;
import io.fjord.protocol.message.InitProducerIdResponse;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers InitProducerId (API 22, v0-5) for idempotent producers (no transactional id): as Kafka, every
 * request gets a fresh producer id with epoch 0, whatever producer id and epoch it carries. Transactional
 * ids are answered COORDINATOR_NOT_AVAILABLE: there is no transaction coordinator yet.
 *
 * <p>Producer ids come from an in-memory counter, not yet from the metadata quorum (the controller has no
 * producer-id block record). So that ids are not reused after a restart, the counter starts above every
 * producer id found in the logs' producer state at first use; an id handed out whose producer never wrote
 * may be handed out again after a restart, which is harmless (its producer state is empty).
 *
 * <p>Thread-safe.
 */
public final class InitProducerIdHandler implements ApiHandler<InitProducerIdRequest> {
    private final PartitionManager partitions;
    private final AtomicLong nextProducerId = new AtomicLong(-1);

    public InitProducerIdHandler(PartitionManager partitions) {
        this.partitions = partitions;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.INIT_PRODUCER_ID;
    }

    @Override
    public CompletableFuture<InitProducerIdResponse> handle(RequestContext context, InitProducerIdRequest request) {
        if (request.transactionalId() != null) {
            return CompletableFuture.completedFuture(errorResponse(request, ErrorCode.COORDINATOR_NOT_AVAILABLE));
        }
        if (nextProducerId.get() >= 0) {
            return CompletableFuture.completedFuture(allocate());
        }
        // The first allocation scans the logs' producer state: off the network thread.
        return CompletableFuture.supplyAsync(() -> {
            long floor = partitions.nextProducerIdFloor();
            nextProducerId.compareAndSet(-1, floor);
            return allocate();
        }, partitions.ioExecutor(context.clientAddress()));
    }

    private InitProducerIdResponse allocate() {
        return new InitProducerIdResponse().setErrorCode(ErrorCode.NONE.code())
                .setProducerId(nextProducerId.getAndIncrement()).setProducerEpoch((short) 0);
    }

    @Override
    public InitProducerIdResponse errorResponse(InitProducerIdRequest request, ErrorCode error) {
        return new InitProducerIdResponse().setErrorCode(error.code()).setProducerId(-1).setProducerEpoch((short) -1);
    }
}
