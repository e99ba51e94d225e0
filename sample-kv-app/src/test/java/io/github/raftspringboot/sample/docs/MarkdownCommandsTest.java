package io.github.raftspringboot.sample.docs;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The extraction rules of docs/architecture.md, "Executable documentation", without a cluster. */
class MarkdownCommandsTest {

    @Test
    void shellBlocksGiveTheirCommandsWithContinuationsJoinedAndCommentsApart() {
        ExecutableDoc doc = MarkdownCommands.parse("d.md", """
                Text with `curl inline` is not run.

                ```shell
                java -jar app.jar
                curl -XPOST localhost:11000/key -H 'Content-Type: application/json' \\
                  -d '{"a":"#1"}'
                curl localhost:11000/key/a            # "#1"
                curl localhost:11000/key/users/42     # {"n":1}   (keys may contain slashes)
                curl localhost:11000/key/b            # everything
                A=http://127.0.0.1:11001
                scripts/local-cluster.sh stop node2
                ```
                ```java
                curl("not a command");
                ```
                """);
        assertThat(doc.steps()).hasSize(6);
        DocStep.Command put = (DocStep.Command) doc.steps().get(0);
        assertThat(put.text()).isEqualTo(
                "curl -XPOST localhost:11000/key -H 'Content-Type: application/json' -d '{\"a\":\"#1\"}'");
        assertThat(put.location()).isEqualTo("d.md:5");
        assertThat(put.expectedJson()).isNull();
        DocStep.Command get = (DocStep.Command) doc.steps().get(1);
        assertThat(get.text()).isEqualTo("curl localhost:11000/key/a");
        assertThat(get.expectedJson().asString()).isEqualTo("#1");
        assertThat(((DocStep.Command) doc.steps().get(2)).expectedJson().get("n").asInt()).isEqualTo(1);
        assertThat(((DocStep.Command) doc.steps().get(3)).expectedJson()).isNull();
        assertThat(doc.steps().get(4)).isEqualTo(new DocStep.Env("d.md:10", "A", "http://127.0.0.1:11001"));
        assertThat(doc.steps().get(5)).isEqualTo(new DocStep.Action("d.md:11", "stop", "node2"));
    }

    @Test
    void transcriptsRunTheirPromptLinesAndAnErrorLineMeansTheCommandMustFail() {
        ExecutableDoc doc = MarkdownCommands.parse("d.md", """
                ```text
                raftmanager [options] <target> <command>
                $ raftmanager 127.0.0.1:13001 state
                Response: state: LEADER
                $ raftmanager 127.0.0.1:13002 barrier            # a follower
                Response: error: "..."
                raftmanager: Barrier failed: Barrier must run on the leader, ...
                ```
                """);
        assertThat(doc.steps()).extracting(step -> ((DocStep.Command) step).text())
            .containsExactly("raftmanager 127.0.0.1:13001 state", "raftmanager 127.0.0.1:13002 barrier");
        DocStep.Command barrier = (DocStep.Command) doc.steps().get(1);
        assertThat(barrier.expectFailure()).isTrue();
        assertThat(barrier.documentedError()).isEqualTo("raftmanager: Barrier failed: Barrier must run on the leader, ...");
        assertThat(((DocStep.Command) doc.steps().get(0)).expectFailure()).isFalse();
    }

    @Test
    void annotationsMarkIllustrativeBlocksExpectedErrorsSetUpAndClusterProperties() {
        ExecutableDoc doc = MarkdownCommands.parse("d.md", """
                <!-- docs-test: property management.endpoints.web.exposure.include=raft,metrics -->
                <!-- docs-test: illustrative needs a TLS certificate -->
                ```shell
                ALL=multi:///10.0.0.1:9090
                raftmanager --cacert ca.pem $ALL status
                ```
                <!-- docs-test: start node4 -->
                <!-- docs-test: run printf 'not a backup' > notes.txt -->
                <!-- docs-test: expect-error -d '{"a": -->
                   ```shell
                   curl -XPOST localhost:11000/key -H 'Content-Type: application/json' -d '{"a":'
                   ```
                """);
        assertThat(doc.properties()).containsEntry("management.endpoints.web.exposure.include", "raft,metrics");
        assertThat(doc.steps()).hasSize(4);
        assertThat(doc.steps().get(0)).isEqualTo(new DocStep.Illustrative("d.md:5",
                "raftmanager --cacert ca.pem $ALL status", "needs a TLS certificate"));
        assertThat(doc.steps().subList(1, 3)).isEqualTo(List.of(new DocStep.Action("d.md:7", "start", "node4"),
                new DocStep.Action("d.md:8", "run", "printf 'not a backup' > notes.txt")));
        assertThat(((DocStep.Command) doc.steps().get(3)).expectFailure()).isTrue();
    }

    @Test
    void anUnknownOrDanglingAnnotationIsAnError() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> MarkdownCommands.parse("d.md", "<!-- docs-test: ilustrative x -->\n```shell\n```\n"))
            .withMessageContaining("d.md:1: unknown docs-test annotation 'ilustrative'");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> MarkdownCommands.parse("d.md", "text\n<!-- docs-test: stop node2 -->\n"))
            .withMessageContaining("d.md:2: annotation not followed by a code block");
    }

    @Test
    void addressesOffThisMachineAreRecognised() {
        assertThat(DocRunner.remoteAddress("curl -d '{\"addr\":\"10.0.0.13:12000\"}' 127.0.0.1:4000/join"))
            .contains("10.0.0.13");
        assertThat(DocRunner.remoteAddress("curl -d '{\"addr\":\"raft-kv-3.raft-kv-peers:12000\"}' x"))
            .contains("raft-kv-3.raft-kv-peers:12000");
        assertThat(DocRunner.remoteAddress("raftmanager --cacert ca.pem 10.0.0.1:9090 state")).contains("10.0.0.1");
        assertThat(DocRunner.remoteAddress("curl -s http://127.0.0.1:4000/status; curl localhost:4001/key/a.b"))
            .isEmpty();
        assertThat(DocRunner.remoteAddress("raftmanager -o json 127.0.0.1:4 stats | jq -r .response.stats.state"))
            .isEmpty();
    }

    @Test
    void aDocumentedErrorLineMatchesWhateverNumbersAndEllipsesStandFor() {
        assertThat(DocRunner.matchesDocumentedError(
                "raftmanager: DemoteVoter failed: DemoteVoter: configuration changed since 26 (latest is 27)",
                "raftmanager: DemoteVoter failed: DemoteVoter: configuration changed since 26 (latest is 9)\n")).isTrue();
        assertThat(DocRunner.matchesDocumentedError("raftmanager: restore: not a raft-spring-boot backup: the file (...)",
                "raftmanager: restore: not a raft-spring-boot backup: the file is empty")).isTrue();
        assertThat(DocRunner.matchesDocumentedError("raftmanager: restore: checksum mismatch",
                "raftmanager: restore: the backup is truncated")).isFalse();
    }
}
