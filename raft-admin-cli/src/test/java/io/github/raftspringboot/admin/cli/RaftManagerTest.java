package io.github.raftspringboot.admin.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.grpc.Status;
import io.netty.handler.ssl.NotSslRecordException;

import io.github.raftspringboot.api.RaftPeer;
import io.github.raftspringboot.api.RaftPeerAddress;
import io.github.raftspringboot.admin.client.MultiAddressNameResolverProvider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Command-line parsing and usage errors, without a server. */
class RaftManagerTest {

    private final StringWriter out = new StringWriter();

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return RaftManager.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void hasTheTwentyRaftadminCommandsBySnakeCaseName() {
        assertThat(AdminMethod.all().keySet()).containsExactly("add_nonvoter", "add_voter", "applied_index",
                "apply_log", "await", "barrier", "demote_voter", "forget", "get_configuration", "last_contact",
                "last_index", "leader", "leadership_transfer", "leadership_transfer_to_server", "remove_server",
                "shutdown", "snapshot", "state", "stats", "verify_leader");
        assertThat(AdminMethod.all().get("add_voter").returnsFuture()).isTrue();
        assertThat(AdminMethod.all().get("stats").returnsFuture()).isFalse();
    }

    @Test
    void everyCommandHasHelpWithItsArgumentsInFieldOrder() {
        for (String command : AdminMethod.all().keySet()) {
            assertThat(run("127.0.0.1:1", command, "--help")).as(command).isZero();
        }
        assertThat(out.toString()).contains("raftmanager add_voter").contains("<id> <address> [<previous_index>]");
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("leadership_transfer_to_server").contains("status");
    }

