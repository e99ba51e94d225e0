package io.github.raftspringboot.sample.cluster;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import io.github.raftspringboot.sample.SampleKvApplication;
import io.github.raftspringboot.test.RaftClusterAssert;
import io.github.raftspringboot.test.RaftClusterTest;
import io.github.raftspringboot.test.RaftTestCluster;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The user's view of raft-spring-boot-test, shown in docs/testing.md: three nodes of the sample application in this
 * JVM, each with its own HTTP port, driven through the application's own HTTP API.
 */
@RaftClusterTest(application = SampleKvApplication.class, nodes = 3, web = true)
class SampleClusterTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aWriteThroughAFollowerReachesEveryNode(RaftTestCluster cluster) throws Exception {
        String follower = cluster.followers().get(0);

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(cluster.baseUri(follower).resolve("/key"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"greeting\":\"hello\"}"))
            .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        RaftClusterAssert.assertThat(cluster).hasValueOnAllNodes("greeting", "hello");
    }

    @Test
    void theDataOutlivesTheLeader(RaftTestCluster cluster) {
        String leader = cluster.awaitLeader();
        cluster.store(leader).put("counter", 41);

        cluster.stop(leader);

        RaftClusterAssert.assertThat(cluster).hasOneLeader().hasValueOnAllNodes("counter", 41);
        cluster.start(leader);
        RaftClusterAssert.assertThat(cluster).hasValueOnAllNodes("counter", 41);
    }
}
