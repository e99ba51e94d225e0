package io.github.raftspringboot.admin.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;

import io.github.raftspringboot.admin.proto.RaftAdminGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;

/**
 * One RaftAdmin method as a CLI command: its snake_case name, its gRPC descriptor, its request fields (the
 * command's positional arguments, in field order), and whether it returns a {@code Future} to await.
 *
 * @param command     the command name, e.g. {@code add_voter}
 * @param grpc        the gRPC method, e.g. {@code RaftAdmin/AddVoter}
 * @param request     the request message type
 * @param prototype   an empty request message, to build requests from
 * @param description one line for {@code --help}
 */
record AdminMethod(String command, MethodDescriptor<Message, Message> grpc, Descriptor request, Message prototype,
        String description) {

    private static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
            Map.entry("AddNonvoter", "Adds a server that receives the log but does not vote (leader only)."),
            Map.entry("AddVoter", "Adds a voting server, or promotes a non-voter (leader only)."),
            Map.entry("AppliedIndex", "Prints the last log index applied to this node's state machine."),
            Map.entry("ApplyLog", "Appends a store command, e.g. {\"op\":\"put\",\"key\":\"a\",\"value\":1} (leader only)."),
            Map.entry("Await", "Waits for an operation and prints its outcome: error, or the log index it reached."),
            Map.entry("Barrier", "Waits until every earlier log entry is applied (leader only)."),
            Map.entry("DemoteVoter", "Takes a server's vote away; it stays as a non-voter (leader only)."),
            Map.entry("Forget", "Releases an operation token on the server."),
            Map.entry("GetConfiguration", "Prints every server of the cluster: suffrage, id, Raft address."),
            Map.entry("LastContact", "Prints when this node last heard from the leader (Unix nanoseconds; 0 on the leader)."),
            Map.entry("LastIndex", "Prints the index of the last entry in this node's log."),
            Map.entry("Leader", "Prints the Raft address of the leader as this node knows it."),
            Map.entry("LeadershipTransfer", "Hands leadership to the most up-to-date voter (leader only)."),
            Map.entry("LeadershipTransferToServer", "Hands leadership to the named voter (leader only)."),
            Map.entry("RemoveServer", "Removes a server from the cluster (leader only)."),
            Map.entry("Shutdown", "Stops Raft on this node; the application keeps running."),
            Map.entry("Snapshot", "Takes a snapshot of this node's state machine and compacts its log."),
            Map.entry("State", "Prints this node's state: FOLLOWER, CANDIDATE, LEADER or SHUTDOWN."),
            Map.entry("Stats", "Prints this node's Raft statistics (hashicorp/raft key names)."),
            Map.entry("VerifyLeader", "Confirms with a majority that this node is still the leader (leader only)."));

    /** Every method of the RaftAdmin service, by command name, in alphabetical order. */
    static Map<String, AdminMethod> all() {
        ServiceDescriptor service = RaftAdminGrpc.getServiceDescriptor();
        List<AdminMethod> methods = new ArrayList<>();
        for (MethodDescriptor<?, ?> method : service.getMethods()) {
            @SuppressWarnings("unchecked")
            MethodDescriptor<Message, Message> typed = (MethodDescriptor<Message, Message>) method;
            Descriptor input = ((ProtoMethodDescriptorSupplier) method.getSchemaDescriptor()).getMethodDescriptor()
                .getInputType();
            Message prototype = (Message) ((MethodDescriptor.PrototypeMarshaller<?>) method.getRequestMarshaller())
                .getMessagePrototype();
            String name = method.getBareMethodName();
            methods.add(new AdminMethod(snakeCase(name), typed, input, prototype,
                    DESCRIPTIONS.getOrDefault(name, name + ".")));
        }
        methods.sort((a, b) -> a.command().compareTo(b.command()));
        Map<String, AdminMethod> byCommand = new LinkedHashMap<>();
        methods.forEach(method -> byCommand.put(method.command(), method));
        return byCommand;
    }

    /** The gRPC method name, e.g. {@code AddVoter}. */
    String methodName() {
        return grpc.getBareMethodName();
    }

    /** Whether the method starts an operation whose outcome comes from {@code Await}. */
    boolean returnsFuture() {
        return ((ProtoMethodDescriptorSupplier) grpc.getSchemaDescriptor()).getMethodDescriptor()
            .getOutputType()
            .getName()
            .equals("Future");
    }

    List<FieldDescriptor> arguments() {
        return request.getFields();
    }

    /** Fields a user may leave out: the optimistic-concurrency guard (0) and the ignored extensions. */
    static boolean isOptional(FieldDescriptor field) {
        return field.getName().equals("previous_index") || field.getName().equals("extensions");
    }

    static String snakeCase(String camelCase) {
        return camelCase.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
