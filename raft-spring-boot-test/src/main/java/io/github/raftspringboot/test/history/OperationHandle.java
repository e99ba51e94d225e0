package io.github.raftspringboot.test.history;

/**
 * An operation a client has invoked and not yet completed; hand it back to the {@link HistoryRecorder} that
 * returned it.
 *
 * @param recorder the recorder that issued it (completing it elsewhere is an error)
 * @param id its id in the history
 * @param client who invoked it
 * @param operation what was invoked
 * @param invokedAt the recorder's clock at invocation
 */
public record OperationHandle(HistoryRecorder recorder, long id, String client, KvOperation operation,
        long invokedAt) {

    @Override
    public String toString() {
        return "#" + id + " " + client + " " + operation;
    }
}
