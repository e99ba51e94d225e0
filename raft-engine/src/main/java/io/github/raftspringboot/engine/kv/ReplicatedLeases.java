package io.github.raftspringboot.engine.kv;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.github.raftspringboot.api.Lease;
import io.github.raftspringboot.api.LeaseNotFoundException;
import io.github.raftspringboot.api.LeasedKey;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftFutures;
import io.github.raftspringboot.api.RaftLeases;
import io.github.raftspringboot.api.WriteResult;
import io.github.raftspringboot.engine.RaftEngine;

/** The lease API over the store's log; owns the leader-side expiry, which stops with it. */
final class ReplicatedLeases implements RaftLeases, AutoCloseable {

    private final RaftEngine engine;

    private final JsonMapper mapper;

    private final StoreLimits limits;

    private final Duration timeout;

    private final LeaseExpiry expiry;

    ReplicatedLeases(RaftEngine engine, KeyValueStateMachine state, JsonMapper mapper, StoreLimits limits,
            long timeoutMillis, long expiryTickMillis) {
        this.engine = engine;
        this.mapper = mapper;
        this.limits = limits;
        this.timeout = Duration.ofMillis(timeoutMillis + 1000);
        this.expiry = new LeaseExpiry(engine, state.leases(), mapper, expiryTickMillis);
    }

    @Override
    public Lease grant(Duration ttl) {
        return grant(checkTtl(ttl), 0);
    }

    @Override
    public Lease grant(long leaseId, Duration ttl) {
        checkId(leaseId);
        return grant(checkTtl(ttl), leaseId);
    }

    private Lease grant(Duration ttl, long leaseId) {
        Reply reply = submit(LeaseCommands.grant(leaseId, ttl.toMillis()));
        if (reply.reply().has("leaseExists")) {
            throw new IllegalArgumentException("Lease " + leaseId + " already exists: choose another id, or let the "
                    + "cluster choose one (grant(ttl))");
        }
        return lease(reply.reply().get("lease"));
    }

    private static Duration checkTtl(Duration ttl) {
        if (ttl == null || ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("A lease TTL must be from " + MIN_TTL.toSeconds() + " s to "
                    + MAX_TTL.toHours() + " h, not " + ttl);
        }
        return ttl;
    }

    @Override
    public Lease keepAlive(long leaseId) {
        checkId(leaseId);
        return lease(submit(LeaseCommands.keepAlive(leaseId)).reply().get("lease"));
    }

    @Override
    public boolean revoke(long leaseId) {
        checkId(leaseId);
        return submit(LeaseCommands.revoke(leaseId)).reply().path("changed").asBoolean();
    }

    @Override
    public Optional<Lease> timeToLive(long leaseId) {
        checkId(leaseId);
        JsonNode reply = query("lease", Long.toString(leaseId));
        return (reply == null) ? Optional.empty() : Optional.of(lease(reply));
    }

    @Override
    public List<Lease> list() {
        List<Lease> leases = new ArrayList<>();
        query("leases", null).forEach(lease -> leases.add(lease(lease)));
        return leases;
    }

    @Override
    public WriteResult put(String key, Object value, long leaseId) {
        checkId(leaseId);
        ObjectNode command = (ObjectNode) StoreCommands.parse(mapper, StoreCommands.put(mapper, key, json(key, value)));
        return written(submit(command.put("lease", leaseId)));
    }

    @Override
    public WriteResult putIfAbsent(String key, Object value, long leaseId) {
        checkId(leaseId);
        ObjectNode command = (ObjectNode) StoreCommands.parse(mapper,
                StoreCommands.compareAndSet(mapper, key, null, json(key, value)));
        return written(submit(command.put("lease", leaseId)));
    }

    @Override
    public Optional<LeasedKey> leaseOf(String key) {
        limits.checkKey(key);
        JsonNode reply = query("lease_of", key);
        return (reply == null) ? Optional.empty()
                : Optional.of(new LeasedKey(key, reply.get("lease").asLong(), reply.get("index").asLong()));
    }

    private JsonNode json(String key, Object value) {
        limits.checkKey(key);
        if (value == null) {
            throw new IllegalArgumentException("The value of '" + key + "' is null: the store does not hold null "
                    + "values; delete the key or revoke its lease instead");
        }
        JsonNode json = (value instanceof JsonNode node) ? node : mapper.valueToTree(value);
        limits.checkValue(key, json, mapper);
        return json;
    }

    private static void checkId(long leaseId) {
        if (leaseId <= 0) {
            throw new IllegalArgumentException("A lease id is a positive number (the id grant returned), not "
                    + leaseId);
        }
    }

    private record Reply(long index, JsonNode reply) {
    }

    private Reply submit(ObjectNode command) {
        byte[] bytes = StoreCommands.bytes(mapper, command);
        limits.checkCommand(bytes);
        RaftEngine.CommandResult result = RaftFutures.await(engine.submit(bytes), timeout);
        JsonNode reply = StoreCommands.parse(mapper, result.result());
        if (reply.has("leaseNotFound")) {
            throw new LeaseNotFoundException(reply.get("leaseNotFound").asLong());
        }
        if (reply.has("error") && !reply.has("leaseExists")) {
            throw new RaftException(RaftException.Reason.INVALID_REQUEST, reply.get("error").asString());
        }
        return new Reply(result.index(), reply);
    }

    private static WriteResult written(Reply reply) {
        return new WriteResult(reply.index(), reply.reply().path("changed").asBoolean());
    }

    /** A linearizable lease query; {@code null} when the answer is empty (no such lease or key). */
    private JsonNode query(String kind, String argument) {
        CompletableFuture<byte[]> answer = engine.linearizableQuery(StoreCommands.query(mapper, kind, argument));
        byte[] bytes = RaftFutures.await(answer, timeout);
        return (bytes.length == 0) ? null : StoreCommands.parse(mapper, bytes);
    }

    private static Lease lease(JsonNode json) {
        List<String> keys = new ArrayList<>();
        json.path("keys").forEach(key -> keys.add(key.asString()));
        return new Lease(json.get("id").asLong(), Duration.ofMillis(json.get("ttl").asLong()),
                Duration.ofMillis(json.get("remaining").asLong()), keys);
    }

    @Override
    public void close() {
        expiry.close();
    }
}
