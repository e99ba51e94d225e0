package io.github.raftspringboot.engine.statemachine;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.github.raftspringboot.api.ReplicatedStateMachine;
import io.github.raftspringboot.engine.ChunkedInputStream;
import io.github.raftspringboot.engine.ChunkedOutputStream;

/**
 * Several named state machines on one log. A command or query for a named machine is framed: a 0 byte (no JSON
 * document, and so no key-value command, starts with one), the name's length, the name, then the payload. An
 * unframed one goes to the default machine (the key-value store's), so raw commands and existing logs keep working.
 * A snapshot holds one section per machine; a snapshot without the section header (written before there were
 * several) belongs to the default machine. Sections are written in chunks as the machine produces them, so a
 * snapshot is never held in memory whole. The log drives {@link #stateMachine()}; this class itself is not a
 * {@link ReplicatedStateMachine}, so that it is never mistaken for one of the machines it routes to.
 */
public final class StateMachineRouter {

    private static final byte FRAME = 0;

    private static final byte[] SNAPSHOT_MAGIC = "RAFTSMS1".getBytes(StandardCharsets.US_ASCII);

    /** Sections written as they are produced, in chunks ({@link ChunkedOutputStream}), never held in memory. */
    private static final byte[] STREAMED_SNAPSHOT_MAGIC = "RAFTSMS2".getBytes(StandardCharsets.US_ASCII);

    private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");

    private final Map<String, ReplicatedStateMachine> machines;

    private final String defaultName;

    private final ReplicatedStateMachine view = new LogView();

    /**
     * @param machines    the state machines by name, in a stable order (snapshots are written in it)
     * @param defaultName the machine that takes unframed commands and old snapshots, or {@code null} for none
     */
    public StateMachineRouter(Map<String, ReplicatedStateMachine> machines, String defaultName) {
        if (machines.isEmpty()) {
            throw new IllegalArgumentException("At least one state machine is needed");
        }
        machines.keySet().forEach(StateMachineRouter::checkName);
        if (defaultName != null && !machines.containsKey(defaultName)) {
            throw new IllegalArgumentException("The default state machine '" + defaultName + "' is not among "
                    + machines.keySet());
        }
        this.machines = Collections.unmodifiableMap(new LinkedHashMap<>(machines));
        this.defaultName = defaultName;
    }

