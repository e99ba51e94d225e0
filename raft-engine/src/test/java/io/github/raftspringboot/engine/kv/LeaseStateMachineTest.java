package io.github.raftspringboot.engine.kv;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** Leases in the state machine alone: deterministic apply, stale expiries, snapshots, the leader's clock rule. */
class LeaseStateMachineTest {

    private final JsonMapper mapper = new JsonMapper();

    private final StoreLimits limits = new StoreLimits(1024, 1 << 20, 4 << 20);

    private final KeyValueStateMachine state = new KeyValueStateMachine(mapper, limits);

    @Test
    void revokeDeletesExactlyTheKeysStillAttached() {
        assertThat(apply(10, "{\"op\":\"lease_grant\",\"ttl\":5000}").get("lease").get("id").asLong()).isEqualTo(10);
        apply(11, "{\"op\":\"put\",\"key\":\"a\",\"value\":1,\"lease\":10}");
        apply(12, "{\"op\":\"put\",\"key\":\"b\",\"value\":2,\"lease\":10}");
        apply(13, "{\"op\":\"put\",\"key\":\"b\",\"value\":3}");
        apply(14, "{\"op\":\"put\",\"key\":\"c\",\"value\":4}");
        assertThat(query("lease", "10").get("keys").toString()).isEqualTo("[\"a\"]");

        assertThat(apply(15, "{\"op\":\"lease_revoke\",\"id\":10}").get("changed").asBoolean()).isTrue();
        assertThat(state.get("a")).isNull();
        assertThat(state.get("b").asInt()).isEqualTo(3);
        assertThat(state.get("c").asInt()).isEqualTo(4);
        assertThat(query("lease", "10")).isNull();
        assertThat(apply(16, "{\"op\":\"lease_revoke\",\"id\":10}").get("changed").asBoolean()).isFalse();
    }

    @Test
    void aClientMayChooseTheIdAndTheLogSkipsIdsInUse() {
        assertThat(apply(3, "{\"op\":\"lease_grant\",\"ttl\":5000,\"id\":7}").get("lease").get("id").asLong())
            .isEqualTo(7);
        assertThat(apply(4, "{\"op\":\"lease_grant\",\"ttl\":5000,\"id\":7}").get("leaseExists").asLong())
            .isEqualTo(7);
        assertThat(apply(7, "{\"op\":\"lease_grant\",\"ttl\":5000}").get("lease").get("id").asLong()).isEqualTo(8);
        // An expiry decided for an earlier lease 7 does not end a lease 7 granted again since.
        apply(9, "{\"op\":\"lease_revoke\",\"id\":7}");
        apply(10, "{\"op\":\"lease_grant\",\"ttl\":5000,\"id\":7}");
        assertThat(apply(11, "{\"op\":\"lease_expire\",\"id\":7,\"refresh\":3}").get("changed").asBoolean())
            .isFalse();
    }

    @Test
    void anExpiryDecidedBeforeAKeepAliveIsANoOp() {
        apply(20, "{\"op\":\"lease_grant\",\"ttl\":5000}");
        apply(21, "{\"op\":\"put\",\"key\":\"k\",\"value\":1,\"lease\":20}");
        apply(22, "{\"op\":\"lease_keepalive\",\"id\":20}");
        // The leader decided on the grant (refresh 20); the keep-alive at 22 won the race.
        assertThat(apply(23, "{\"op\":\"lease_expire\",\"id\":20,\"refresh\":20}").get("changed").asBoolean())
            .isFalse();
        assertThat(state.get("k")).isNotNull();
        assertThat(apply(24, "{\"op\":\"lease_expire\",\"id\":20,\"refresh\":22}").get("changed").asBoolean())
            .isTrue();
        assertThat(state.get("k")).isNull();
    }

    @Test
    void aWriteOnAMissingLeaseChangesNothingAndSaysWhy() {
        JsonNode result = apply(30, "{\"op\":\"put\",\"key\":\"k\",\"value\":1,\"lease\":99}");
        assertThat(result.get("leaseNotFound").asLong()).isEqualTo(99);
        assertThat(result.get("error").asString()).contains("lease 99 does not exist");
        assertThat(state.get("k")).isNull();
        assertThat(apply(31, "{\"op\":\"lease_keepalive\",\"id\":99}").get("leaseNotFound").asLong()).isEqualTo(99);
        assertThat(state.validate(bytes("{\"op\":\"lease_grant\",\"ttl\":10}"))).contains("\"ttl\" must be")
            .contains("1000 to 86400000");
        assertThat(state.validate(bytes("{\"op\":\"put\",\"key\":\"k\",\"value\":1,\"lease\":\"x\"}")))
            .contains("\"lease\" must be a lease id");
        assertThat(state.validate(bytes("{\"op\":\"lease_nope\"}"))).contains("unknown op");
    }

