package io.github.raftspringboot.engine.atomix;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.atomix.primitive.operation.OperationId;
import io.atomix.primitive.service.BackupInput;
import io.atomix.primitive.service.BackupOutput;
import io.atomix.primitive.service.Commit;
import io.atomix.primitive.service.PrimitiveService;
import io.atomix.primitive.service.ServiceContext;
import io.atomix.primitive.session.Session;
import io.atomix.primitive.session.SessionId;
import io.atomix.utils.serializer.Namespaces;
import io.atomix.utils.serializer.Serializer;
import io.atomix.utils.time.WallClockTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.api.ReplicatedStateMachine;
import io.github.raftspringboot.engine.ChunkedInputStream;
import io.github.raftspringboot.engine.ChunkedOutputStream;

/**
 * Atomix's view of our {@link ReplicatedStateMachine}. Besides the application's commands it applies the
 * engine's own records (member addresses, barriers), and its snapshots carry both.
 */
final class StateMachineService implements PrimitiveService {

    static final OperationId APPLY = OperationId.command("apply");

    static final OperationId REGISTER_ADDRESS = OperationId.command("register-address");

    static final OperationId BARRIER = OperationId.command("barrier");

    static final OperationId QUERY = OperationId.query("query");

    /** Answers the applied index and the state machine's snapshot: a backup. */
    static final OperationId BACKUP = OperationId.query("backup");

    /**
     * First int of a snapshot whose state is written in chunks as the state machine produces it (snapshots written
     * before start with the number of member addresses, never negative).
     */
    private static final int CHUNKED_STATE = -2;

    private static final Logger logger = LoggerFactory.getLogger(StateMachineService.class);

    private static final Serializer SERIALIZER = Serializer.using(Namespaces.BASIC);

    private final ReplicatedStateMachine stateMachine;

    private final PeerDirectory directory;

    private final AppliedIndexTracker applied;

    private final Consumer<RuntimeException> onCorruptSnapshot;

    private final StagedRestore restores;

    private final EngineMeasurements measurements;

    private final BackupSpool spool;

    private final LongOperations operations;

    /** Atomix's context of this service: its current index is the snapshot's while a snapshot is installed. */
    private volatile ServiceContext context;

    /**
     * The service's index in the last snapshot it wrote or read, while no command has changed its state since; -1
     * otherwise. Atomix reloads its current snapshot before it applies the entry right after it, also when the state
     * machine is the very state it wrote (a snapshot just taken: seconds for a large state). {@link
     * ChecksummedSnapshotStore} keeps it from doing so for a snapshot this node took; should an install reach the
     * state machine all the same, such a snapshot is not read again. State machine thread only.
     */
    private long unchangedSince = -1;

    /**
     * @param onCorruptSnapshot told when a snapshot cannot be restored: Atomix would only log it and go on with an
     *                          incomplete state, so the engine must stop the node instead
     */
    StateMachineService(ReplicatedStateMachine stateMachine, PeerDirectory directory, AppliedIndexTracker applied,
            Consumer<RuntimeException> onCorruptSnapshot, EngineMeasurements measurements, BackupSpool spool,
            LongOperations operations, RestoreFileTransfers restoreFiles, BooleanSupplier running) {
        this.stateMachine = stateMachine;
        this.directory = directory;
        this.applied = applied;
        this.onCorruptSnapshot = onCorruptSnapshot;
        this.restores = new StagedRestore(stateMachine, spool.directory(), restoreFiles, running, onCorruptSnapshot);
        this.measurements = measurements;
        this.spool = spool;
        this.operations = operations;
    }

    @Override
    public void init(ServiceContext context) {
        this.context = context;
    }

    @Override
    public void tick(WallClockTimestamp timestamp) {
    }

    @Override
    public Serializer serializer() {
        return SERIALIZER;
    }

    @Override
    public byte[] apply(Commit<byte[]> commit) {
        OperationId operation = commit.operation();
        if (QUERY.equals(operation)) {
            return stateMachine.query(commit.value());
        }
        if (BACKUP.equals(operation)) {
            return withIndex(commit.index(), stateForBackup());
        }
        unchangedSince = -1;
        byte[] result;
        if (APPLY.equals(operation)) {
            result = stateMachine.apply(commit.index(), commit.value());
        }
        else if (REGISTER_ADDRESS.equals(operation)) {
            String[] lines = new String(commit.value(), StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i + 1 < lines.length; i += 2) {
                directory.put(lines[i], lines[i + 1]);
            }
            result = new byte[0];
        }
        else if (spool.handles(operation)) {
            result = spool.apply(commit.index(), commit.value(), stateMachine, operations);
        }
        else if (restores.handles(operation)) {
            result = restores.apply(commit.index(), operation, commit.value());
        }
        else {
            result = new byte[0];
        }
        applied.advance(commit.index());
        measurements.applied(commit.index(), commit.wallClockTime().unixTimestamp());
        return withIndex(commit.index(), result);
    }

