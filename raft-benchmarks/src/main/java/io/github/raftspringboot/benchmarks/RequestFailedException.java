package io.github.raftspringboot.benchmarks;

/** An answer that does not count as a success: an error status, or a body that is not what was asked for. */
final class RequestFailedException extends Exception {

    private static final int MAX_BODY = 300;

    RequestFailedException(String message) {
        super(message);
    }

    static RequestFailedException of(String request, int status, String body) {
        String shown = body.length() > MAX_BODY ? body.substring(0, MAX_BODY) + "..." : body;
        return new RequestFailedException(request + " answered " + status + ": " + shown.strip());
    }
}
