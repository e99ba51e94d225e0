package io.github.raftspringboot.sample.web;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftWatch;
import io.github.raftspringboot.api.RaftWatchListener;
import io.github.raftspringboot.api.WatchEvent;

/**
 * {@code GET /watch?prefix=p&fromRevision=N} (or {@code ?key=k}): the changes as server-sent events, one JSON event
 * per change, its {@code id} the revision. A reconnecting EventSource sends {@code Last-Event-ID}, and the stream
 * resumes after it. {@code limit=N} ends the stream after N events (for scripts).
 */
@RestController
class WatchController {

    private static final Logger logger = LoggerFactory.getLogger(WatchController.class);

    private final RaftKeyValueStore store;

    WatchController(RaftKeyValueStore store) {
        this.store = store;
    }

    @GetMapping("/watch")
    SseEmitter watch(@RequestParam(required = false) String prefix, @RequestParam(required = false) String key,
            @RequestParam(required = false) String fromRevision, @RequestParam(required = false) String limit,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        if ((prefix == null) == (key == null)) {
            throw new IllegalArgumentException("Give either prefix (the keys starting with it; prefix= for all) or "
                    + "key (one key), e.g. /watch?prefix=user/&fromRevision=1");
        }
        long from = (lastEventId != null) ? number("Last-Event-ID", lastEventId) + 1
                : (fromRevision != null) ? number("fromRevision", fromRevision) : 0;
        long max = (limit != null) ? number("limit", limit) : Long.MAX_VALUE;
        if (max < 1) {
            throw new IllegalArgumentException("limit must be at least 1, not " + limit);
        }
        // No timeout: the stream lasts until the client goes away (or limit events were sent).
        SseEmitter emitter = new SseEmitter(0L);
        AtomicReference<RaftWatch> watch = new AtomicReference<>();
        RaftWatchListener listener = new Sender(emitter, max, watch);
        watch.set((key != null) ? store.watchKey(key, from, listener) : store.watch(prefix, from, listener));
        emitter.onCompletion(() -> watch.get().cancel());
        emitter.onTimeout(() -> watch.get().cancel());
        emitter.onError(error -> watch.get().cancel());
        return emitter;
    }

    private static long number(String name, String value) {
        try {
            long number = Long.parseLong(value);
            if (number >= 0) {
                return number;
            }
        }
        catch (NumberFormatException ex) {
            // Reported below with what a valid value looks like.
        }
        throw new IllegalArgumentException(name + " must be a whole number of at least 0, not '" + value + "'");
    }

    /** Sends each change as one event; ends the stream after {@code max} of them or on a watch error. */
    private static final class Sender implements RaftWatchListener {

        private final SseEmitter emitter;

        private final long max;

        private final AtomicReference<RaftWatch> watch;

        private final AtomicInteger sent = new AtomicInteger();

        Sender(SseEmitter emitter, long max, AtomicReference<RaftWatch> watch) {
            this.emitter = emitter;
            this.max = max;
            this.watch = watch;
        }

        @Override
        public void onEvent(WatchEvent event) {
            try {
                emitter.send(SseEmitter.event().id(Long.toString(event.revision()))
                    .data(StoreJson.event(event), MediaType.APPLICATION_JSON));
                if (sent.incrementAndGet() >= max) {
                    emitter.complete();
                    cancel();
                }
            }
            catch (IOException | IllegalStateException ex) {
                // The client went away: the watch ends with its stream.
                logger.debug("Watch stream closed: {}", ex.toString());
                cancel();
            }
        }

        @Override
        public void onError(RaftException error) {
            try {
                emitter.send(SseEmitter.event().name("error").data(
                        java.util.Map.of("reason", error.reason().name(), "detail", error.getMessage()),
                        MediaType.APPLICATION_JSON));
                emitter.complete();
            }
            catch (IOException | IllegalStateException ex) {
                logger.debug("Watch stream closed before its error could be sent: {}", ex.toString());
            }
        }

        private void cancel() {
            RaftWatch current = watch.get();
            if (current != null) {
                current.cancel();
            }
        }
    }
}
