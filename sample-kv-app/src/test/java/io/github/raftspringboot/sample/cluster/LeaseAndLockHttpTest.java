package io.github.raftspringboot.sample.cluster;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.sample.SampleKvApplication;
import io.github.raftspringboot.test.RaftClusterTest;
import io.github.raftspringboot.test.RaftTestCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The sample's lease and lock endpoints on three nodes, through a real HTTP client: answers and problem details. */
@RaftClusterTest(application = SampleKvApplication.class, nodes = 3, web = true)
class LeaseAndLockHttpTest {

    private static final JsonMapper json = new JsonMapper();

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aLeasesKeysVanishOnEveryNodeWhenItExpires(RaftTestCluster cluster) throws Exception {
        String follower = cluster.followers().get(0);
        Response granted = send(cluster, follower, "POST", "/lease", "{\"ttl\":\"2s\"}");
        assertThat(granted.status()).isEqualTo(200);
        long id = granted.json().get("id").asLong();
        assertThat(granted.json().get("ttl").asInt()).isEqualTo(2);

        assertThat(send(cluster, follower, "POST", "/key?lease=" + id, "{\"workers/a\":\"alive\"}").status())
            .isEqualTo(200);
        Response kept = send(cluster, cluster.awaitLeader(), "POST", "/lease/" + id + "/keepalive", null);
        assertThat(kept.json().get("keys")).isEqualTo(json.readTree("[\"workers/a\"]"));
        for (String node : cluster.running()) {
            await().atMost(Duration.ofSeconds(20)).until(
                    () -> cluster.store(node).get("workers/a", ReadConsistency.LOCAL).isEmpty());
        }
        Response gone = send(cluster, follower, "POST", "/lease/" + id + "/keepalive", null);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.contentType()).startsWith("application/problem+json");
        assertThat(gone.json().get("detail").asString()).contains("Lease " + id + " does not exist");
    }

    @Test
    void aLockIsRefusedWhileHeldAndCarriesAGrowingFencingToken(RaftTestCluster cluster) throws Exception {
        List<String> nodes = cluster.running();
        Response first = send(cluster, nodes.get(0), "POST", "/lock/report", "{\"ttl\":\"30s\"}");
        assertThat(first.status()).isEqualTo(200);
        long lease = first.json().get("lease").asLong();
        long token = first.json().get("fencingToken").asLong();

        Response refused = send(cluster, nodes.get(1), "POST", "/lock/report", null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("lease").asLong()).isEqualTo(lease);
        assertThat(refused.json().get("fencingToken").asLong()).isEqualTo(token);
        // The refused request's own lease was revoked: only the holder's is left.
        assertThat(send(cluster, nodes.get(2), "GET", "/lease", null).json()).hasSize(1);

        assertThat(send(cluster, nodes.get(1), "DELETE", "/lock/report?lease=" + (lease + 1000), null).json()
            .get("unlocked").asBoolean()).isFalse();
        assertThat(send(cluster, nodes.get(1), "DELETE", "/lock/report?lease=" + lease, null).json()
            .get("unlocked").asBoolean()).isTrue();
        assertThat(send(cluster, nodes.get(2), "GET", "/lock/report", null).status()).isEqualTo(404);
        Response second = send(cluster, nodes.get(1), "POST", "/lock/report", null);
        assertThat(second.json().get("fencingToken").asLong()).isGreaterThan(token);
    }

    @Test
    void badInputIsA400ThatSaysWhatToSend(RaftTestCluster cluster) throws Exception {
        String node = cluster.running().get(0);
        assertThat(send(cluster, node, "POST", "/lease", "{\"ttl\":\"10 parsecs\"}").json().get("detail").asString())
            .contains("is not a TTL");
        assertThat(send(cluster, node, "POST", "/lease", "{\"ttl\":\"100ms\"}").json().get("detail").asString())
            .contains("use 1s to 24h");
        assertThat(send(cluster, node, "POST", "/lease", "{}").json().get("detail").asString())
            .contains("needs a TTL");
        assertThat(send(cluster, node, "POST", "/lease", "{\"ttl\":\"5s\",\"tll\":1}").json().get("detail")
            .asString()).contains("Unknown field 'tll'");
        Response badId = send(cluster, node, "POST", "/lease/abc/keepalive", null);
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.contentType()).startsWith("application/problem+json");
        assertThat(badId.json().get("detail").asString()).contains("must be a lease id");
        assertThat(send(cluster, node, "POST", "/key?lease=0", "{\"a\":1}").status()).isEqualTo(400);
        assertThat(send(cluster, node, "POST", "/key?lease=999999", "{\"a\":1}").status()).isEqualTo(404);
        assertThat(cluster.store(node).get("a")).isEmpty();
        assertThat(send(cluster, node, "GET", "/lease", null).json()).isEmpty();
    }

    private record Response(int status, String contentType, String body) {

        JsonNode json() {
            return LeaseAndLockHttpTest.json.readTree(body);
        }
    }

    private Response send(RaftTestCluster cluster, String node, String method, String path, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(cluster.baseUri(node).resolve(path));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
                : HttpRequest.BodyPublishers.noBody());
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.body());
    }
}
