package io.github.raftspringboot.admin.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.google.gson.GsonBuilder;

import io.github.raftspringboot.api.RaftPeer;
import io.github.raftspringboot.api.RaftPeerAddress;
import io.github.raftspringboot.admin.proto.GetConfigurationRequest;
import io.github.raftspringboot.admin.proto.GetConfigurationResponse;
import io.github.raftspringboot.admin.proto.LeaderRequest;
import io.github.raftspringboot.admin.client.MultiAddressNameResolverProvider;
import io.github.raftspringboot.admin.proto.RaftAdminGrpc;
import io.github.raftspringboot.admin.proto.StatsRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;

/**
 * {@code status}: one row per node, like {@code etcdctl endpoint status -w table}. Each node is asked on its own
 * (Stats, Leader, GetConfiguration); a node that does not answer gets a row with the error, and exit status 1.
 */
final class StatusCommand {

    private static final List<String> COLUMNS = List.of("ENDPOINT", "ID", "RAFT ADDRESS", "STATE", "TERM", "LEADER",
            "LAST INDEX", "COMMIT INDEX", "APPLIED INDEX", "LAST CONTACT", "ERROR");

    private final ConnectionOptions connection;

    private final Output output;

    private final PrintWriter out;

    private final PrintWriter err;

    StatusCommand(ConnectionOptions connection, Output output, PrintWriter err) {
        this.connection = connection;
        this.output = output;
        this.out = (output instanceof Output.Json json) ? json.out() : ((Output.Text) output).out();
        this.err = err;
    }

    int run(String target) {
        List<String> endpoints = connection.isMulti(target)
                ? MultiAddressNameResolverProvider
                    .parse(target.substring(ConnectionOptions.MULTI_PREFIX.length() - 1), target)
                    .stream()
                    .map(RaftPeer::address)
                    .toList()
                : List.of(RaftPeerAddress.parse(target, "Target").address());
        List<Map<String, String>> rows = new ArrayList<>();
        boolean failed = false;
        for (String endpoint : endpoints) {
            Map<String, String> row = row(endpoint);
            failed |= !row.get("ERROR").isEmpty();
            rows.add(row);
        }
        if (output instanceof Output.Json) {
            List<Map<String, String>> json = rows.stream().map(StatusCommand::jsonKeys).toList();
            out.println(new GsonBuilder().setPrettyPrinting().create().toJson(json));
        }
        else {
            printTable(rows);
        }
        out.flush();
        if (failed) {
            err.println("raftmanager: status: some endpoints did not answer (see the ERROR column)");
        }
        return failed ? 1 : 0;
    }

    private Map<String, String> row(String endpoint) {
        Map<String, String> row = new LinkedHashMap<>();
        COLUMNS.forEach(column -> row.put(column, ""));
        row.put("ENDPOINT", endpoint);
        ConnectionOptions single = connection;
        ManagedChannel channel = single.open(endpoint);
        try {
            RaftAdminGrpc.RaftAdminBlockingStub admin = RaftAdminGrpc.newBlockingStub(channel)
                .withDeadlineAfter(connection.timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<String, String> stats = admin.stats(StatsRequest.getDefaultInstance()).getStatsMap();
            String leaderAddress = admin.leader(LeaderRequest.getDefaultInstance()).getAddress();
            GetConfigurationResponse configuration = admin
                .getConfiguration(GetConfigurationRequest.getDefaultInstance());
            String leaderId = configuration.getServersList()
                .stream()
                .filter(server -> !leaderAddress.isEmpty() && server.getAddress().equals(leaderAddress))
                .map(GetConfigurationResponse.Server::getId)
                .findFirst()
                .orElse(leaderAddress);
            row.put("ID", stats.getOrDefault("node_id", ""));
            row.put("RAFT ADDRESS", stats.getOrDefault("raft_address", ""));
            row.put("STATE", stats.getOrDefault("state", ""));
            row.put("TERM", stats.getOrDefault("term", ""));
            row.put("LEADER", leaderId);
            row.put("LAST INDEX", stats.getOrDefault("last_log_index", ""));
            row.put("COMMIT INDEX", stats.getOrDefault("commit_index", ""));
            row.put("APPLIED INDEX", stats.getOrDefault("applied_index", ""));
            row.put("LAST CONTACT", stats.getOrDefault("last_contact", ""));
        }
        catch (StatusRuntimeException ex) {
            row.put("ERROR", new CallFailedException("Stats", ex, connection).describe());
        }
        finally {
            channel.shutdownNow();
        }
        return row;
    }

    private void printTable(List<Map<String, String>> rows) {
        boolean anyError = rows.stream().anyMatch(row -> !row.get("ERROR").isEmpty());
        List<String> columns = anyError ? COLUMNS : COLUMNS.subList(0, COLUMNS.size() - 1);
        Map<String, Integer> widths = new LinkedHashMap<>();
        for (String column : columns) {
            int width = column.length();
            for (Map<String, String> row : rows) {
                width = Math.max(width, row.get(column).length());
            }
            widths.put(column, width);
        }
        String rule = "+" + String.join("+", columns.stream().map(c -> "-".repeat(widths.get(c) + 2)).toList()) + "+";
        out.println(rule);
        out.println(line(columns, widths, null));
        out.println(rule);
        rows.forEach(row -> out.println(line(columns, widths, row)));
        out.println(rule);
    }

    private static String line(List<String> columns, Map<String, Integer> widths, Map<String, String> row) {
        StringBuilder line = new StringBuilder("|");
        for (String column : columns) {
            String value = (row != null) ? row.get(column) : column;
            line.append(' ').append(value).append(" ".repeat(widths.get(column) - value.length())).append(" |");
        }
        return line.toString();
    }

    private static Map<String, String> jsonKeys(Map<String, String> row) {
        Map<String, String> json = new LinkedHashMap<>();
        row.forEach((column, value) -> json.put(column.toLowerCase().replace(' ', '_'), value));
        return json;
    }
}
