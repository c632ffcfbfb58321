package io.fjord.broker.api;

import io.fjord.broker.metadata.BrokerMetadata;
import io.fjord.metadata.BrokerRegistration;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.MetadataRecord;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.DescribeClusterRequest;
import io.fjord.protocol.message.DescribeClusterResponse;
import io.fjord.protocol.message.DescribeClusterResponse.DescribeClusterBroker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Answers DescribeCluster (API 60, v0-2) on a broker listener: cluster id, a controller id (as a KRaft
 * broker does, a live broker: this node) and the registered brokers' endpoints on the request's listener.
 * Endpoint type 2 (controllers) is answered UNSUPPORTED_ENDPOINT_TYPE, as a Kafka broker does. Cluster
 * authorized operations are filled only when asked for (all cluster operations, there is no authorizer).
 *
 * <p>Thread-safe and non-blocking: reads one image.
 */
public final class DescribeClusterHandler implements ApiHandler<DescribeClusterRequest> {
    private static final byte BROKERS = 1;

    private final BrokerMetadata metadata;

    public DescribeClusterHandler(BrokerMetadata metadata) {
        this.metadata = metadata;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DESCRIBE_CLUSTER;
    }

    @Override
    public CompletableFuture<DescribeClusterResponse> handle(RequestContext context, DescribeClusterRequest request) {
        if (context.apiVersion() >= 1 && request.endpointType() != BROKERS) {
            return CompletableFuture.completedFuture(errorResponse(request, ErrorCode.UNSUPPORTED_ENDPOINT_TYPE)
                    .setErrorMessage("The broker only supports the BROKER endpoint type."));
        }
        MetadataImage image = metadata.image();
        List<DescribeClusterBroker> brokers = new ArrayList<>();
        for (BrokerRegistration b : image.brokers().values()) {
            MetadataRecord.Endpoint e = MetadataHandler.endpoint(b, context.listenerName());
            if (e != null) {
                brokers.add(new DescribeClusterBroker().setBrokerId(b.id()).setHost(e.host()).setPort(e.port())
                        .setRack(b.rack()).setIsFenced(false));
            }
        }
        brokers.sort((a, b) -> Integer.compare(a.brokerId(), b.brokerId()));
        DescribeClusterResponse response = new DescribeClusterResponse()
                .setErrorCode(ErrorCode.NONE.code())
                .setEndpointType(BROKERS)
                .setClusterId(metadata.clusterId())
                .setControllerId(metadata.nodeId())
                .setBrokers(brokers);
        if (request.includeClusterAuthorizedOperations()) {
            response.setClusterAuthorizedOperations(MetadataHandler.CLUSTER_OPERATIONS);
        }
        return CompletableFuture.completedFuture(response);
    }

    @Override
    public DescribeClusterResponse errorResponse(DescribeClusterRequest request, ErrorCode error) {
        return new DescribeClusterResponse().setErrorCode(error.code()).setClusterId("")
                .setEndpointType(request.endpointType());
    }
}
