package io.github.raftspringboot.engine.kv;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.github.raftspringboot.api.RaftException;

/**
 * Groups this node's concurrent plain writes (put, putAll, delete) into one log entry.
 *
 * <p>
 * Every command costs the cluster a fixed amount of work on each node whatever its size: the client session's
 * bookkeeping, the hop from this node to the leader, a log entry, its apply and its reply. Under concurrent load that
 * fixed work, not the bytes, was most of a small write's cost (docs/benchmarks.md, "Writes batched"). So: while fewer
 * than {@code maxInFlight} of this node's plain writes are in the log and none waits, a write goes alone, as its own
 * command, and a lone client pays nothing. Past that, writes wait here; as soon as one in flight completes, the
 * waiting ones go together as one transaction with no compare (their ops in call order), and each caller gets its own
 * part of the transaction's results, at the entry's index.
 *
 * <p>
 * The transaction is a command every version of the store applies (a node of an earlier version applies it the same
 * way during a rolling upgrade), and writes keep the order they were called in on this node: a write goes alone only
 * when nothing waits and no batch is being handed to the engine.
 */
final class WriteBatcher {

    /** The state machine's reply to a command and the index it was applied at. */
    record Reply(JsonNode body, long index) {
    }

    /**
     * One caller's write: its own command (made only when it goes alone), and the same as transaction ops, with an
     * upper bound of their size in JSON; {@code ops} is {@code null} for a write that always goes alone (a
     * compare-and-set, a transaction), which still keeps its place in the order.
     */
    record Write(Supplier<byte[]> command, List<ObjectNode> ops, int sizeBound, CompletableFuture<Reply> result) {

        Write(Supplier<byte[]> command, List<ObjectNode> ops, int sizeBound) {
            this(command, ops, sizeBound, new CompletableFuture<>());
        }

        /** A write that is never batched. */
        static Write alone(byte[] command) {
            return new Write(() -> command, null, command.length);
        }
    }

    /** Above this, a batch is not grown further: a few hundred ops amortise the fixed cost as well as more would. */
    static final int MAX_OPS = 512;

    private final Function<byte[], CompletableFuture<Reply>> submit;

    private final JsonMapper mapper;

    private final int maxInFlight;

    private final int maxBatchBytes;

    private final long timeoutMillis;

    private final Deque<Write> waiting = new ArrayDeque<>();

    /** Guarded by {@code this}: commands of this batcher submitted and not yet completed. */
    private int inFlight;

    /** Guarded by {@code this}: a batch is on its way into the engine; later writes wait, so as not to overtake it. */
    private boolean handingOff;

    /**
     * @param submit        submits one command (checked against the entry size limit) and decodes its reply
     * @param maxInFlight   how many of this node's commands may be in the log before writes wait and are batched
     * @param maxBatchBytes the most bytes of ops a batch takes (a write larger than that goes alone)
     * @param timeoutMillis how long a write may take from its call (the request timeout); one that times out while
     *                      it waits here is never sent
     */
    WriteBatcher(Function<byte[], CompletableFuture<Reply>> submit, JsonMapper mapper, int maxInFlight,
            int maxBatchBytes, long timeoutMillis) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, not " + maxInFlight);
        }
        this.submit = submit;
        this.mapper = mapper;
        this.maxInFlight = maxInFlight;
        this.maxBatchBytes = maxBatchBytes;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Writes {@code write}, alone or batched. The future completes with its own reply: the state machine's, or for a
     * batched write {@code {"changed":...}} (whether any of its ops changed a value), at the batch's index.
     */
    CompletableFuture<Reply> write(Write write) {
        write.result.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
        synchronized (this) {
            if (inFlight >= maxInFlight || handingOff || !waiting.isEmpty()) {
                waiting.add(write);
                return write.result;
            }
            inFlight++;
        }
        send(List.of(write));
        return write.result;
    }

    /** Writes waiting to be batched (for tests and metrics). */
    synchronized int waiting() {
        return waiting.size();
    }

    private void send(List<Write> batch) {
        CompletableFuture<Reply> reply;
        try {
            reply = submit.apply(batch.size() == 1 ? batch.get(0).command.get() : transaction(batch));
        }
        catch (RuntimeException ex) {
            reply = CompletableFuture.failedFuture(ex);
        }
        reply.whenComplete((answer, error) -> {
            synchronized (this) {
                inFlight--;
            }
            if (error != null) {
                batch.forEach(write -> write.result.completeExceptionally(error));
            }
            else {
                complete(batch, answer);
            }
            sendWaiting();
        });
    }

    /** Hands the writes waiting to the engine, as batches, while there is room in flight and nobody else does. */
    private void sendWaiting() {
        while (true) {
            List<Write> batch;
            synchronized (this) {
                if (handingOff || waiting.isEmpty() || inFlight >= maxInFlight) {
                    return;
                }
                batch = take();
                if (batch.isEmpty()) {
                    return;
                }
                inFlight++;
                handingOff = true;
            }
            try {
                send(batch);
            }
            finally {
                synchronized (this) {
                    handingOff = false;
                }
            }
        }
    }

    /**
     * The longest run of waiting writes from the head that fits a batch; the head alone if it does not fit. Empty
     * when every waiting write has timed out.
     */
    private List<Write> take() {
        List<Write> batch = new ArrayList<>();
        int bytes = 0;
        int ops = 0;
        while (!waiting.isEmpty()) {
            Write next = waiting.peek();
            if (next.result.isDone()) {
                // Its caller has its answer already (timed out while waiting): it is never sent.
                waiting.poll();
                continue;
            }
            if (next.ops == null) {
                if (batch.isEmpty()) {
                    batch.add(waiting.poll());
                }
                break;
            }
            boolean fits = bytes + next.sizeBound <= maxBatchBytes && ops + next.ops.size() <= MAX_OPS;
            if (!fits && !batch.isEmpty()) {
                break;
            }
            batch.add(waiting.poll());
            bytes += next.sizeBound;
            ops += next.ops.size();
            if (!fits) {
                break;
            }
        }
        return batch;
    }

    /**
     * The batch as one transaction: no compare, every write's ops in order in the success branch. {@code brief} asks
     * for results without the written entries, which nobody here reads (a node that does not know it adds them).
     */
    private byte[] transaction(List<Write> batch) {
        ObjectNode command = StoreCommands.NODES.objectNode().put("op", "txn").put("brief", true);
        command.putArray("compare");
        ArrayNode success = command.putArray("success");
        batch.forEach(write -> write.ops.forEach(success::add));
        command.putArray("failure");
        return StoreCommands.bytes(mapper, command);
    }

    private static void complete(List<Write> batch, Reply reply) {
        if (batch.size() == 1) {
            batch.get(0).result.complete(reply);
            return;
        }
        if (reply.body.has("error")) {
            batch.forEach(write -> write.result.complete(reply));
            return;
        }
        JsonNode results = reply.body.path("results");
        int op = 0;
        for (Write write : batch) {
            boolean changed = false;
            for (int i = 0; i < write.ops.size(); i++, op++) {
                changed |= results.path(op).path("changed").asBoolean();
            }
            if (op > results.size()) {
                write.result.completeExceptionally(new RaftException(RaftException.Reason.INTERNAL,
                        "The batched writes' transaction returned " + results.size() + " results for " + op + " ops"));
            }
            else {
                write.result.complete(new Reply(StoreCommands.NODES.objectNode().put("changed", changed), reply.index));
            }
        }
    }
}
