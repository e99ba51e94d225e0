package io.github.raftspringboot.autoconfigure.statemachine;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import io.github.raftspringboot.api.ReplicatedStateMachine;

/**
 * The example of docs/store.md ("Your own state machine"): a replicated counter. A command is the decimal amount
 * to add; the result and the query's answer are the counter's value.
 */
public class CounterStateMachine implements ReplicatedStateMachine {

    private final AtomicLong value = new AtomicLong();

    @Override
    public String validate(byte[] command) {
        try {
            Long.parseLong(new String(command, StandardCharsets.UTF_8));
            return null;
        }
        catch (NumberFormatException ex) {
            return "a command is a whole number to add, e.g. 5 or -2";
        }
    }

    @Override
    public byte[] apply(long index, byte[] command) {
        long amount = Long.parseLong(new String(command, StandardCharsets.UTF_8));
        return Long.toString(value.addAndGet(amount)).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] query(byte[] query) {
        return Long.toString(value.get()).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void snapshot(OutputStream out) throws IOException {
        new DataOutputStream(out).writeLong(value.get());
    }

    @Override
    public void restore(InputStream in) throws IOException {
        value.set(new DataInputStream(in).readLong());
    }
}
