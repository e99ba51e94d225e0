package io.github.raftspringboot.autoconfigure.actuate;

import java.util.function.Supplier;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;
import org.springframework.util.MimeType;

import io.github.raftspringboot.api.RaftException;

/**
 * HTTP face of {@link RaftEndpoint}: the same operations, with failures answered by a status and a JSON body
 * {@code {"error": ..., "message": ..., "leader": ...}} instead of a 500. A wrong request is a 400, an unknown server
 * or path a 404, a configuration that changed since {@code previousIndex} (or is being changed), an id that is a
 * member at another address or a change the strict reconfiguration check refused a 409, and a
 * cluster that cannot answer now (no leader, timeout, node stopping) a 503.
 */
@EndpointWebExtension(endpoint = RaftEndpoint.class)
public class RaftEndpointWebExtension {

    private static final Logger logger = LoggerFactory.getLogger(RaftEndpointWebExtension.class);

    private static final int STATUS_CONFLICT = 409;

    private static final MimeType OCTET_STREAM = MimeType.valueOf("application/octet-stream");

    private final RaftEndpoint endpoint;

    private final boolean backupDownload;

    public RaftEndpointWebExtension(RaftEndpoint endpoint) {
        this(endpoint, true);
    }

    /**
     * @param backupDownload whether {@code GET /actuator/raft/backup} downloads a backup
     *                       ({@code raft.actuator.backup.enabled})
     */
    public RaftEndpointWebExtension(RaftEndpoint endpoint, boolean backupDownload) {
        this.endpoint = endpoint;
        this.backupDownload = backupDownload;
    }

    @ReadOperation
    public WebEndpointResponse<Object> node() {
        return respond(endpoint::node);
    }

    @ReadOperation
    public WebEndpointResponse<Object> part(@Selector String part) {
        if (part.equals("backup")) {
            return backup();
        }
        if (!part.equals("configuration") && !part.equals("leader") && !part.equals("operations")) {
            return error(WebEndpointResponse.STATUS_NOT_FOUND, "NOT_FOUND", "There is no /actuator/raft/" + part
                    + ": use /actuator/raft, /actuator/raft/configuration, /actuator/raft/leader, "
                    + "/actuator/raft/operations or /actuator/raft/backup", null);
        }
        return respond(() -> {
            Object body = endpoint.part(part);
            if (body == null) {
                throw new RaftException(RaftException.Reason.NO_LEADER,
                        "No leader is known right now: an election is in progress or a majority is unreachable");
            }
            return body;
        });
    }

    /**
     * Numbers and flags arrive as text and are read here: with typed parameters, Actuator refuses "x" or a number
     * beyond a long with a bare "Parameter mapping failure" that names neither the field nor what to send.
     */
    @WriteOperation
    public WebEndpointResponse<Object> change(@Selector String operation, @Nullable String id,
            @Nullable String address, @Nullable String previousIndex, @Nullable String replace,
            @Nullable String force) {
        if (!RaftEndpoint.OPERATIONS.contains(operation)) {
            return error(WebEndpointResponse.STATUS_NOT_FOUND, "NOT_FOUND", "There is no operation '" + operation
                    + "': POST to /actuator/raft/ followed by one of " + String.join(", ", RaftEndpoint.OPERATIONS),
                    null);
        }
        return respond(() -> endpoint.change(operation, id, address, index(previousIndex), flag("replace", replace),
                flag("force", force)));
    }

    @DeleteOperation
    public WebEndpointResponse<Object> remove(@Selector String id, @Nullable String previousIndex,
            @Nullable String force) {
        return respond(() -> endpoint.remove(id, index(previousIndex), flag("force", force)));
    }

    private static @Nullable Long index(@Nullable String previousIndex) {
        if (previousIndex == null) {
            return null;
        }
        try {
            return Long.valueOf(previousIndex.trim());
        }
        catch (NumberFormatException ex) {
            throw new IllegalArgumentException("previousIndex must be a whole number, 0 (no check) or a "
                    + "configuration index (configurationIndex of GET /actuator/raft), not '" + previousIndex + "'");
        }
    }

    private static @Nullable Boolean flag(String name, @Nullable String value) {
        if (value == null) {
            return null;
        }
        if (value.trim().equalsIgnoreCase("true") || value.trim().equalsIgnoreCase("false")) {
            return Boolean.valueOf(value.trim());
        }
        throw new IllegalArgumentException(name + " must be true or false, not '" + value + "'");
    }

    /**
     * {@code GET /actuator/raft/backup}: the backup file, like the heapdump endpoint's download (Actuator sets no
     * file name: save it with {@code curl -o backup.raft}).
     */
    private WebEndpointResponse<Object> backup() {
        if (!backupDownload) {
            return error(WebEndpointResponse.STATUS_NOT_FOUND, "NOT_FOUND", "The backup download is disabled on this "
                    + "node (raft.actuator.backup.enabled=false); use 'raftmanager <host:grpc-port> backup <file>'",
                    null);
        }
        WebEndpointResponse<Object> response = respond(endpoint::backup);
        if (response.getStatus() != WebEndpointResponse.STATUS_OK) {
            return response;
        }
        return new WebEndpointResponse<>(response.getBody(), WebEndpointResponse.STATUS_OK, OCTET_STREAM);
    }

    private static WebEndpointResponse<Object> respond(Supplier<Object> operation) {
        try {
            return new WebEndpointResponse<>(operation.get());
        }
        catch (IllegalArgumentException ex) {
            return error(WebEndpointResponse.STATUS_BAD_REQUEST, "INVALID_REQUEST", ex.getMessage(), null);
        }
        catch (RaftException ex) {
            int status = statusOf(ex.reason());
            if (status == WebEndpointResponse.STATUS_INTERNAL_SERVER_ERROR) {
                logger.warn("Raft endpoint operation failed", ex);
            }
            return error(status, ex.reason().name(), ex.getMessage(), ex.leaderId());
        }
    }

    static int statusOf(RaftException.Reason reason) {
        return switch (reason) {
            case INVALID_REQUEST -> WebEndpointResponse.STATUS_BAD_REQUEST;
            case UNKNOWN_SERVER -> WebEndpointResponse.STATUS_NOT_FOUND;
            case CONFIGURATION_CHANGED, CONFIGURATION_BUSY, ADDRESS_CONFLICT, UNSAFE_RECONFIGURATION -> STATUS_CONFLICT;
            case NO_LEADER, NOT_LEADER, TIMEOUT, SHUTDOWN -> WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE;
            case INTERNAL -> WebEndpointResponse.STATUS_INTERNAL_SERVER_ERROR;
            case COMPACTED -> 410;
        };
    }

    private static WebEndpointResponse<Object> error(int status, String error, String message,
            @Nullable String leader) {
        return new WebEndpointResponse<>(new ErrorDescriptor(status, error, message, leader), status);
    }

    /**
     * Why an operation failed.
     *
     * @param status  the HTTP status
     * @param error   the failure's kind: a {@link RaftException.Reason} name, {@code INVALID_REQUEST} or
     *                {@code NOT_FOUND}
     * @param message what went wrong and how to fix it
     * @param leader  the leader as this node knows it, when that helps
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ErrorDescriptor(int status, String error, String message, @Nullable String leader)
            implements OperationResponseBody {
    }
}
