package io.github.raftspringboot.admin.cli;

import io.github.raftspringboot.api.InvalidBackupException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.Descriptors.FieldDescriptor;

import io.grpc.ManagedChannel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code raftmanager [options] <target> <command> <args...>}: calls one RaftAdmin method and prints the request and
 * response as raftadmin's CLI does, awaiting operations that return a {@code Future}.
 */
@Command(name = "raftmanager", mixinStandardHelpOptions = true, version = "raftmanager (raft-spring-boot)",
        subcommandsRepeatable = false, sortOptions = false,
        description = { "Calls the RaftAdmin gRPC service of a Raft node (raft-spring-boot, or hashicorp/raft with "
                + "raftadmin).", "",
                "Target: host:port of a node's gRPC server, or multi:///host1:port1,host2:port2,... with --leader." },
        footer = { "", "Examples:", "  raftmanager 127.0.0.1:9090 add_voter node4 10.0.0.4:12000 0",
                "  raftmanager --leader multi:///10.0.0.1:9090,10.0.0.2:9090,10.0.0.3:9090 barrier",
                "  raftmanager multi:///10.0.0.1:9090,10.0.0.2:9090,10.0.0.3:9090 status",
                "  raftmanager -o json 127.0.0.1:9090 stats",
                "  raftmanager 127.0.0.1:9090 backup backup.raft",
                "  raftmanager 127.0.0.1:9090 restore backup.raft", "",
                "Exit status: 0 on success, 1 when the call or the operation failed (or a backup file is damaged), 2 on a "
                        + "usage error (or a file that cannot be read or written)." })
public final class RaftManager {

    @Parameters(index = "0", paramLabel = "<target>",
            description = "host:port, or multi:///host1:port1,host2:port2,... (with --leader, or for status).")
    String target;

    @Mixin
    ConnectionOptions connection;

    @Option(names = { "-o", "--output" }, scope = ScopeType.INHERIT, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (raftadmin's format, default) or json (one JSON document, for scripts).")
    OutputFormat output;

    @Option(names = "--no-await", scope = ScopeType.INHERIT,
            description = "Do not call Await after an operation that returns a Future: print its token only.")
    boolean noAwait;

    @Spec
    CommandSpec spec;

    /** Held so that its level sticks (java.util.logging keeps loggers weakly). */
    private static final java.util.logging.Logger GRPC_LOGS = java.util.logging.Logger.getLogger("io.grpc");

    public static void main(String[] args) {
        // gRPC logs a failed name resolution as a WARNING with a stack trace; the CLI says it in one line itself.
        GRPC_LOGS.setLevel(java.util.logging.Level.SEVERE);
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI and returns its exit status. */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        RaftManager manager = new RaftManager();
        CommandLine commandLine = new CommandLine(manager);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        Map<String, AdminMethod> methods = AdminMethod.all();
        methods.values().forEach(method -> commandLine.addSubcommand(method.command(), commandFor(method)));
        commandLine.addSubcommand("status", CommandSpec.create()
            .mixinStandardHelpOptions(true)
            .usageMessage(new CommandLine.Model.UsageMessageSpec().description(
                    "Prints one row per node of a multi:/// target (or the one node of host:port): id, Raft "
                            + "address, state, term, leader, last/commit/applied index, last contact.")));
        commandLine.addSubcommand("backup", fileCommand("Saves a consistent backup of the cluster's replicated state "
                + "to <file> (written to a temporary file, verified, then renamed). Works on any node. Calls "
                + "RaftBackup/Save.", "The file to write; an existing file is replaced."));
        commandLine.addSubcommand("restore", fileCommand("Verifies <file>, then replaces the whole replicated state of "
                + "the cluster with it, through the log (every node; membership is kept). Works on any node. Writes "
                + "made since the backup are lost. Calls RaftBackup/Restore.", "A file written by the backup command "
                + "(or downloaded from /actuator/raft/backup)."));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionStrategy(parseResult -> manager.execute(parseResult, methods, out, err));
        return commandLine.execute(args);
    }

    private static CommandSpec fileCommand(String description, String fileDescription) {
        CommandSpec command = CommandSpec.create().mixinStandardHelpOptions(true);
        command.usageMessage().description(description);
        command.addPositional(PositionalParamSpec.builder()
            .index("0")
            .paramLabel("<file>")
            .arity("1")
            .required(true)
            .type(String.class)
            .description(fileDescription)
            .build());
        return command;
    }

    private static CommandSpec commandFor(AdminMethod method) {
        CommandSpec command = CommandSpec.create().mixinStandardHelpOptions(true);
        command.usageMessage().description(method.description() + " Calls RaftAdmin/" + method.methodName() + ".");
        int index = 0;
        for (FieldDescriptor field : method.arguments()) {
            boolean optional = AdminMethod.isOptional(field);
            command.addPositional(PositionalParamSpec.builder()
                .index(Integer.toString(index++))
                .paramLabel("<" + field.getName() + ">")
                .arity(optional ? "0..1" : "1")
                .required(!optional)
                .type(String.class)
                .description(RequestBuilder.describe(field) + (optional ? " (optional)" : ""))
                .build());
        }
        return command;
    }

    private int execute(ParseResult parseResult, Map<String, AdminMethod> methods, PrintWriter out,
            PrintWriter err) {
        Integer help = CommandLine.executeHelpRequest(parseResult);
        if (help != null) {
            return help;
        }
        ParseResult subcommand = parseResult.subcommand();
        if (subcommand == null) {
            throw new ParameterException(parseResult.commandSpec().commandLine(),
                    "Missing command after the target; commands: " + String.join(", ", methods.keySet()) + ", status, backup, restore");
        }
        String name = subcommand.commandSpec().name();
        Output printer = Output.of(output, out);
        try {
            if (name.equals("status")) {
                return new StatusCommand(connection, printer, err).run(target);
            }
            if (name.equals("backup") || name.equals("restore")) {
                Path file = Path.of((String) subcommand.matchedPositionals().get(0).getValue());
                BackupCommands backups = new BackupCommands(connection, output, out, err);
                return name.equals("backup") ? backups.save(target, file) : backups.restore(target, file);
            }
            AdminMethod method = methods.get(name);
            var request = RequestBuilder.build(method, subcommand.matchedPositionals()
                .stream()
                .map(arg -> (String) arg.getValue())
                .toList());
            ManagedChannel channel = connection.open(target);
            try {
                return new Invocation(channel, target, connection, printer, err).call(method, request, !noAwait);
            }
            finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        catch (IllegalArgumentException ex) {
            err.println("raftmanager: " + ex.getMessage());
            return 2;
        }
        catch (CallFailedException ex) {
            err.println("raftmanager: " + ex.describe());
            return 1;
        }
        catch (InvalidBackupException ex) {
            err.println("raftmanager: " + name + ": " + ex.getMessage());
            return 1;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
