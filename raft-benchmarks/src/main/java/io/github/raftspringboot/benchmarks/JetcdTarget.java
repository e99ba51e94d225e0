package io.github.raftspringboot.benchmarks;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;

/**
 * etcd through its Java client, jetcd, as a Spring team would use it: one {@link Client}, blocking on each call's
 * future from the client threads. It is given the first member's endpoint only: with several, jetcd spreads the
 * calls round-robin, so a third would reach the leader whatever role the benchmark gave the member, while the
 * store's side always talks to its own member.
 */
final class JetcdTarget extends KeyValueTarget<KV, ByteSequence, ByteSequence> {

    private static final GetOption SERIALIZABLE = GetOption.builder().withSerializable(true).build();

    private final Client client;

    private final KV kv;

    private final List<URI> members;

    private final List<Long> pids;

    private final HttpCalls http;

    JetcdTarget(HttpCalls http, List<URI> members, List<Long> pids) {
        super("etcd", pids);
        this.http = http;
        this.members = List.copyOf(members);
        this.pids = List.copyOf(pids);
        this.client = Client.builder().endpoints(members.get(0).toString()).build();
        this.kv = client.getKVClient();
    }

    /**
     * The same read set through the JSON gateway (batched transactions), which is not measured; then one call
     * through jetcd, which connects it.
     */
    @Override
    public void preload(int readSetSize, int valueSize) throws Exception {
        new EtcdGatewayTarget(http, members, pids).preload(readSetSize, valueSize);
        if (await(kv.get(key(Payloads.CAS_KEY))).getKvs().isEmpty()) {
            throw new RequestFailedException("jetcd does not see the key the JSON gateway wrote: " + Payloads.CAS_KEY);
        }
    }

    @Override
    KV connection(int clientNumber) {
        return kv;
    }

    @Override
    ByteSequence key(String key) {
        return ByteSequence.from(key, StandardCharsets.US_ASCII);
    }

    @Override
    ByteSequence value(String value) {
        return ByteSequence.from(value, StandardCharsets.US_ASCII);
    }

    @Override
    boolean put(KV kv, ByteSequence key, ByteSequence value) throws Exception {
        await(kv.put(key, value));
        return true;
    }

    @Override
    boolean get(KV kv, ByteSequence key, boolean linearizable) throws Exception {
        if (await(kv.get(key, linearizable ? GetOption.DEFAULT : SERIALIZABLE)).getKvs().isEmpty()) {
            throw new RequestFailedException("get(" + key + ") found no value: the read set is missing");
        }
        return true;
    }

    /** Reads the key's mod revision, then writes only if it is unchanged: the usual etcd optimistic update. */
    @Override
    boolean compareAndSet(KV kv, ByteSequence key, ByteSequence value) throws Exception {
        GetResponse current = await(kv.get(key));
        if (current.getKvs().isEmpty()) {
            throw new RequestFailedException("get(" + Payloads.CAS_KEY + ") found no value: the CAS key is missing");
        }
        long revision = current.getKvs().get(0).getModRevision();
        return await(kv.txn()
            .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(revision)))
            .Then(Op.put(key, value, PutOption.DEFAULT))
            .commit()).isSucceeded();
    }

    /** The call's answer; its failure as the exception that caused it; a call slower than the HTTP timeout fails. */
    private static <T> T await(CompletableFuture<T> call) throws Exception {
        try {
            return call.get(HttpCalls.REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (ExecutionException ex) {
            throw ex.getCause() instanceof Exception cause ? cause : ex;
        }
        catch (TimeoutException ex) {
            call.cancel(true);
            throw new RequestFailedException("jetcd call did not answer in " + HttpCalls.REQUEST_TIMEOUT.toSeconds()
                    + " s");
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
