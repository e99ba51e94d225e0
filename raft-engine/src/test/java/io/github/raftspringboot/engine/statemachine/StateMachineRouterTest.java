package io.github.raftspringboot.engine.statemachine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.github.raftspringboot.api.ReplicatedStateMachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StateMachineRouterTest {

    private final Register kv = new Register();

    private final Register counter = new Register();

    private final StateMachineRouter router = new StateMachineRouter(machines(kv, counter), "kv");

    private final ReplicatedStateMachine log = router.stateMachine();

    @Test
    void framedCommandsReachTheirMachineAndUnframedOnesTheDefault() {
        log.apply(1, bytes("a"));
        log.apply(2, StateMachineRouter.frame("counter", bytes("b")));

        assertThat(kv.value).isEqualTo("a");
        assertThat(counter.value).isEqualTo("b");
        assertThat(text(log.query(bytes("?")))).isEqualTo("a");
        assertThat(text(log.query(StateMachineRouter.frame("counter", bytes("?"))))).isEqualTo("b");
    }

    @Test
    void commandsForUnknownOrDamagedFramesAreRefusedBeforeTheLogAndSkippedInIt() {
        assertThat(log.validate(StateMachineRouter.frame("orders", bytes("x"))))
            .isEqualTo("No state machine is called 'orders'; the state machines are [kv, counter]");
        assertThat(log.validate(new byte[] { 0, 40, 'a' })).isEqualTo("The command's state machine frame is damaged");
        assertThat(log.apply(3, StateMachineRouter.frame("orders", bytes("x")))).isEmpty();
        assertThat(kv.value).isNull();
        assertThat(counter.value).isNull();
    }

    @Test
    void withoutADefaultUnframedCommandsAreRefused() {
        StateMachineRouter only = new StateMachineRouter(Map.of("counter", counter), null);
        assertThat(only.stateMachine().validate(bytes("a"))).startsWith("The command names no state machine");
    }

    @Test
    void aSnapshotHoldsEveryMachineAndRestoresThemAll() throws IOException {
        log.apply(1, bytes("a"));
        log.apply(2, StateMachineRouter.frame("counter", bytes("b")));
        ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
        log.snapshot(snapshot);

        Register kv2 = new Register();
        Register counter2 = new Register();
        new StateMachineRouter(machines(kv2, counter2), "kv").stateMachine()
            .restore(new ByteArrayInputStream(snapshot.toByteArray()));

        assertThat(kv2.value).isEqualTo("a");
        assertThat(counter2.value).isEqualTo("b");
    }

    @Test
    void aSnapshotFromBeforeTheRouterBelongsToTheDefaultMachine() throws IOException {
        log.restore(new ByteArrayInputStream(bytes("old")));
        assertThat(kv.value).isEqualTo("old");
        assertThat(counter.value).isNull();
    }

    @Test
    void aSnapshotWithAMachineThisNodeLacksIsRefusedAndChangesNothing() throws IOException {
        Register orders = new Register();
        Map<String, ReplicatedStateMachine> more = machines(new Register(), new Register());
        more.put("orders", orders);
        orders.value = "o";
        ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
        new StateMachineRouter(more, "kv").stateMachine().snapshot(snapshot);
        log.apply(1, bytes("kept"));

        assertThatThrownBy(() -> log.restore(new ByteArrayInputStream(snapshot.toByteArray())))
            .isInstanceOf(IOException.class)
            .hasMessageContaining("state machine 'orders', which this node does not have");
        assertThat(kv.value).isEqualTo("kept");
    }

    @Test
    void namesAreChecked() {
        assertThatIllegalArgumentException().isThrownBy(() -> new StateMachineRouter(Map.of("bad name", kv), null))
            .withMessageContaining("'bad name' is not a valid state machine name");
        assertThatIllegalArgumentException().isThrownBy(() -> new StateMachineRouter(Map.of("kv", kv), "other"))
            .withMessageContaining("The default state machine 'other' is not among [kv]");
    }

    private static Map<String, ReplicatedStateMachine> machines(Register kv, Register counter) {
        Map<String, ReplicatedStateMachine> machines = new LinkedHashMap<>();
        machines.put("kv", kv);
        machines.put("counter", counter);
        return machines;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The simplest state machine: the last command is the state. */
    private static final class Register implements ReplicatedStateMachine {

        private String value;

        @Override
        public byte[] apply(long index, byte[] command) {
            value = text(command);
            return command;
        }

        @Override
        public String validate(byte[] command) {
            return null;
        }

        @Override
        public byte[] query(byte[] query) {
            return bytes(String.valueOf(value));
        }

        @Override
        public void snapshot(OutputStream out) throws IOException {
            out.write(bytes(String.valueOf(value)));
        }

        @Override
        public void restore(InputStream in) throws IOException {
            value = text(in.readAllBytes());
        }
    }
}
