package io.github.raftspringboot.autoconfigure.grpc;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.autoconfigure.TestCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The raftmanager CLI, run as a process against a real 3-node cluster. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RaftManagerCliTest {

    TestCluster cluster;

    AdminClients clients;

    @BeforeAll
    void startCluster(@TempDir Path dir) {
        cluster = TestCluster.start(3, dir, Map.of());
        clients = new AdminClients(cluster);
        cluster.awaitLeader();
    }

    @AfterAll
    void stopCluster() {
        clients.close();
        cluster.close();
    }

    private String multiTarget() {
        return cluster.running()
            .stream()
            .map(clients::grpcAddress)
            .collect(Collectors.joining(",", "multi:///", ""));
    }

    @Test
    @Order(1)
    void addVoterAsInTheSeedPrintsTheCallTheTokenAndTheAwaitedIndex() {
        String leader = cluster.awaitLeader();
        String address = cluster.reserve("serverb");
        cluster.startNode("serverb", Map.of("raft.bootstrap", "false"));

        RaftManagerProcess.Result result = RaftManagerProcess.run(clients.grpcAddress(leader), "add_voter", "serverb",
                address, "0");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.lines()).hasSize(4);
        assertThat(result.lines().get(0)).isEqualTo("Invoking AddVoter(id: \"serverb\" address: \"" + address + "\")");
        Matcher token = Pattern.compile("Response: operation_token: \"([0-9a-f]{40})\"").matcher(result.lines().get(1));
        assertThat(token.matches()).as(result.lines().get(1)).isTrue();
        assertThat(result.lines().get(2)).isEqualTo("Invoking Await(operation_token: \"" + token.group(1) + "\")");
        Matcher index = Pattern.compile("Response: index: (\\d+)").matcher(result.lines().get(3));
        assertThat(index.matches()).as(result.lines().get(3)).isTrue();
        assertThat(Long.parseLong(index.group(1))).isPositive()
            .isEqualTo(cluster.node(leader).status().configurationIndex());
        await().atMost(Duration.ofSeconds(20))
            .untilAsserted(() -> assertThat(cluster.node("serverb").status().role()).isEqualTo(RaftRole.FOLLOWER));
    }

    @Test
    @Order(2)
    void leaderOptionSendsTheCallToTheLeaderThroughTheHealthStatus() {
        String leader = cluster.awaitLeader();
        RaftManagerProcess.Result state = RaftManagerProcess.run("--leader", multiTarget(), "state");
        assertThat(state.exitCode()).as(state.err()).isZero();
        assertThat(state.lines()).containsExactly("Invoking State()", "Response: state: LEADER");

        RaftManagerProcess.Result json = RaftManagerProcess.run("-o", "json", "--leader", multiTarget(), "apply_log",
                "{\"op\":\"put\",\"key\":\"cli\",\"value\":7}");
        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(json.out()).contains("\"method\": \"ApplyLog\"").contains("\"operation_token\"")
            .containsPattern("\"await\": \\{\\s*\"error\": \"\",\\s*\"index\": \"\\d+\"");
        assertThat(cluster.store(leader).get("cli", Integer.class)).contains(7);
    }

    @Test
    @Order(3)
    void statusPrintsOneRowPerNode() {
        String leader = cluster.awaitLeader();
        RaftManagerProcess.Result status = RaftManagerProcess.run(multiTarget(), "status");
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.lines().get(1)).contains("ENDPOINT", "ID", "STATE", "TERM", "LEADER", "APPLIED INDEX");
        for (String id : cluster.running()) {
            assertThat(status.out()).containsPattern("\\| " + Pattern.quote(clients.grpcAddress(id)) + " +\\| " + id
                    + " +\\| " + Pattern.quote(cluster.node(id).status().address()) + " +\\| (Leader|Follower) +\\| \\d+ +\\| "
                    + leader + " ");
        }
        assertThat(status.out()).containsOnlyOnce("| Leader ");
    }

    @Test
    @Order(4)
    void errorsEndWithANonZeroStatusAndOneLine() {
        String leader = cluster.awaitLeader();
        String follower = cluster.anyFollower();
        RaftManagerProcess.Result notLeader = RaftManagerProcess.run(clients.grpcAddress(follower), "remove_server",
                "nobody");
        assertThat(notLeader.exitCode()).isEqualTo(1);
        assertThat(notLeader.err().lines()).singleElement()
            .asString()
            .contains("RemoveServer failed")
            .contains("the leader is '" + leader + "'");

        RaftManagerProcess.Result invalid = RaftManagerProcess.run(clients.grpcAddress(leader), "add_voter", "x",
                "no-port");
        assertThat(invalid.exitCode()).isEqualTo(1);
        assertThat(invalid.err().lines()).singleElement().asString().contains("INVALID_ARGUMENT").contains("host:port");

        RaftManagerProcess.Result usage = RaftManagerProcess.run(clients.grpcAddress(leader), "add_voter");
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.err()).contains("Missing required parameters");

        // A refused connection fails at once: the deadline only has to outlast a loaded machine (with 5 s, the call
        // failed as "no answer within the deadline" under a load average of 80).
        RaftManagerProcess.Result unreachable = RaftManagerProcess.run("--timeout", "60s", "127.0.0.1:1", "leader");
        assertThat(unreachable.exitCode()).isEqualTo(1);
        assertThat(unreachable.err().lines()).singleElement().asString().contains("Leader failed: cannot reach");
    }

    @Test
    @Order(5)
    void leadershipTransferThroughTheLeaderOptionIsAwaitedOnTheNodeThatIssuedIt() {
        String leader = cluster.awaitLeader();
        String target = cluster.anyFollower();
        String targetAddress = cluster.node(target).status().address();

        // The call reaches the leader; its Await goes there too, even when the channel already follows the new
        // leader (that race is made deterministic in raft-admin-cli's AwaitOnTheIssuingServerTest).
        RaftManagerProcess.Result transfer = RaftManagerProcess.run("--leader", multiTarget(),
                "leadership_transfer_to_server", target, targetAddress);

        assertThat(transfer.exitCode()).as(transfer.err()).isZero();
        assertThat(transfer.lines()).hasSize(4);
        assertThat(transfer.lines().get(2)).startsWith("Invoking Await(");
        assertThat(transfer.lines().get(3)).matches("Response: index: \\d+");
        await().atMost(Duration.ofSeconds(20)).until(() -> target.equals(cluster.awaitLeader()));
        assertThat(cluster.node(leader).status().role()).isNotEqualTo(RaftRole.LEADER);
    }
}
