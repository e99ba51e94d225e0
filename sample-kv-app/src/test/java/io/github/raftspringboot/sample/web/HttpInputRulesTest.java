package io.github.raftspringboot.sample.web;

import java.math.BigDecimal;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.sample.web.RawHttp.Reply;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed and unusual input at every HTTP entry point of one real node, through a client that sends URLs exactly
 * as given: each is answered with a problem detail that says what is wrong, and leaves the data as it was; every key
 * that can be written can be read and deleted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "raft.node-id=input-test", "raft.storage=memory", "raft.bind-address=127.0.0.1",
                "raft.advertise-address=127.0.0.1", "raft.election-timeout=500ms", "raft.heartbeat-interval=100ms",
                "spring.grpc.server.port=0" })
class HttpInputRulesTest extends OneNodeHttpFixture {

    private static final JsonMapper json = JsonMapper.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .build();

    private static final String BASELINE = "{\"keep\":1,\"keep/too\":\"text\"}";

    @Autowired
    RaftKeyValueStore store;

    @Autowired
    JsonMapper applicationMapper;

    @BeforeEach
    void baseline() {
        store.keys("").forEach(store::delete);
        assertThat(http().send("POST", "/key", BASELINE).status()).isEqualTo(200);
    }

    @Test
    void keysOfRequestBodiesAreNotCanonicalized() {
        // Each new key would otherwise copy Jackson's whole shared name table (docs/benchmarks.md).
        assertThat(applicationMapper.tokenStreamFactory()
            .isEnabled(TokenStreamFactory.Feature.CANONICALIZE_PROPERTY_NAMES)).isFalse();
        assertThat(applicationMapper.isEnabled(StreamReadFeature.STRICT_DUPLICATE_DETECTION)).isTrue();
    }

