package io.github.raftspringboot.test.history;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The Wing-Gong search with Lowe's memoization, on one key's operations (as in Lowe, "Testing for linearizability",
 * 2017, and the Porcupine checker). Invocations and completions form one list in time order; the search repeatedly
 * takes an invocation whose operation the register can apply now, removes it and its completion from the list, and
 * backtracks when it meets a completion whose operation it has not applied yet (that operation had to take effect
 * before it completed). A cache of (set of applied operations, register state) prunes configurations already
 * explored, which is what makes long histories tractable.
 */
final class WglSearch {

    /** Checks the clock every this many steps (a power of two minus one, used as a mask). */
    private static final int CLOCK_MASK = 0x3FF;

    private final List<Operation> operations;

    private final long deadline;

    private final Entry head = new Entry(-1, true, Long.MIN_VALUE);

    private final Set<Configuration> explored = new HashSet<>();

    private final Deque<Frame> applied = new ArrayDeque<>();

    private final BitSet linearized;

    private Object state;

    private SearchOutcome deepestDeadEnd;

    private WglSearch(List<Operation> operations, long deadline) {
        this.operations = operations;
        this.deadline = deadline;
        this.linearized = new BitSet(operations.size());
    }

    /**
     * Searches for a linearization of {@code operations} (all on one key, starting from an absent value), giving
     * up with {@link Verdict#UNKNOWN} once {@link SearchClock#now} passes {@code deadline}.
     */
    static SearchOutcome run(List<Operation> operations, long deadline) {
        return new WglSearch(operations, deadline).search();
    }

    private SearchOutcome search() {
        link();
        Entry entry = head.next;
        long steps = 0;
        while (head.next != null) {
            if ((++steps & CLOCK_MASK) == 0 && SearchClock.now() - deadline > 0) {
                return SearchOutcome.unknown();
            }
            if (entry.call) {
                if (tryApply(entry)) {
                    entry = head.next;
                }
                else {
                    entry = entry.next;
                }
                continue;
            }
            noteDeadEnd(entry);
            if (applied.isEmpty()) {
                return deepestDeadEnd;
            }
            Frame undone = applied.pop();
            state = undone.stateBefore();
            linearized.clear(undone.call().index);
            restore(undone.call());
            entry = undone.call().next;
        }
        return SearchOutcome.linearizable();
    }

    /** Applies the call's operation if legal now and the configuration it leads to is new. */
    private boolean tryApply(Entry call) {
        Object next = RegisterModel.step(state, operations.get(call.index));
        if (next == RegisterModel.ILLEGAL) {
            return false;
        }
        linearized.set(call.index);
        Configuration configuration = new Configuration(linearized, next);
        if (explored.contains(configuration)) {
            linearized.clear(call.index);
            return false;
        }
        explored.add(new Configuration((BitSet) linearized.clone(), next));
        applied.push(new Frame(call, state));
        state = next;
        remove(call);
        return true;
    }

    /** Keeps the dead end reached after the most applied operations: it explains a violation best. */
    private void noteDeadEnd(Entry completion) {
        if (deepestDeadEnd != null && deepestDeadEnd.longestOrder().size() >= applied.size()) {
            return;
        }
        List<SearchOutcome.Step> order = new ArrayList<>(applied.size());
        List<Frame> frames = new ArrayList<>(applied);
        for (int i = frames.size() - 1; i >= 0; i--) {
            Object after = i == 0 ? state : frames.get(i - 1).stateBefore();
            order.add(new SearchOutcome.Step(operations.get(frames.get(i).call().index), after));
        }
        List<Operation> candidates = new ArrayList<>();
        for (Entry e = head.next; e != completion; e = e.next) {
            if (e.call) {
                candidates.add(operations.get(e.index));
            }
        }
        deepestDeadEnd = SearchOutcome.violation(order, operations.get(completion.index), state, candidates);
    }

    private void link() {
        List<Entry> entries = new ArrayList<>(2 * operations.size());
        for (int i = 0; i < operations.size(); i++) {
            Operation operation = operations.get(i);
            Entry call = new Entry(i, true, operation.invokedAt());
            call.match = new Entry(i, false, operation.completedAt());
            entries.add(call);
            entries.add(call.match);
        }
        // At equal times invocations go first: the two operations then overlap, the order that forbids less.
        entries.sort(Comparator.comparingLong((Entry e) -> e.time).thenComparing(e -> !e.call)
                .thenComparingInt(e -> e.index));
        Entry previous = head;
        for (Entry entry : entries) {
            previous.next = entry;
            entry.prev = previous;
            previous = entry;
        }
    }

    /** Unlinks a call and its completion; a call is always followed by its completion, so its next is set. */
    private static void remove(Entry call) {
        call.prev.next = call.next;
        call.next.prev = call.prev;
        Entry completion = call.match;
        completion.prev.next = completion.next;
        if (completion.next != null) {
            completion.next.prev = completion.prev;
        }
    }

    /** Undoes {@link #remove}, in reverse order, so that the neighbours' links are the ones it saw. */
    private static void restore(Entry call) {
        Entry completion = call.match;
        completion.prev.next = completion;
        if (completion.next != null) {
            completion.next.prev = completion;
        }
        call.prev.next = call;
        call.next.prev = call;
    }

    private static final class Entry {

        final int index;

        final boolean call;

        final long time;

        Entry match;

        Entry prev;

        Entry next;

        Entry(int index, boolean call, long time) {
            this.index = index;
            this.call = call;
            this.time = time;
        }
    }

    private record Frame(Entry call, Object stateBefore) {
    }

    /** A point of the search: which operations took effect, and the register's value after them. */
    private record Configuration(BitSet linearized, Object state) {

        @Override
        public boolean equals(Object other) {
            return other instanceof Configuration that && linearized.equals(that.linearized)
                    && Objects.equals(state, that.state);
        }

        @Override
        public int hashCode() {
            return 31 * linearized.hashCode() + Objects.hashCode(state);
        }
    }
}