    @Test
    void usageErrorsExitWithTwoAndSayWhatIsWrong() {
        assertThat(run("127.0.0.1:1", "add_voter", "node4")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required parameter: '<address>'");
        assertThat(run("127.0.0.1:1", "frobnicate")).isEqualTo(2);
        assertThat(run("127.0.0.1:1", "demote_voter", "node4", "-3")).isEqualTo(2);
        assertThat(run("127.0.0.1:1", "demote_voter", "node4", "abc")).isEqualTo(2);
        assertThat(err.toString()).contains("<previous_index> must be a non-negative whole number, not 'abc'");
        assertThat(run("--leader", "127.0.0.1:1", "state")).isEqualTo(2);
        assertThat(err.toString()).contains("--leader needs a multi:/// target");
        assertThat(run("nohost", "state")).isEqualTo(2);
        assertThat(err.toString()).contains("Target 'nohost' must have the form host:port");
        assertThat(run("multi:///", "status")).isEqualTo(2);
        assertThat(err.toString()).contains("lists no servers");
        assertThat(run("--timeout", "soon", "127.0.0.1:1", "state")).isEqualTo(2);
        assertThat(err.toString()).contains("'soon' is not a duration");
        // A duration, but not a deadline: say so rather than that it is no duration at all.
        assertThat(run("--timeout", "0s", "127.0.0.1:1", "state")).isEqualTo(2);
        assertThat(err.toString()).contains("'0s' is not a positive duration").doesNotContain("'0s' is not a duration");
        assertThat(run("--timeout", "-5s", "127.0.0.1:1", "state")).isEqualTo(2);
        assertThat(err.toString()).contains("'-5s' is not a positive duration");
    }

    @Test
    void unreachableServerExitsWithOneAndOneLine() {
        // A refused connection fails at once; the deadline only has to outlast starting the channel, which took over
        // 3 s under a load average of 68 (the call then failed as "no answer within the deadline").
        assertThat(run("--timeout", "60s", "127.0.0.1:1", "leader")).isEqualTo(1);
        assertThat(err.toString().lines().toList()).singleElement().asString()
            .startsWith("raftmanager: Leader failed: cannot reach the server");
        assertThat(out.toString()).isEqualTo("Invoking Leader()" + System.lineSeparator());
    }

    @Test
    void namesAnUnresolvableHostAndAnHttp1ReplyInOneLine() {
        // The failures gRPC reports for them (the process-level tests are RaftManagerWrongTargetTest).
        Status dns = Status.UNAVAILABLE.withDescription("Unable to resolve host nohost.invalid")
            .withCause(new UnknownHostException("nohost.invalid: Name or service not known"));
        RaftPeer target = RaftPeerAddress.parse("nohost.invalid:9090", "Target");
        assertThat(ConnectionFailure.describe(dns, false, false, target))
            .isEqualTo("cannot resolve the host name 'nohost.invalid': check the spelling, or give an IP address");
        assertThat(ConnectionFailure.describe(dns, false, false)).startsWith("cannot resolve the host name "
                + "'nohost.invalid'");
        Status http1 = Status.INTERNAL.withDescription("http2 exception")
            .withCause(new IllegalStateException("First received frame was not SETTINGS. Hex dump for first 5 bytes: "
                    + "485454502f"));
        assertThat(ConnectionFailure.repliedInHttp1(http1)).isTrue();
        assertThat(ConnectionFailure.repliedInHttp1(Status.INTERNAL.withDescription("boom"))).isFalse();
    }

    @Test
    void aPlaintextGrpcServerAnsweringATlsHelloWithAGoAwayIsNotTakenForAWebPort() {
        // Its GOAWAY frame carries Netty's debug text "HTTP/2 client preface string missing ...": "HTTP/" is in the
        // dump, but not at its start (a verify run answered "speaks HTTP/1.1" when the frame came in one read).
        Status goAway = Status.UNAVAILABLE.withDescription("io exception")
            .withCause(new NotSslRecordException("not an SSL/TLS record: "
                    + "000056070000000000000000000000000001485454502f3220636c69656e74"));
        assertThat(ConnectionFailure.describe(goAway, true, false))
            .isEqualTo("the server does not use TLS: call it without --tls, --cacert, --cert and --key");
        Status webPort = Status.UNAVAILABLE.withDescription("io exception")
            .withCause(new NotSslRecordException("not an SSL/TLS record: 485454502f312e3120343030"));
        assertThat(ConnectionFailure.describe(webPort, true, false)).isEqualTo(ConnectionFailure.HTTP1_TARGET);
    }

    @Test
    void backupAndRestoreHaveHelpAndCheckTheirFileBeforeCallingTheServer(@TempDir Path dir) throws Exception {
        assertThat(run("127.0.0.1:1", "backup", "--help")).isZero();
        assertThat(out.toString()).contains("raftmanager backup").contains("<file>").contains("RaftBackup/Save");
        assertThat(run("127.0.0.1:1", "restore", "--help")).isZero();
        assertThat(out.toString()).contains("raftmanager restore").contains("RaftBackup/Restore");
        assertThat(run("127.0.0.1:1", "backup")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required parameter: '<file>'");

        err.getBuffer().setLength(0);
        assertThat(run("127.0.0.1:1", "restore", dir.resolve("missing.raft").toString())).isEqualTo(2);
        assertThat(err.toString().lines().toList()).singleElement().asString()
            .isEqualTo("raftmanager: cannot read " + dir.resolve("missing.raft") + ": no such file");

        err.getBuffer().setLength(0);
        Path text = Files.writeString(dir.resolve("notes.txt"), "hello");
        assertThat(run("127.0.0.1:1", "restore", text.toString())).isEqualTo(1);
        assertThat(err.toString().lines().toList()).singleElement().asString()
            .startsWith("raftmanager: restore: not a raft-spring-boot backup");

        err.getBuffer().setLength(0);
        assertThat(run("127.0.0.1:1", "backup", dir.resolve("no/such/dir/b.raft").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("does not exist");
    }

    @Test
    void parsesDurationsAndMultiTargets() {
        DurationConverter durations = new DurationConverter();
        assertThat(durations.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(durations.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(durations.convert("PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThat(MultiAddressNameResolverProvider.parse("/a:1,b:2", "multi:///a:1,b:2"))
            .extracting(RaftPeer::address)
            .isEqualTo(List.of("a:1", "b:2"));
        assertThatThrownBy(() -> MultiAddressNameResolverProvider.parse("/a:1,b", "t"))
            .hasMessageContaining("Server 'b' must have the form host:port");
    }
}