    @Test
    void aLockIsCreatedOnlyIfAbsentAndRemembersItsCreationIndex() {
        apply(40, "{\"op\":\"lease_grant\",\"ttl\":5000}");
        apply(41, "{\"op\":\"lease_grant\",\"ttl\":5000}");
        assertThat(apply(42, "{\"op\":\"cas\",\"key\":\"l\",\"expected\":null,\"value\":1,\"lease\":40}")
            .get("changed").asBoolean()).isTrue();
        assertThat(apply(43, "{\"op\":\"cas\",\"key\":\"l\",\"expected\":null,\"value\":2,\"lease\":41}")
            .get("changed").asBoolean()).isFalse();
        assertThat(query("lease_of", "l").get("lease").asLong()).isEqualTo(40);
        assertThat(query("lease_of", "l").get("index").asLong()).isEqualTo(42);
        apply(44, "{\"op\":\"lease_revoke\",\"id\":40}");
        assertThat(apply(45, "{\"op\":\"cas\",\"key\":\"l\",\"expected\":null,\"value\":2,\"lease\":41}")
            .get("changed").asBoolean()).isTrue();
        assertThat(query("lease_of", "l").get("index").asLong()).isEqualTo(45);
    }

    @Test
    void snapshotsKeepLeasesAndOldPlainSnapshotsStillRestore() throws Exception {
        apply(50, "{\"op\":\"lease_grant\",\"ttl\":5000}");
        apply(51, "{\"op\":\"put\",\"key\":\"k\",\"value\":1,\"lease\":50}");
        apply(52, "{\"op\":\"put\",\"key\":\"format\",\"value\":2}");
        ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
        state.snapshot(snapshot);
        assertThat(snapshot.toString(StandardCharsets.US_ASCII)).startsWith("RAFTKV/3");

        KeyValueStateMachine restored = new KeyValueStateMachine(mapper, limits);
        restored.restore(new ByteArrayInputStream(snapshot.toByteArray()));
        assertThat(restored.entries("")).isEqualTo(state.entries(""));
        assertThat(new String(restored.query(bytes("{\"q\":\"lease_of\",\"arg\":\"k\"}")), StandardCharsets.UTF_8))
            .isEqualTo("{\"lease\":50,\"index\":51}");
        restored.apply(53, bytes("{\"op\":\"lease_revoke\",\"id\":50}"));
        assertThat(restored.get("k")).isNull();

        // A plain snapshot, as written without leases (and by every earlier version), even one with a "format" key.
        KeyValueStateMachine plain = new KeyValueStateMachine(mapper, limits);
        plain.restore(new ByteArrayInputStream(bytes("{\"entries\":{\"x\":1},\"format\":2,\"other\":true}")));
        assertThat(plain.get("other").asBoolean()).isTrue();
        assertThat(plain.get("format").asInt()).isEqualTo(2);
    }

    @Test
    void aNewLeaderGivesEveryLeaseItsWholeTtlBeforeExpiringAny() {
        AtomicLong now = new AtomicLong();
        LeaseTable table = new LeaseTable(now::get);
        table.grant(1, 1, 1000);
        now.addAndGet(900_000_000L);
        table.grant(2, 2, 1000);
        now.addAndGet(200_000_000L);
        assertThat(table.expired()).extracting(due -> due.getKey()).containsExactly(1L);
        table.restartAllClocks();
        assertThat(table.expired()).isEmpty();
        now.addAndGet(999_000_000L);
        assertThat(table.expired()).isEmpty();
        now.addAndGet(1_000_000L);
        assertThat(table.expired()).extracting(due -> due.getKey()).containsExactlyInAnyOrder(1L, 2L);
    }

    private JsonNode apply(long index, String command) {
        return mapper.readTree(state.apply(index, bytes(command)));
    }

    private JsonNode query(String kind, String argument) {
        byte[] answer = state.query(bytes("{\"q\":\"" + kind + "\",\"arg\":\"" + argument + "\"}"));
        return (answer.length == 0) ? null : mapper.readTree(answer);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
