package io.github.raftspringboot.engine.atomix;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.github.raftspringboot.api.MembershipOptions;
import io.github.raftspringboot.api.RaftBackup;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.api.RaftPeerAddress;

/**
 * The {@link RaftNode#viaLeader()} view: leader-only operations run locally on the leader and are otherwise sent
 * to it as engine control messages ({@code op}, then one argument per line), which the leader runs as its own.
 */
final class LeaderForwardingNode implements RaftNode {

    static final String PREFIX = "forward\n";

    private final AtomixRaftEngine local;

    private final GrpcRaftTransport transport;

    private final Supplier<String> leaderId;

    LeaderForwardingNode(AtomixRaftEngine local, GrpcRaftTransport transport, Supplier<String> leaderId) {
        this.local = local;
        this.transport = transport;
        this.leaderId = leaderId;
    }

    /** Runs a forwarded operation on this node, which the sender believes to be the leader. */
    static CompletableFuture<byte[]> run(RaftNode node, String message) {
        String[] parts = message.substring(PREFIX.length()).split("\n", -1);
        CompletableFuture<Long> result;
        try {
            result = operation(node, parts);
        }
        catch (RuntimeException ex) {
            result = CompletableFuture.failedFuture(ex);
        }
        // Errors travel back as text: "error\n<reason>\n<leader>\n<message>".
        return result.handle((index, error) -> {
            if (error == null) {
                return AtomixRaftEngine.utf8("ok\n" + index);
            }
            RaftException failure = AtomixErrors.translate(error, parts[0], null);
            return AtomixRaftEngine.utf8("error\n" + failure.reason() + "\n"
                    + ((failure.leaderId() != null) ? failure.leaderId() : "") + "\n" + failure.getMessage());
        });
    }

    private static CompletableFuture<Long> operation(RaftNode node, String[] parts) {
        return switch (parts[0]) {
            case "addVoter" -> node.addVoter(parts[1], parts[2], Long.parseLong(parts[3]), options(parts, 4));
            case "addNonVoter" -> node.addNonVoter(parts[1], parts[2], Long.parseLong(parts[3]), options(parts, 4));
            case "demoteVoter" -> node.demoteVoter(parts[1], Long.parseLong(parts[2]), options(parts, 3));
            case "removeServer" -> node.removeServer(parts[1], Long.parseLong(parts[2]), options(parts, 3));
            case "transferLeadership" -> parts[1].isEmpty() ? node.transferLeadership() : node.transferLeadership(parts[1]);
            case "barrier" -> node.barrier();
            case "verifyLeader" -> node.verifyLeader();
            case "snapshot" -> node.snapshot();
            case "applyCommand" -> node.applyCommand(parts[1].getBytes(StandardCharsets.UTF_8));
            default -> CompletableFuture.failedFuture(new IllegalArgumentException("Unknown forwarded operation " + parts[0]));
        };
    }

    private CompletableFuture<Long> forward(Supplier<CompletableFuture<Long>> locally, String... operation) {
        if (local.isLeader()) {
            return locally.get();
        }
        String leader = leaderId.get();
        if (leader == null) {
            return CompletableFuture.failedFuture(new RaftException(RaftException.Reason.NO_LEADER,
                    operation[0] + " failed: no leader is known right now; retry once one is elected"));
        }
        return transport.control(leader, AtomixRaftEngine.utf8(PREFIX + String.join("\n", operation)))
            .handle((reply, error) -> {
                if (error != null) {
                    throw AtomixErrors.translate(error, operation[0] + " on the leader '" + leader + "'", leader);
                }
                String[] lines = new String(reply, StandardCharsets.UTF_8).split("\n", 4);
                if (lines[0].equals("ok")) {
                    return Long.parseLong(lines[1]);
                }
                throw new RaftException(RaftException.Reason.valueOf(lines[1]), lines[3],
                        lines[2].isEmpty() ? leader : lines[2], null);
            });
    }

