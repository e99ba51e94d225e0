package io.github.raftspringboot.engine.atomix;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;

import io.atomix.primitive.session.SessionId;
import io.atomix.protocols.raft.protocol.PublishRequest;
import io.atomix.protocols.raft.protocol.ResetRequest;

/**
 * The handlers Atomix registered for the Raft messages this node receives, and the hand-over of each arriving
 * message to its handler by type (session events to the session's listener on its executor).
 */
final class PeerDispatcher {

    private final Map<Class<?>, Function<Object, CompletableFuture<?>>> handlers = new ConcurrentHashMap<>();

    private final Map<SessionId, Listener<ResetRequest>> resetListeners = new ConcurrentHashMap<>();

    private final Map<SessionId, Listener<PublishRequest>> publishListeners = new ConcurrentHashMap<>();

    /** Hands a message to its handler; completes with the response, or with null for one-way messages. */
    @SuppressWarnings("unchecked")
    CompletableFuture<Object> dispatch(Object message) {
        if (message instanceof PublishRequest publish) {
            deliver(publishListeners.get(publish.session()), publish);
            return CompletableFuture.completedFuture(null);
        }
        if (message instanceof ResetRequest reset) {
            deliver(resetListeners.get(reset.session()), reset);
            return CompletableFuture.completedFuture(null);
        }
        Function<Object, CompletableFuture<?>> handler = handlers.get(message.getClass());
        if (handler == null) {
            return CompletableFuture.failedFuture(new NotReady(message.getClass().getSimpleName()));
        }
        return (CompletableFuture<Object>) handler.apply(message);
    }

    /** Whether {@code error} only says that Raft is not running here yet (or any more): normal while starting. */
    static boolean isNotReady(Throwable error) {
        return error instanceof NotReady;
    }

    private static <T> void deliver(Listener<T> listener, T message) {
        if (listener != null) {
            listener.executor().execute(() -> listener.consumer().accept(message));
        }
    }

    @SuppressWarnings("unchecked")
    <T, R> void register(Class<T> type, Function<T, CompletableFuture<R>> handler) {
        handlers.put(type, message -> handler.apply((T) message));
    }

    void unregister(Class<?> type) {
        handlers.remove(type);
    }

    /** Wraps a registered handler, e.g. to make accepted entries durable before the reply. */
    @SuppressWarnings("unchecked")
    <T, R> void decorate(Class<T> type,
            Function<Function<T, CompletableFuture<R>>, Function<T, CompletableFuture<R>>> decorator) {
        handlers.computeIfPresent(type, (key, handler) -> {
            Function<T, CompletableFuture<R>> typed = request -> (CompletableFuture<R>) handler.apply(request);
            Function<T, CompletableFuture<R>> decorated = decorator.apply(typed);
            return message -> decorated.apply((T) message);
        });
    }

    void registerResetListener(SessionId sessionId, Consumer<ResetRequest> listener, Executor executor) {
        resetListeners.put(sessionId, new Listener<>(listener, executor));
    }

    void unregisterResetListener(SessionId sessionId) {
        resetListeners.remove(sessionId);
    }

    void registerPublishListener(SessionId sessionId, Consumer<PublishRequest> listener, Executor executor) {
        publishListeners.put(sessionId, new Listener<>(listener, executor));
    }

    void unregisterPublishListener(SessionId sessionId) {
        publishListeners.remove(sessionId);
    }

    private record Listener<T>(Consumer<T> consumer, Executor executor) {
    }

    /** A message came before Atomix registered its handler (the node is starting) or after it left (stopping). */
    private static final class NotReady extends IllegalStateException {

        private static final long serialVersionUID = 1L;

        NotReady(String messageType) {
            super("Raft is not ready on this node for " + messageType);
        }
    }
}
