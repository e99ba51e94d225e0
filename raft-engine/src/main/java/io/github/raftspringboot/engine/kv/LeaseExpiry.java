package io.github.raftspringboot.engine.kv;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.engine.RaftEngine;
import io.github.raftspringboot.engine.RaftEngineListener;

/**
 * The leader's side of lease expiry. While this node leads, it looks at the lease clocks every tick and proposes a
 * {@code lease_expire} entry for each lease whose TTL ran out on its own clock; the entry names the keep-alive the
 * decision was based on, so a keep-alive that wins the race keeps the lease. On becoming leader it first restarts
 * every lease's clock (etcd's rule): leases granted or kept alive under the old leader get their whole TTL again.
 */
final class LeaseExpiry implements RaftEngineListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaseExpiry.class);

    private final RaftEngine engine;

    private final LeaseTable leases;

    private final JsonMapper mapper;

    private final ScheduledExecutorService scheduler;

    private volatile boolean leading;

    /** Leases with an expiry proposed and not yet answered: proposed once, not once a tick. */
    private final Set<Long> proposed = ConcurrentHashMap.newKeySet();

    LeaseExpiry(RaftEngine engine, LeaseTable leases, JsonMapper mapper, long tickMillis) {
        this.engine = engine;
        this.leases = leases;
        this.mapper = mapper;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "raft-lease-expiry");
            thread.setDaemon(true);
            return thread;
        });
        engine.addListener(this);
        if (engine.isRunning() && engine.isLeader()) {
            roleChanged(null, RaftRole.LEADER, 0);
        }
        scheduler.scheduleWithFixedDelay(this::expireDue, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void roleChanged(RaftRole previous, RaftRole current, long term) {
        if (current == RaftRole.LEADER) {
            // Before expiring anything: this node's clocks were not the leader's until now.
            leases.restartAllClocks();
            leading = true;
            log.debug("Leader in term {}: every lease's clock starts again", term);
        }
        else {
            leading = false;
        }
    }

    private void expireDue() {
        if (!leading) {
            return;
        }
        try {
            for (Map.Entry<Long, LeaseTable.Deadline> due : leases.expired()) {
                long id = due.getKey();
                if (leading && proposed.add(id)) {
                    byte[] command = StoreCommands.bytes(mapper,
                            LeaseCommands.expire(id, due.getValue().refreshIndex()));
                    engine.submit(command).whenComplete((result, error) -> {
                        proposed.remove(id);
                        if (error != null) {
                            // Tried again next tick if this node still leads and the lease is still due.
                            log.debug("Could not expire lease {}: {}", id, error.toString());
                        }
                    });
                }
            }
        }
        catch (RuntimeException ex) {
            log.warn("Lease expiry check failed; trying again next tick", ex);
        }
    }

    @Override
    public void close() {
        leading = false;
        scheduler.shutdownNow();
    }
}
