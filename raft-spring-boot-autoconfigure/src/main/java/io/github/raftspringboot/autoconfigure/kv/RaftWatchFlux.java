package io.github.raftspringboot.autoconfigure.kv;

import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftWatch;
import io.github.raftspringboot.api.RaftWatchListener;
import io.github.raftspringboot.api.WatchEvent;

/**
 * Watches of the {@link RaftKeyValueStore} as Reactor {@link Flux}es, for applications that have Reactor (it is an
 * optional dependency: this class is only usable when {@code reactor-core} is on the classpath). The watch starts on
 * subscription and is cancelled with it; a compacted revision or a listener that fell too far behind ends the flux
 * with the {@link RaftException}. Events are buffered for slow subscribers (the store bounds each watch's backlog).
 */
public final class RaftWatchFlux {

    private RaftWatchFlux() {
    }

    /** The changes of the keys that start with {@code prefix}, from {@code fromRevision} (0: from the next change). */
    public static Flux<WatchEvent> watch(RaftKeyValueStore store, String prefix, long fromRevision) {
        return Flux.create(sink -> bind(sink, listener -> store.watch(prefix, fromRevision, listener)));
    }

    /** The changes of the one key {@code key}, from {@code fromRevision} (0: from the next change). */
    public static Flux<WatchEvent> watchKey(RaftKeyValueStore store, String key, long fromRevision) {
        return Flux.create(sink -> bind(sink, listener -> store.watchKey(key, fromRevision, listener)));
    }

    private static void bind(FluxSink<WatchEvent> sink, java.util.function.Function<RaftWatchListener, RaftWatch> start) {
        RaftWatch watch;
        try {
            watch = start.apply(new RaftWatchListener() {
                @Override
                public void onEvent(WatchEvent event) {
                    sink.next(event);
                }

                @Override
                public void onError(RaftException error) {
                    sink.error(error);
                }
            });
        }
        catch (RuntimeException ex) {
            sink.error(ex);
            return;
        }
        sink.onDispose(watch::cancel);
    }
}