    @Override
    public String nodeId() {
        return local.nodeId();
    }

    @Override
    public RaftNodeStatus status() {
        return local.status();
    }

    @Override
    public Map<String, String> stats() {
        return local.stats();
    }

    @Override
    public CompletableFuture<Long> addVoter(String id, String address, long previousIndex,
            MembershipOptions options) {
        RaftPeerAddress.parse(address, "AddVoter address");
        return forward(() -> local.addVoter(id, address, previousIndex, options), "addVoter", text(id),
                text(address), Long.toString(previousIndex), text(options));
    }

    @Override
    public CompletableFuture<Long> addNonVoter(String id, String address, long previousIndex,
            MembershipOptions options) {
        RaftPeerAddress.parse(address, "AddNonvoter address");
        return forward(() -> local.addNonVoter(id, address, previousIndex, options), "addNonVoter", text(id),
                text(address), Long.toString(previousIndex), text(options));
    }

    @Override
    public CompletableFuture<Long> demoteVoter(String id, long previousIndex, MembershipOptions options) {
        return forward(() -> local.demoteVoter(id, previousIndex, options), "demoteVoter", text(id),
                Long.toString(previousIndex), text(options));
    }

    @Override
    public CompletableFuture<Long> removeServer(String id, long previousIndex, MembershipOptions options) {
        return forward(() -> local.removeServer(id, previousIndex, options), "removeServer", text(id),
                Long.toString(previousIndex), text(options));
    }

    @Override
    public CompletableFuture<Long> transferLeadership() {
        return forward(local::transferLeadership, "transferLeadership", "");
    }

    @Override
    public CompletableFuture<Long> transferLeadership(String id) {
        return forward(() -> local.transferLeadership(id), "transferLeadership", text(id));
    }

    @Override
    public CompletableFuture<Long> barrier() {
        return forward(local::barrier, "barrier");
    }

    @Override
    public CompletableFuture<Long> verifyLeader() {
        return forward(local::verifyLeader, "verifyLeader");
    }

    @Override
    public CompletableFuture<Long> snapshot() {
        return forward(local::snapshot, "snapshot");
    }

    @Override
    public CompletableFuture<Long> applyCommand(byte[] command) {
        String problem = (command == null) ? "the command must not be null" : null;
        if (problem != null) {
            return CompletableFuture.failedFuture(new RaftException(RaftException.Reason.INVALID_REQUEST, problem));
        }
        return forward(() -> local.applyCommand(command), "applyCommand",
                new String(command, StandardCharsets.UTF_8).replace('\n', ' '));
    }

    /** Backups and restores work on any node: they are not forwarded. */
    @Override
    public CompletableFuture<RaftBackup> backup() {
        return local.backup();
    }

    @Override
    public CompletableFuture<Long> restore(RaftBackup backup) {
        return local.restore(backup);
    }

    @Override
    public long backupTo(java.io.OutputStream out) throws java.io.IOException {
        return local.backupTo(out);
    }

    @Override
    public long restoreFrom(java.io.InputStream in) throws java.io.IOException {
        return local.restoreFrom(in);
    }

    @Override
    public CompletableFuture<Void> shutdown() {
        return local.shutdown();
    }

    @Override
    public RaftNode viaLeader() {
        return this;
    }

    /** Membership options travel as the flags that are set, e.g. {@code replace,force}. */
    private static String text(MembershipOptions options) {
        return (options.replaceAddress() ? "replace," : "") + (options.force() ? "force" : "");
    }

    /** A node of an earlier version sends no options: the defaults, every check on. */
    private static MembershipOptions options(String[] parts, int index) {
        String flags = (parts.length > index) ? parts[index] : "";
        return new MembershipOptions(flags.contains("replace"), flags.contains("force"));
    }

    /** Arguments are single lines; a line break in one would be an invalid id or address anyway. */
    private static String text(String value) {
        if (value == null || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("'" + value + "' is not a valid argument: it must be one line");
        }
        return value;
    }
}
