package io.github.raftspringboot.sample.it;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The kinds of fault the fault suite injects, in the order the nemesis takes them in turn: the quick ones first, so
 * that the short run sees most kinds even when a killed node takes long to restart on a loaded machine.
 */
enum NemesisKind {

/** The leader can neither send nor receive; the others elect a new one. */
    ISOLATE_LEADER("isolate-leader", "isolate leader"),

    /** The leader with fewer than half of the others on its side; the majority side elects. */
    MINORITY_LEADER("minority-leader", "leader in minority"),

    /** The others split into two halves; one follower reaches both. */
    BRIDGE("bridge", "bridge"),

    /** The leader's messages to one follower are lost; that follower's to the leader still arrive. */
    ONE_WAY("one-way", "one-way leader -/-> follower"),

    /**
     * Snapshots (each compacting its node's log) taken on the leader, then on each follower, three times over the
     * fault's length, while the clients write and read.
     */
    SNAPSHOTS("snapshots", "snapshots on every node"),

    /** SIGSTOP of the leader, SIGCONT a few seconds later. */
    PAUSE_LEADER("pause-leader", "SIGSTOP leader"),

    /**
     * A follower is cut off, removed from the cluster while cut off, and added back once the network heals; the
     * leadership is handed to another voter in the middle.
     */
    MEMBERSHIP("membership", "remove + re-add follower, transfer leadership, during a partition"),

    /** kill -9 of the leader, restarted a few seconds later. */
    KILL_LEADER("kill-leader", "kill -9 leader"),

    /** kill -9 of a follower, restarted a few seconds later. */
    KILL_FOLLOWER("kill-follower", "kill -9 follower");

    private final String id;

    private final String description;

    NemesisKind(String id, String description) {
        this.id = id;
        this.description = description;
    }

    String id() {
        return id;
    }

    String description() {
        return description;
    }

    /** {@code all}, or ids separated by commas (e.g. {@code isolate-leader,kill-leader}). */
    static List<NemesisKind> parse(String value) {
        if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("all")) {
            return List.of(values());
        }
        List<NemesisKind> kinds = new ArrayList<>();
        for (String name : value.split(",")) {
            String wanted = name.trim().toLowerCase(Locale.ROOT);
            kinds.add(Arrays.stream(values()).filter(kind -> kind.id.equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown nemesis '" + name.trim()
                        + "' in -Dfaults.nemeses; use 'all' or some of " + Arrays.stream(values())
                            .map(NemesisKind::id).toList())));
        }
        return kinds;
    }
}
