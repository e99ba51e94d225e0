package io.github.raftspringboot.sample.web;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.core.ResolvableType;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.mock.http.MockHttpInputMessage;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@link WholeBodyJsonConverter} reads what Spring's converter reads, fails as it fails, and takes no 8 KB buffer. */
class WholeBodyJsonConverterTest {

    /** The sample's mapper rules ({@link StrictJsonConfiguration}). */
    private static final JsonMapper MAPPER = JsonMapper
        .builder(JsonFactory.builder().disable(TokenStreamFactory.Feature.CANONICALIZE_PROPERTY_NAMES).build())
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .build();

    private static final ResolvableType JSON_NODE = ResolvableType.forClass(JsonNode.class);

    private final WholeBodyJsonConverter converter = new WholeBodyJsonConverter(MAPPER);

    private final JacksonJsonHttpMessageConverter spring = new JacksonJsonHttpMessageConverter(MAPPER);

    @Test
    void readsWhatSpringsConverterReads() throws Exception {
        List<String> bodies = List.of("{\"a\":1,\"b\":{\"x\":[1,2]},\"users/42\":\"alice\"}", "[1,2]", "\"text\"",
                "{\"n\":0.1000000000000000055511151231257827,\"big\":1e999999}", "{\"é\":\"ünïcødé ✓ 😀\"}",
                "  {\"spaced\" : true }  ", "{\"long\":\"" + "x".repeat(40_000) + "\"}");
        for (String body : bodies) {
            assertThat(read(converter, body, MediaType.APPLICATION_JSON)).as(body)
                .isEqualTo(read(spring, body, MediaType.APPLICATION_JSON));
        }
        byte[] chunked = bodies.get(0).getBytes(StandardCharsets.UTF_8);
        assertThat(converter.read(JSON_NODE, message(chunked, MediaType.APPLICATION_JSON, false), null))
            .isEqualTo(MAPPER.readTree(chunked));
        MediaType latin1 = MediaType.parseMediaType("application/json;charset=ISO-8859-1");
        byte[] latin1Body = "{\"caf\u00e9\":1}".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(converter.read(JSON_NODE, message(latin1Body, latin1, true), null).toString())
            .isEqualTo("{\"caf\u00e9\":1}");
    }

    @Test
    void failsAsSpringsConverterFails() {
        for (String body : List.of("{\"a\":", "{\"a\":1,\"a\":2}", "{a:1}", "{\"a\":1}}", "nul")) {
            HttpMessageNotReadableException ours = catchThrowableOfType(HttpMessageNotReadableException.class,
                    () -> read(converter, body, MediaType.APPLICATION_JSON));
            HttpMessageNotReadableException theirs = catchThrowableOfType(HttpMessageNotReadableException.class,
                    () -> read(spring, body, MediaType.APPLICATION_JSON));
            assertThat(ours).as(body).isNotNull();
            assertThat(ours.getMessage()).as(body).isEqualTo(theirs.getMessage());
            assertThat(ours.getMostSpecificCause()).isInstanceOf(JacksonException.class);
            assertThat(((JacksonException) ours.getMostSpecificCause()).getOriginalMessage())
                .isEqualTo(((JacksonException) theirs.getMostSpecificCause()).getOriginalMessage());
        }
    }

    @Test
    void aBodyOverTheLimitOrWithoutALengthIsStreamedAsBefore() throws Exception {
        byte[] large = ("{\"k\":\"" + "x".repeat(WholeBodyJsonConverter.WHOLE_BODY_LIMIT) + "\"}")
            .getBytes(StandardCharsets.UTF_8);
        byte[] small = "{\"k\":1}".getBytes(StandardCharsets.UTF_8);
        assertThat(converter.read(JSON_NODE, streamOnly(large, true), null)).isEqualTo(MAPPER.readTree(large));
        assertThat(converter.read(JSON_NODE, streamOnly(small, false), null)).isEqualTo(MAPPER.readTree(small));
    }

    @Test
    void aSmallBodyIsReadWithoutAnEightKilobyteBuffer() throws Exception {
        String body = "{\"key-1234\":\"" + "v".repeat(254) + "\"}";
        long ours = allocatedPerRead(converter, body);
        long theirs = allocatedPerRead(spring, body);
        // With the 1 KB of the test's message: Spring's converter on this mapper 11 KB per read (the JDK decoder's 8 KB
        // buffer), this one 3 KB.
        assertThat(ours).as("bytes per read; Spring's converter: %d", theirs).isLessThan(6_000);
    }

    private static long allocatedPerRead(JacksonJsonHttpMessageConverter converter, String body) throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int reads = 20_000;
        for (int i = 0; i < reads; i++) {
            read(converter, body, MediaType.APPLICATION_JSON);
        }
        long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (int i = 0; i < reads; i++) {
            read(converter, body, MediaType.APPLICATION_JSON);
        }
        return (threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before) / reads;
    }

    private static Object read(JacksonJsonHttpMessageConverter converter, String body, MediaType type)
            throws Exception {
        return converter.read(JSON_NODE, message(body.getBytes(StandardCharsets.UTF_8), type, true), null);
    }

    private static MockHttpInputMessage message(byte[] body, MediaType type, boolean withLength) {
        MockHttpInputMessage message = new MockHttpInputMessage(body);
        message.getHeaders().setContentType(type);
        if (withLength) {
            message.getHeaders().setContentLength(body.length);
        }
        return message;
    }

    /** A body that fails the test if it is read whole (a backup of hundreds of megabytes must not be). */
    private static HttpInputMessage streamOnly(byte[] body, boolean withLength) {
        InputStream stream = new ByteArrayInputStream(body) {
            @Override
            public byte[] readNBytes(int length) {
                throw new AssertionError("The body was read whole");
            }

            @Override
            public byte[] readAllBytes() {
                throw new AssertionError("The body was read whole");
            }
        };
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        if (withLength) {
            headers.setContentLength(body.length);
        }
        return new HttpInputMessage() {
            @Override
            public InputStream getBody() {
                return stream;
            }

            @Override
            public HttpHeaders getHeaders() {
                return headers;
            }
        };
    }
}
