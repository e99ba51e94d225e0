package io.github.raftspringboot.autoconfigure.actuate;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

import io.github.raftspringboot.api.RaftException;

/**
 * HTTP statuses for the {@code raft} endpoint: a request that cannot succeed gets a 4xx/5xx with a JSON body that
 * says why (and names the leader when one is known), instead of Actuator's bare 500.
 */
@EndpointWebExtension(endpoint = RaftEndpoint.class)
public class RaftEndpointWebExtension {

    private static final Logger logger = LoggerFactory.getLogger(RaftEndpointWebExtension.class);

    private final RaftEndpoint endpoint;

    public RaftEndpointWebExtension(RaftEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @ReadOperation
    public WebEndpointResponse<Object> part(@Selector String part) {
        return respond(() -> endpoint.part(part));
    }

    @WriteOperation
    public WebEndpointResponse<Object> operate(@Selector String operation, @Nullable String id,
            @Nullable String address, @Nullable String previousIndex) {
        return respond(() -> endpoint.operate(operation, id, address, previousIndex));
    }

    @DeleteOperation
    public WebEndpointResponse<Object> remove(@Selector String collection, @Selector String id,
            @Nullable String previousIndex) {
        return respond(() -> endpoint.remove(collection, id, previousIndex));
    }

    private static WebEndpointResponse<Object> respond(Supplier<Object> operation) {
        try {
            return new WebEndpointResponse<>(operation.get());
        }
        catch (RaftException ex) {
            int status = status(ex.reason());
            if (status >= 500) {
                logger.warn("Raft endpoint request failed: {}", ex.getMessage(), ex);
            }
            return new WebEndpointResponse<>(new ErrorResponse(status, ex.reason().name(), ex.getMessage(),
                    ex.leaderId()), status);
        }
    }

    static int status(RaftException.Reason reason) {
        return switch (reason) {
            case INVALID_REQUEST -> 400;
            case UNKNOWN_SERVER -> 404;
            case NOT_LEADER, CONFIGURATION_CHANGED, CONFIGURATION_BUSY -> 409;
            case NO_LEADER, SHUTDOWN -> 503;
            case TIMEOUT -> 504;
            case INTERNAL -> 500;
        };
    }

    /**
     * The body of a failed request.
     *
     * @param status  the HTTP status
     * @param error   the {@link RaftException.Reason} name, e.g. {@code NO_LEADER}
     * @param message what went wrong and what to do
     * @param leader  the leader's id when it is known and relevant, else {@code null}
     */
    public record ErrorResponse(int status, String error, String message, @Nullable String leader) {
    }
}