    @Override
    public void backup(BackupOutput output) {
        if (restores.incomplete()) {
            throw new IllegalStateException("No snapshot: a restore's entry could not be applied (the node is stopping)");
        }
        long started = System.nanoTime();
        Map<String, String> addresses = directory.snapshot();
        output.writeInt(CHUNKED_STATE);
        output.writeInt(addresses.size());
        addresses.forEach((id, address) -> output.writeString(id).writeString(address));
        LongOperations.Tracked progress = operations.start("snapshot",
                String.valueOf((context != null) ? context.currentIndex() : 0), "writing", -1);
        ServiceSnapshotStreams.CountingOutput state = new ServiceSnapshotStreams.CountingOutput(output, progress);
        try (progress; ChunkedOutputStream chunks = new ChunkedOutputStream(state)) {
            stateMachine.snapshot(chunks);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not snapshot the state machine", ex);
        }
        restores.writeTo(output);
        measurements.snapshotWritten(System.nanoTime() - started, state.count);
        unchangedSince = currentIndex();
    }

    @Override
    public void restore(BackupInput input) {
        long index = currentIndex();
        if (index >= 0 && index == unchangedSince) {
            // The same state, by the same index (a state changes only by commands, each one at a later index).
            logger.debug("Snapshot of the state at {} not read: the state machine holds it already", index);
            applied.advance(index);
            return;
        }
        readSnapshot(input);
        unchangedSince = index;
    }

    private void readSnapshot(BackupInput input) {
        int first = input.readInt();
        boolean chunked = first == CHUNKED_STATE;
        int count = chunked ? input.readInt() : first;
        for (int i = 0; i < count; i++) {
            directory.put(input.readString(), input.readString());
        }
        try {
            if (chunked) {
                long before = input.remaining();
                long started = System.nanoTime();
                try (LongOperations.Tracked progress = operations.start("snapshot-install",
                        String.valueOf(Math.max(currentIndex(), 0)), "reading", before);
                        ChunkedInputStream state = new ChunkedInputStream(
                                new ServiceSnapshotStreams.BackupInputStream(input, progress))) {
                    stateMachine.restore(state);
                }
                measurements.snapshotInstalled(before - input.remaining());
                logger.info("Read the state of snapshot {} ({} bytes) in {} ms", Math.max(currentIndex(), 0),
                        before - input.remaining(), (System.nanoTime() - started) / 1_000_000);
            }
            else {
                byte[] state = input.readBytes(input.readInt());
                stateMachine.restore(new ByteArrayInputStream(state));
                measurements.snapshotInstalled(state.length);
            }
        }
        catch (IOException | RuntimeException ex) {
            RuntimeException failure = new IllegalStateException("Could not restore the state machine from a snapshot",
                    ex);
            onCorruptSnapshot.accept(failure);
            throw failure;
        }
        restores.readFrom(input);
        // Atomix has set the service's index to the snapshot's: a node that starts from a snapshot and has no later
        // entry to apply must still report (and let awaitApplied reach) the index its state reflects.
        if (context != null) {
            applied.advance(currentIndex());
        }
    }

    /** The index of the last entry applied to this service, or -1 before {@link #init}. */
    private long currentIndex() {
        return (context != null) ? context.currentIndex() : -1;
    }

    /** Whether a restore is being staged: it staged a chunk within {@code window}; from any thread. */
    boolean restoreStagedWithin(Duration window) {
        return restores.stagedWithin(window);
    }

    @Override
    public void register(Session session) {
    }

    @Override
    public void expire(SessionId sessionId) {
    }

    @Override
    public void close(SessionId sessionId) {
    }

    private byte[] stateForBackup() {
        ByteArrayOutputStream state = new ByteArrayOutputStream();
        try {
            stateMachine.snapshot(state);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not snapshot the state machine for a backup", ex);
        }
        return state.toByteArray();
    }

    /** Prefixes a command result with the log index it was applied at. */
    static byte[] withIndex(long index, byte[] result) {
        return ByteBuffer.allocate(Long.BYTES + result.length).putLong(index).put(result).array();
    }
}