    static Stream<Arguments> refusedRequests() {
        String validHeader = "\"format\":\"raft-spring-boot-sample-backup/1\",";
        return Stream.of(
                // Values
                Arguments.of("POST", "/key", "{\"keep\":2,\"a\":null}", 400, "'a' is null"),
                Arguments.of("POST", "/key", "{\"d\":1,\"d\":2}", 400, "Duplicate Object property \"d\""),
                Arguments.of("POST", "/key", "{\"keep\":{\"x\":1,\"x\":2}}", 400, "Duplicate Object property \"x\""),
                Arguments.of("POST", "/key", "{\"keep\":NaN}", 400, "not valid JSON"),
                Arguments.of("POST", "/key", "{\"keep\":Infinity}", 400, "not valid JSON"),
                Arguments.of("POST", "/key", "{\"keep\":1" + "0".repeat(1200) + "}", 400, "Number value length"),
                Arguments.of("POST", "/key", "{\"keep\":2}{\"keep\":3}", 400, "not valid JSON"),
                // Restore: format, version, count, checksum and values are checked before anything is written
                Arguments.of("POST", "/restore?force=maybe", "{}", 400, "'force' must be true or false, not 'maybe'"),
                Arguments.of("POST", "/restore?force=true", "{\"entries\":{\"nv\":null}}", 400, "no 'format'"),
                Arguments.of("POST", "/restore?force=true", "{\"format\":\"raft-spring-boot-sample-backup/2\","
                        + "\"count\":1,\"entries\":{\"keep\":5}}", 400, "version 2 of the backup format"),
                Arguments.of("POST", "/restore?force=true", "{" + validHeader + "\"count\":1,\"entries\":{\"nv\":null},"
                        + "\"sha256\":\"00\"}", 400, "'nv' in the backup is null"),
                Arguments.of("POST", "/restore?force=true", "{" + validHeader + "\"entries\":{\"keep\":5},"
                        + "\"sha256\":\"00\"}", 400, "says it holds null entries but has 1"),
                Arguments.of("POST", "/restore?force=true", "{" + validHeader + "\"count\":2,\"entries\":{\"keep\":5},"
                        + "\"sha256\":\"00\"}", 400, "says it holds 2 entries but has 1"),
                Arguments.of("POST", "/restore?force=true", "{" + validHeader + "\"count\":1,\"entries\":{\"keep\":5}}",
                        400, "no 'sha256'"),
                Arguments.of("POST", "/restore?force=true", "{" + validHeader + "\"count\":1,\"entries\":{\"keep\":5},"
                        + "\"sha256\":\"00\"}", 400, "Checksum mismatch"),
                Arguments.of("POST", "/restore?force=true", "{" + validHeader + "\"count\":1,\"entries\":{\"keep\":5,"
                        + "\"keep\":6},\"sha256\":\"00\"}", 400, "Duplicate Object property \"keep\""),
                // Numbers out of range are refused, never a 500 or a wrapped-around value
                Arguments.of("POST", "/txn", "{\"compare\":[{\"key\":\"keep\",\"version\":99999999999999999999}],"
                        + "\"success\":[{\"put\":{\"keep\":9}}]}", 400, "out of range"),
                Arguments.of("POST", "/txn", "{\"compare\":[{\"key\":\"keep\",\"modRevision\":-99999999999999999999,"
                        + "\"op\":\">\"}],\"success\":[{\"put\":{\"keep\":9}}]}", 400, "out of range"),
                Arguments.of("POST", "/lease", "{\"ttl\":18446744073709561.616}", 400, "out of range"),
                Arguments.of("POST", "/lock/wrapped", "{\"ttl\":18446744073709561.616}", 400, "out of range"),
                Arguments.of("POST", "/lock/" + "n".repeat(1100), null, 400, "The lock name is too long: its key "
                        + "(\"_raft/locks/\" and the name, 1100 bytes of name) is over the store's key limit. "
                        + "The key is 1112 bytes long; the limit is 1024 bytes (raft.limits.max-key-size)"),
                // Cluster operations: a misspelt field or parameter is refused, not ignored
                Arguments.of("POST", "/join", "{\"id\":\"n9\",\"addr\":\"127.0.0.1:1\",\"votr\":false}", 400,
                        "Unknown field 'votr'"),
                Arguments.of("POST", "/remove", "{\"id\":\"n9\",\"forse\":true}", 400, "Unknown field 'forse'"),
                Arguments.of("POST", "/transfer-leadership?idd=n9", null, 400, "Unknown query parameter 'idd'"),
                // Any endpoint: a misspelt query parameter is refused, never read at its default
                Arguments.of("GET", "/key/keep?consistncy=linearizable", null, 400, "Unknown query parameter "
                        + "'consistncy': GET /key/keep takes consistency, meta"),
                Arguments.of("GET", "/key?prefx=ke", null, 400, "Unknown query parameter 'prefx'"),
                Arguments.of("DELETE", "/key/keep?lease=1", null, 400, "Unknown query parameter 'lease': DELETE "
                        + "/key/keep takes none"),
                Arguments.of("POST", "/key?leese=1", "{\"keep\":2}", 400, "Unknown query parameter 'leese'"),
                Arguments.of("GET", "/status?verbose", null, 400, "Unknown query parameter 'verbose'"),
                // Watch parameters: the message names the range that is accepted
                Arguments.of("GET", "/watch?prefix=&limit=-1", null, 400, "limit must be a whole number of at least 1"),
                // Keys in URLs
                Arguments.of("GET", "/key/keep;jsessionid=1", null, 400, "path parameter"),
                Arguments.of("DELETE", "/key/keep;x", null, 400, "path parameter"),
                Arguments.of("GET", "/key/a%00b", null, 400, "/key?key="),
                Arguments.of("DELETE", "/key/keep%00", null, 400, "/key?key="),
                Arguments.of("GET", "/key/a%ZZb", null, 400, "/key?key="),
                Arguments.of("GET", "/key/a%FFb", null, 400, "UTF-8"),
                Arguments.of("GET", "/key/" + "k".repeat(9000), null, 400, "server.max-http-request-header-size"),
                Arguments.of("GET", "/key/../../keep", null, 400, "/key?key="),
                Arguments.of("GET", "/key?key=keep&prefix=keep", null, 400, "not both"),
                Arguments.of("GET", "/key?key=", null, 400, "The key is empty"),
                Arguments.of("DELETE", "/key", null, 400, "Name the key"),
                Arguments.of("DELETE", "/key?key=", null, 400, "The key is empty"),
                Arguments.of("GET", "/key/", null, 400, "key is missing"));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("refusedRequests")
    void refusesWithAProblemDetailAndChangesNothing(String method, String target, String body, int status,
            String detail) {
        Reply reply = http().send(method, target, body);
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.contentType()).as(reply.body()).startsWith("application/problem+json");
        JsonNode problem = json.readTree(reply.body());
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("title").asString()).isNotBlank();
        assertThat(problem.path("detail").asString()).contains(detail);
        assertThat(json.readTree(http().send("GET", "/key", null).body())).isEqualTo(json.readTree(BASELINE));
    }

    static Stream<Arguments> keysAndTheirUrls() {
        return Stream.of(
                Arguments.of("a\\b", "/key/a%5Cb"),
                Arguments.of("a/b", "/key/a%2Fb"),
                Arguments.of("a/b", "/key/a/b"),
                Arguments.of("a;b", "/key/a%3Bb"),
                Arguments.of("a b", "/key/a%20b"),
                Arguments.of("a+b", "/key/a+b"),
                Arguments.of("a%b", "/key/a%25b"),
                Arguments.of("caf\u00e9", "/key/caf%C3%A9"),
                Arguments.of("a//b", "/key/a//b"),
                Arguments.of("a\u0000b", "/key?key=a%00b"),
                Arguments.of("a//b", "/key?key=a%2F%2Fb"),
                Arguments.of("../x", "/key?key=..%2Fx"),
                Arguments.of("a+b", "/key?key=a%2Bb"),
                Arguments.of("a;jsessionid=1", "/key?key=a%3Bjsessionid%3D1"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("keysAndTheirUrls")
    void everyKeyThatCanBeWrittenCanBeReadAndDeleted(String key, String url) {
        String document = json.createObjectNode().put(key, 42).toString();
        assertThat(http().send("POST", "/key", document).status()).isEqualTo(200);

        Reply read = http().send("GET", url, null);
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        assertThat(read.body()).isEqualTo("42");
        Reply deleted = http().send("DELETE", url, null);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(json.readTree(deleted.body()).path("changed").asBoolean()).isTrue();
        assertThat(store.get(key)).isEmpty();
        assertThat(json.readTree(http().send("GET", "/key", null).body())).isEqualTo(json.readTree(BASELINE));
    }

    @Test
    void keepsNumbersExactlyAsWritten() {
        String numbers = "{\"bn\":1e999999,\"tiny\":-1e-999999,\"precise\":0.1000000000000000055511151231257827,"
                + "\"scaled\":1.50,\"big\":123456789012345678901234567890}";
        assertThat(http().send("POST", "/key", numbers).status()).isEqualTo(200);

        JsonNode written = json.readTree(numbers);
        for (String key : new String[] { "bn", "tiny", "precise", "scaled", "big" }) {
            for (String consistency : new String[] { "", "?consistency=local" }) {
                Reply read = http().send("GET", "/key/" + key + consistency, null);
                assertThat(read.status()).isEqualTo(200);
                assertThat(new BigDecimal(read.body())).as(key).isEqualTo(written.get(key).decimalValue());
            }
        }
        assertThat(http().send("GET", "/key/bn", null).body()).isEqualTo("1E+999999");

        // A backup and a restore keep them too, and the checksum of a document holding them verifies.
        String backup = http().send("GET", "/backup", null).body();
        store.keys("").forEach(store::delete);
        Reply restored = http().send("POST", "/restore", backup);
        assertThat(restored.status()).as(restored.body()).isEqualTo(200);
        assertThat(new BigDecimal(http().send("GET", "/key/precise", null).body()))
            .isEqualTo(new BigDecimal("0.1000000000000000055511151231257827"));
        assertThat(json.readTree(http().send("GET", "/key", null).body()))
            .isEqualTo(json.readTree(backup).get("entries"));
    }

    @Test
    void unknownPathsAndMethodsAreProblemDetailsToo() {
        Reply unknown = http().send("GET", "/nowhere%2Fhere", null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.contentType()).startsWith("application/problem+json");
        // The detail names the path as sent: "No endpoint GET /status" would deny an endpoint that exists.
        assertThat(json.readTree(http().send("GET", "/status/", null).body()).path("detail").asString())
            .startsWith("No endpoint GET /status/. ");
        assertThat(json.readTree(http().send("GET", "//key/keep", null).body()).path("detail").asString())
            .startsWith("No endpoint GET //key/keep. ");
        Reply wrongMethod = http().send("PATCH", "/key/keep", "1");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.contentType()).startsWith("application/problem+json");
    }

    private RawHttp http() {
        return new RawHttp(port);
    }
}
