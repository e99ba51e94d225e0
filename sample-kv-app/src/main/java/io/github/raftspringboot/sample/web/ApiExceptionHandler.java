package io.github.raftspringboot.sample.web;

import java.util.Set;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;

import io.github.raftspringboot.api.LeaseNotFoundException;
import io.github.raftspringboot.api.RaftCompactedException;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftNode;

/**
 * Answers every failure with an RFC 9457 problem detail ({@code application/problem+json}): the framework's own
 * (malformed JSON, wrong method, unknown path, wrong media type) through {@link ResponseEntityExceptionHandler},
 * and the store's: bad input is a 400 that says what to fix, a cluster that cannot answer now a 503 with
 * {@code Retry-After}.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger logger = LoggerFactory.getLogger(ApiExceptionHandler.class);

    /** Seconds a client should wait before retrying when the cluster has no leader or timed out. */
    static final String RETRY_AFTER_SECONDS = "1";

    private final RaftNode node;

    ApiExceptionHandler(RaftNode node) {
        this.node = node;
    }

    @ExceptionHandler(RaftException.class)
    ResponseEntity<ProblemDetail> raftFailure(RaftException ex) {
        HttpStatus status = switch (ex.reason()) {
            case NOT_LEADER, NO_LEADER, TIMEOUT, SHUTDOWN -> HttpStatus.SERVICE_UNAVAILABLE;
            case CONFIGURATION_CHANGED, CONFIGURATION_BUSY, ADDRESS_CONFLICT, UNSAFE_RECONFIGURATION -> HttpStatus.CONFLICT;
            case UNKNOWN_SERVER -> HttpStatus.NOT_FOUND;
            case INVALID_REQUEST -> HttpStatus.BAD_REQUEST;
            case INTERNAL -> HttpStatus.INTERNAL_SERVER_ERROR;
            case COMPACTED -> HttpStatus.GONE;
        };
        if (status == HttpStatus.INTERNAL_SERVER_ERROR) {
            logger.error("Raft operation failed", ex);
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, ex.getMessage());
        problem.setTitle(title(ex.reason()));
        problem.setProperty("reason", ex.reason().name());
        problem.setProperty("node", node.nodeId());
        if (ex.leaderId() != null) {
            problem.setProperty("leader", ex.leaderId());
        }
        if (ex instanceof RaftCompactedException compacted) {
            problem.setProperty("oldestRevision", compacted.oldestRevision());
        }
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status);
        if (status == HttpStatus.SERVICE_UNAVAILABLE) {
            response.header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        return response.body(problem);
    }

    @ExceptionHandler(LeaseNotFoundException.class)
    ResponseEntity<ProblemDetail> leaseNotFound(LeaseNotFoundException ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
        problem.setTitle("Lease not found");
        problem.setProperty("lease", ex.leaseId());
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(problem);
    }

    @ExceptionHandler(LockController.LockHeldException.class)
    ResponseEntity<ProblemDetail> lockHeld(LockController.LockHeldException ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
        problem.setTitle("Lock held");
        if (ex.holder() != null) {
            problem.setProperty("lease", ex.holder().leaseId());
            problem.setProperty("fencingToken", ex.holder().fencingToken());
        }
        return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
    }

    @ExceptionHandler(LockController.LockFreeException.class)
    ResponseEntity<ProblemDetail> lockFree(LockController.LockFreeException ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
        problem.setTitle("Lock free");
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(problem);
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> badRequest(IllegalArgumentException ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
        problem.setTitle("Invalid request");
        return ResponseEntity.badRequest().body(problem);
    }

    @ExceptionHandler(BackupController.StoreNotEmptyException.class)
    ResponseEntity<ProblemDetail> storeNotEmpty(BackupController.StoreNotEmptyException ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
        problem.setTitle("Store not empty");
        return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
    }

    /** Says what is wrong with the JSON, where Spring's default only says it could not be read. */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Throwable cause = ex.getMostSpecificCause();
        if (cause instanceof RequestBodyLimitFilter.BodyTooLargeException tooLarge) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE,
                    tooLarge.getMessage());
            problem.setTitle("Content Too Large");
            return handleExceptionInternal(ex, problem, headers, HttpStatus.CONTENT_TOO_LARGE, request);
        }
        String detail;
        if (cause instanceof JacksonException json) {
            detail = "The request body is not valid JSON for this endpoint: " + json.getOriginalMessage();
        }
        else if (ex.getMessage() != null && ex.getMessage().startsWith("Required request body is missing")) {
            detail = "The request body is missing: send a JSON document with Content-Type: application/json";
        }
        else {
            detail = "The request body could not be read: " + cause.getMessage();
        }
        return refuse(ex, HttpStatus.BAD_REQUEST, "Malformed request body", detail, headers, request);
    }

    /** Says what the parameter takes, where Spring's default only says it "failed to convert". */
    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        Class<?> type = ex.getRequiredType();
        String expected = (type == boolean.class || type == Boolean.class) ? "true or false"
                : "a value of type " + ((type != null) ? type.getSimpleName() : "unknown");
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "The parameter '"
                + ex.getPropertyName() + "' must be " + expected + ", not '" + ex.getValue() + "'");
        problem.setTitle("Invalid request");
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    /** Names the methods the path takes, where Spring's default only refuses the one sent. */
    @Override
    protected ResponseEntity<Object> handleHttpRequestMethodNotSupported(HttpRequestMethodNotSupportedException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Set<HttpMethod> supported = ex.getSupportedHttpMethods();
        String detail = "Method '" + ex.getMethod() + "' is not supported on " + path(request)
                + ((supported == null || supported.isEmpty()) ? "" : ": use " + supported.stream()
                    .map(HttpMethod::name).sorted().collect(Collectors.joining(" or ")) + " (see docs/http-api.md)");
        return refuse(ex, HttpStatus.METHOD_NOT_ALLOWED, "Method Not Allowed", detail, headers, request);
    }

    /** Says which content type to send, where Spring's default only refuses the one sent. */
    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String sent = (ex.getContentType() != null) ? "'" + ex.getContentType() + "'" : "missing";
        String detail = "Content-Type " + sent + " is not supported on " + path(request)
                + ": send the body as JSON with Content-Type: application/json";
        return refuse(ex, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported Media Type", detail, headers, request);
    }

    /** A problem detail for what the framework refused, with the headers it set (such as {@code Allow}). */
    private ResponseEntity<Object> refuse(Exception ex, HttpStatus status, String title, String detail,
            HttpHeaders headers, WebRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return handleExceptionInternal(ex, problem, headers, status, request);
    }

    private static String path(WebRequest request) {
        return (request instanceof ServletWebRequest servlet) ? servlet.getRequest().getRequestURI() : "this path";
    }

    /** Lists the endpoints, where Spring's default speaks of a missing static resource. */
    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        // The path as sent: the resource path has its slashes trimmed, so /status/ would read as "No endpoint /status".
        String detail = "No endpoint " + ex.getHttpMethod() + " " + path(request) + ". The endpoints are /key, "
                + "/key/{key}, /txn, /watch, /lease, /lock, /join, /remove, /transfer-leadership, /status, /backup and "
                + "/restore (see docs/http-api.md)";
        return refuse(ex, HttpStatus.NOT_FOUND, "Not Found", detail, headers, request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception ex) {
        logger.error("Unexpected failure", ex);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "Unexpected failure: " + ex);
        problem.setTitle("Internal error");
        return ResponseEntity.internalServerError().body(problem);
    }

    private static String title(RaftException.Reason reason) {
        return switch (reason) {
            case NOT_LEADER -> "Not the leader";
            case NO_LEADER -> "No leader";
            case TIMEOUT -> "Timeout";
            case SHUTDOWN -> "Node stopped";
            case CONFIGURATION_CHANGED -> "Configuration changed";
            case CONFIGURATION_BUSY -> "Configuration change in progress";
            case ADDRESS_CONFLICT -> "Address conflict";
            case UNSAFE_RECONFIGURATION -> "Unsafe reconfiguration refused";
            case UNKNOWN_SERVER -> "Unknown server";
            case INVALID_REQUEST -> "Invalid request";
            case INTERNAL -> "Internal error";
            case COMPACTED -> "Revision compacted";
        };
    }
}
