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
 * per change. Its {@code id} is the revision, with {@code .K} for the K-th further change of the same revision (one
 * request can write several keys), so that a reconnecting EventSource, which sends {@code Last-Event-ID}, resumes
 * exactly after the last change it received. {@code limit=N} ends the stream after N events (for scripts).
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
        EventId resumeAfter = (lastEventId != null) ? EventId.parse(lastEventId) : null;
        long from = (resumeAfter != null) ? resumeAfter.revision()
                : (fromRevision != null) ? number("fromRevision", fromRevision, 0) : 0;
        long max = (limit != null) ? number("limit", limit, 1) : Long.MAX_VALUE;
        // No timeout: the stream lasts until the client goes away (or limit events were sent).
        SseEmitter emitter = new SseEmitter(0L);
        AtomicReference<RaftWatch> watch = new AtomicReference<>();
        RaftWatchListener listener = new Sender(emitter, max, watch, resumeAfter);
        watch.set((key != null) ? store.watchKey(key, from, listener) : store.watch(prefix, from, listener));
        emitter.onCompletion(() -> watch.get().cancel());
        emitter.onTimeout(() -> watch.get().cancel());
        emitter.onError(error -> watch.get().cancel());
        return emitter;
    }

    private static long number(String name, String value, long min) {
        try {
            long number = Long.parseLong(value);
            if (number >= min) {
                return number;
            }
        }
        catch (NumberFormatException ex) {
            // Reported below with what a valid value looks like.
        }
        throw new IllegalArgumentException(name + " must be a whole number of at least " + min + ", not '" + value
                + "'");
    }

    /** An event id: a revision and the position of the change among the changes of that revision (from 0). */
    record EventId(long revision, int ordinal) {

        static EventId parse(String text) {
            int dot = text.indexOf('.');
            try {
                long revision = Long.parseLong((dot < 0) ? text : text.substring(0, dot));
                int ordinal = (dot < 0) ? 0 : Integer.parseInt(text.substring(dot + 1));
                if (revision > 0 && ordinal >= 0) {
                    return new EventId(revision, ordinal);
                }
            }
            catch (NumberFormatException ex) {
                // Reported below with the form an id has.
            }
            throw new IllegalArgumentException("Last-Event-ID must be an event id this endpoint sent (REVISION or "
                    + "REVISION.K), not '" + text + "'");
        }

        @Override
        public String toString() {
            return (ordinal == 0) ? Long.toString(revision) : revision + "." + ordinal;
        }
    }

    /** Sends each change as one event; ends the stream after {@code max} of them or on a watch error. */
    private static final class Sender implements RaftWatchListener {

        private final SseEmitter emitter;

        private final long max;

        private final AtomicReference<RaftWatch> watch;

        private final AtomicInteger sent = new AtomicInteger();

        /** The last event the client already has (Last-Event-ID), or {@code null}. */
        private final EventId resumeAfter;

        /** The id of the last event sent (listener calls come one at a time). */
        private EventId last;

        Sender(SseEmitter emitter, long max, AtomicReference<RaftWatch> watch, EventId resumeAfter) {
            this.emitter = emitter;
            this.max = max;
            this.watch = watch;
            this.resumeAfter = resumeAfter;
        }

        @Override
        public void onEvent(WatchEvent event) {
            EventId id = (last != null && last.revision() == event.revision())
                    ? new EventId(event.revision(), last.ordinal() + 1) : new EventId(event.revision(), 0);
            last = id;
            if (resumeAfter != null && id.revision() == resumeAfter.revision() && id.ordinal() <= resumeAfter.ordinal()) {
                return;
            }
            try {
                emitter.send(SseEmitter.event().id(id.toString())
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
