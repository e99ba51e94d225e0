package io.github.raftspringboot.engine.kv;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.github.raftspringboot.api.Txn;
import io.github.raftspringboot.api.TxnCompare;
import io.github.raftspringboot.api.TxnOp;
import io.github.raftspringboot.api.TxnResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Transactions on the state machine alone: compares, branches, per-op results and validation. */
class TxnStateMachineTest {

    private final JsonMapper mapper = new JsonMapper();

    private final StoreLimits limits = new StoreLimits(16, 64, 4096);

    @Test
    void theBranchFollowsTheComparesAndOpsRunInOrder() {
        KeyValueStateMachine state = new KeyValueStateMachine(mapper, limits);
        state.apply(4, bytes("{\"op\":\"put_all\",\"entries\":{\"a\":1,\"c\":true}}"));
        Txn txn = Txn.when(TxnCompare.valueEquals("a", 1), TxnCompare.absent("b"),
                TxnCompare.modRevision("a", TxnCompare.Operator.LESS, 5))
            .then(TxnOp.put("a", 2), TxnOp.delete("c"), TxnOp.get("a"))
            .orElse(TxnOp.get("a"));
        TxnResult first = run(state, 7, txn);
        assertThat(first.succeeded()).isTrue();
        assertThat(first.results()).extracting(TxnResult.OpResult::type)
            .containsExactly(TxnResult.Type.PUT, TxnResult.Type.DELETE, TxnResult.Type.GET);
        assertThat(first.results().get(2).entry().value().asInt()).isEqualTo(2);
        assertThat(first.results().get(2).entry().modRevision()).isEqualTo(7);
        assertThat(first.results().get(2).entry().version()).isEqualTo(2);
        assertThat(state.get("c")).isNull();

        TxnResult second = run(state, 8, txn);
        assertThat(second.succeeded()).isFalse();
        assertThat(second.results()).singleElement().satisfies(get -> assertThat(get.entry().value().asInt()).isEqualTo(2));
        assertThat(state.record("a").modRevision()).isEqualTo(7);
    }

    @Test
    void badTransactionsAreRefusedWithAClearMessage() {
        assertRefused(Txn.when(TxnCompare.valueEquals("a", null)).then(TxnOp.get("a")), "compare[0]",
                "compare its version with 0");
        assertRefused(Txn.when(new TxnCompare("a", TxnCompare.Target.VALUE, TxnCompare.Operator.LESS, 1))
            .then(TxnOp.get("a")), "EQUAL or NOT_EQUAL");
        assertRefused(Txn.when(new TxnCompare("a", TxnCompare.Target.VERSION, TxnCompare.Operator.EQUAL, "x"))
            .then(TxnOp.get("a")), "whole number");
        assertRefused(Txn.when(TxnCompare.exists("a")), "no operation");
        assertRefused(Txn.when().then(TxnOp.put("", 1)), "success[0]", "must not be null or empty");
        assertRefused(Txn.when().then(TxnOp.put("a", null)), "is null");
        assertRefused(Txn.when().orElse(TxnOp.put("a", "x".repeat(100))), "the limit is 64");
    }

    private void assertRefused(Txn txn, String... fragments) {
        assertThatThrownBy(() -> TxnCommands.encode(txn, limits, mapper, value -> mapper.valueToTree(value)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContainingAll(fragments);
    }

    private TxnResult run(KeyValueStateMachine state, long index, Txn txn) {
        byte[] command = StoreCommands.bytes(mapper, TxnCommands.encode(txn, limits, mapper, mapper::valueToTree));
        assertThat(state.validate(command)).isNull();
        JsonNode reply = mapper.readTree(state.apply(index, command));
        return TxnCommands.decodeResult(reply, index);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
