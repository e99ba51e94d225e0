package io.github.raftspringboot.engine.atomix;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.atomix.cluster.MemberId;
import io.atomix.protocols.raft.protocol.AppendRequest;
import io.atomix.protocols.raft.protocol.AppendResponse;
import io.atomix.protocols.raft.protocol.RaftResponse;
import io.atomix.protocols.raft.protocol.RaftServerProtocol;

/**
 * Which append requests of this leader each follower has answered in the leader's term, counted by a sequence number
 * given to every append request when it is sent. A read index is confirmed once a majority answered requests sent
 * after the read began: each of them was then still in the leader's term, so no later leader can have been elected
 * before that moment. Counting sends, not wall-clock times, keeps the check free of clocks (a clock step cannot
 * confirm a read early) and lets the first round sent after the read confirm it.
 */
final class AppendAcknowledgements {

    private final AtomicLong sent = new AtomicLong();

    /** Per follower: the highest sequence number it answered, and in which term. */
    private final Map<String, Answer> answered = new ConcurrentHashMap<>();

    private final List<Waiter> waiting = new ArrayList<>();

    /** The sequence number of the last append request sent: requests sent from now on have higher ones. */
    long mark() {
        return sent.get();
    }

    /**
     * Completes once {@code needed} of {@code voters} answered, in {@code term}, an append request sent after
     * {@code mark}; at once when {@code needed} is 0 (a cluster of one).
     */
    CompletableFuture<Void> await(long mark, long term, List<String> voters, int needed) {
        Waiter waiter = new Waiter(mark, term, voters, needed, new CompletableFuture<>());
        if (waiter.satisfied(answered)) {
            waiter.done.complete(null);
            return waiter.done;
        }
        synchronized (waiting) {
            waiting.add(waiter);
        }
        // An answer may have come in between the check and the registration.
        check();
        return waiter.done;
    }

    /** Stops waiting for {@code waiter}'s answers (the read failed in another way). */
    void forget(CompletableFuture<Void> done) {
        synchronized (waiting) {
            waiting.removeIf(waiter -> waiter.done == done);
        }
    }

    /**
     * What the confirmation {@code done} waits for and what it has, for the log of a confirmation that never came:
     * its mark and term, the answers needed, and each voter's last counted answer.
     */
    String describe(CompletableFuture<Void> done) {
        Waiter found;
        synchronized (waiting) {
            found = waiting.stream().filter(waiter -> waiter.done == done).findFirst().orElse(null);
        }
        if (found == null) {
            return "no confirmation waiting";
        }
        StringBuilder text = new StringBuilder("requests sent after #" + found.mark + " in term " + found.term
                + ", " + found.needed + " answer(s) needed; last request sent #" + sent.get() + "; answers counted:");
        for (String voter : found.voters) {
            Answer answer = answered.get(voter);
            text.append(' ').append(voter).append('=')
                .append((answer != null) ? "#" + answer.sequence + " in term " + answer.term : "none");
        }
        return text.toString();
    }

    /** The transport Atomix's server sends with, with every append request numbered and its answer recorded. */
    RaftServerProtocol wrap(RaftServerProtocol protocol) {
        return AppendInterception.wrap(protocol, this::append);
    }

    private CompletableFuture<AppendResponse> append(RaftServerProtocol protocol, MemberId member,
            AppendRequest request) {
        long sequence = sent.incrementAndGet();
        CompletableFuture<AppendResponse> response = protocol.append(member, request);
        response.thenAccept(answer -> {
            // An answer in the request's own term: the follower still followed this leader when it answered.
            if (answer.status() == RaftResponse.Status.OK && answer.term() == request.term()) {
                answered.merge(member.id(), new Answer(request.term(), sequence), Answer::later);
                check();
            }
        });
        return response;
    }

    private void check() {
        List<Waiter> confirmed = new ArrayList<>();
        synchronized (waiting) {
            Iterator<Waiter> waiters = waiting.iterator();
            while (waiters.hasNext()) {
                Waiter waiter = waiters.next();
                if (waiter.done.isDone() || waiter.satisfied(answered)) {
                    waiters.remove();
                    confirmed.add(waiter);
                }
            }
        }
        confirmed.forEach(waiter -> waiter.done.complete(null));
    }

    private record Answer(long term, long sequence) {

        static Answer later(Answer a, Answer b) {
            if (a.term != b.term) {
                return (a.term > b.term) ? a : b;
            }
            return (a.sequence >= b.sequence) ? a : b;
        }
    }

    private record Waiter(long mark, long term, List<String> voters, int needed, CompletableFuture<Void> done) {

        boolean satisfied(Map<String, Answer> answered) {
            int count = 0;
            for (String voter : voters) {
                Answer answer = answered.get(voter);
                if (answer != null && answer.term == term && answer.sequence > mark) {
                    count++;
                }
            }
            return count >= needed;
        }
    }
}