    /** Checks a state machine name: 1 to 64 letters, digits, '.', '_' or '-'. */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a valid state machine name: use 1 to 64 "
                    + "letters, digits, '.', '_' or '-'");
        }
        return name;
    }

    public Set<String> names() {
        return new LinkedHashSet<>(machines.keySet());
    }

    /** The machine called {@code name}, or {@code null}. */
    public ReplicatedStateMachine machine(String name) {
        return machines.get(name);
    }

    /** The one state machine the log drives: it hands each command, query and snapshot section on. */
    public ReplicatedStateMachine stateMachine() {
        return view;
    }

    /** Frames {@code payload} for the machine called {@code name}. */
    public static byte[] frame(String name, byte[] payload) {
        byte[] id = checkName(name).getBytes(StandardCharsets.US_ASCII);
        byte[] framed = new byte[2 + id.length + payload.length];
        framed[0] = FRAME;
        framed[1] = (byte) id.length;
        System.arraycopy(id, 0, framed, 2, id.length);
        System.arraycopy(payload, 0, framed, 2 + id.length, payload.length);
        return framed;
    }

    /** What the engine sees: every call is routed to the named (or default) machine. */
    private final class LogView implements ReplicatedStateMachine {

        @Override
        public String validate(byte[] command) {
            Routed routed = route(command);
            return (routed.machine == null) ? routed.error : routed.machine.validate(routed.payload);
        }

        @Override
        public byte[] apply(long index, byte[] command) {
            Routed routed = route(command);
            if (routed.machine == null) {
                // validate() refuses these before they are appended; one that got into the log anyway is skipped alike
                // on every node.
                return new byte[0];
            }
            return routed.machine.apply(index, routed.payload);
        }

        @Override
        public byte[] query(byte[] query) {
            Routed routed = route(query);
            if (routed.machine == null) {
                throw new IllegalArgumentException(routed.error);
            }
            return routed.machine.query(routed.payload);
        }

        @Override
        public void snapshot(OutputStream out) throws IOException {
            DataOutputStream data = new DataOutputStream(out);
            data.write(STREAMED_SNAPSHOT_MAGIC);
            data.writeInt(machines.size());
            for (Map.Entry<String, ReplicatedStateMachine> entry : machines.entrySet()) {
                data.writeUTF(entry.getKey());
                ChunkedOutputStream section = new ChunkedOutputStream(data);
                entry.getValue().snapshot(section);
                section.close();
            }
            data.flush();
        }

        /**
         * Restores every machine from its section. The sections before the last are read and checked before any
         * machine is restored; the last is streamed into its machine first (so the largest state need not fit in
         * memory twice), then the others are restored. A machine that has no section (added since the snapshot was
         * written) keeps its state.
         */
        @Override
        public void restore(InputStream in) throws IOException {
            PushbackInputStream input = new PushbackInputStream(in, SNAPSHOT_MAGIC.length);
            byte[] head = input.readNBytes(SNAPSHOT_MAGIC.length);
            boolean streamed = Arrays.equals(head, STREAMED_SNAPSHOT_MAGIC);
            if (!streamed && !Arrays.equals(head, SNAPSHOT_MAGIC)) {
                input.unread(head);
                restoreLegacy(input);
                return;
            }
            DataInputStream data = new DataInputStream(input);
            int count = data.readInt();
            Map<String, byte[]> sections = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String name = data.readUTF();
                if (!machines.containsKey(name)) {
                    throw new IOException("The snapshot holds state machine '" + name + "', which this node does not "
                            + "have (it has " + machines.keySet() + "): register it before restoring");
                }
                if (streamed && i == count - 1) {
                    try (ChunkedInputStream section = new ChunkedInputStream(data)) {
                        machines.get(name).restore(section);
                    }
                }
                else {
                    sections.put(name, streamed ? readChunked(data) : readSection(name, data));
                }
            }
            for (Map.Entry<String, byte[]> section : sections.entrySet()) {
                machines.get(section.getKey()).restore(new java.io.ByteArrayInputStream(section.getValue()));
            }
        }

        private static byte[] readChunked(DataInputStream data) throws IOException {
            try (ChunkedInputStream section = new ChunkedInputStream(data)) {
                return section.readAllBytes();
            }
        }

        private static byte[] readSection(String name, DataInputStream data) throws IOException {
            long length = data.readLong();
            if (length < 0 || length > Integer.MAX_VALUE - 16) {
                throw new IOException("The snapshot section of state machine '" + name + "' is damaged");
            }
            byte[] bytes = data.readNBytes((int) length);
            if (bytes.length < length) {
                throw new IOException("The snapshot ends inside the section of state machine '" + name + "'");
            }
            return bytes;
        }
    }

    private void restoreLegacy(InputStream in) throws IOException {
        if (defaultName == null) {
            throw new IOException("The snapshot has no state machine sections and there is no default state machine");
        }
        machines.get(defaultName).restore(in);
    }

    private Routed route(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != FRAME) {
            return (defaultName != null) ? new Routed(machines.get(defaultName), bytes, null)
                    : new Routed(null, null, "The command names no state machine; the state machines are "
                            + machines.keySet());
        }
        int length = (bytes.length > 1) ? Byte.toUnsignedInt(bytes[1]) : -1;
        if (length <= 0 || bytes.length < 2 + length) {
            return new Routed(null, null, "The command's state machine frame is damaged");
        }
        String name = new String(bytes, 2, length, StandardCharsets.US_ASCII);
        ReplicatedStateMachine machine = machines.get(name);
        if (machine == null) {
            return new Routed(null, null, "No state machine is called '" + name + "'; the state machines are "
                    + machines.keySet());
        }
        return new Routed(machine, Arrays.copyOfRange(bytes, 2 + length, bytes.length), null);
    }

    private record Routed(ReplicatedStateMachine machine, byte[] payload, String error) {
    }
}
