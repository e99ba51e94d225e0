package io.github.raftspringboot.sample.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.awaitility.Awaitility.await;

/**
 * Injects one fault at a time, on a schedule, taking the chosen {@link NemesisKind kinds} in turn. Each fault opens a
 * phase: the clients use keys of that phase until the next one, so that every key's history (and any violation
 * found in it) belongs to one kind of fault. After each fault it measures the time to the next acknowledged write.
 */
final class Nemesis {

    private static final Logger logger = LoggerFactory.getLogger(Nemesis.class);

    /** The quiet time between faults. */
    private static final Duration QUIET = Duration.ofSeconds(2);

    /** Room after the last fault: its length, a restart, and the first acknowledged write after it. */
    private static final Duration RECOVERY_WINDOW = Duration.ofSeconds(45);

    /** Longest wait for a write after a fault; a recovery that takes this long is reported as this. */
    static final Duration NO_RECOVERY = Duration.ofSeconds(60);

    private final FaultActions actions;

    private final List<NemesisKind> kinds;

    private final FaultClient.Stats stats;

    private final Map<String, NemesisKind> phases = new LinkedHashMap<>();

    private final Map<NemesisKind, List<Duration>> recoveries = new LinkedHashMap<>();

    private int round;

    Nemesis(FaultActions actions, List<NemesisKind> kinds, FaultClient.Stats stats) {
        this.actions = actions;
        this.kinds = List.copyOf(kinds);
        this.stats = stats;
    }

    /**
     * Injects faults until {@code deadline}, when the clients stop: the last fault is injected early enough for its
     * recovery to be measured while they still write.
     */
    void runUntil(long deadline) throws InterruptedException {
        long lastInjection = deadline - RECOVERY_WINDOW.toNanos();
        while (true) {
            TimeUnit.MILLISECONDS.sleep(QUIET.toMillis());
            if (System.nanoTime() - lastInjection > 0) {
                return;
            }
            Optional<NodeProcess> leader = actions.leader();
            NemesisKind kind = kinds.get(round % kinds.size());
            String phase = "r" + (++round);
            phases.put(phase, kind);
            long injected = System.nanoTime();
            stats.faultInjected(injected, phase);
            logger.info("Nemesis {}: {} (leader before: {})", phase, kind.description(),
                    leader.map(NodeProcess::name).orElse("none"));
            actions.inject(kind, leader);
            recoveries.computeIfAbsent(kind, k -> new ArrayList<>()).add(timeToNextAcknowledgedWrite(injected));
        }
    }

    /** The kind of fault each phase (key prefix) ran under. */
    Map<String, NemesisKind> phases() {
        return phases;
    }

    /** Per kind, the time from each fault to the next acknowledged write, in injection order. */
    Map<NemesisKind, List<Duration>> recoveries() {
        return recoveries;
    }

    Duration longestRecovery() {
        return recoveries.values().stream().flatMap(List::stream).max(Duration::compareTo).orElse(Duration.ZERO);
    }

    private Duration timeToNextAcknowledgedWrite(long injected) {
        try {
            await().atMost(NO_RECOVERY).pollInterval(Duration.ofMillis(10)).until(() -> stats.firstAckAfterFault() != 0);
            return Duration.ofNanos(stats.firstAckAfterFault() - injected);
        }
        catch (ConditionTimeoutException ex) {
            return NO_RECOVERY;
        }
    }
}
