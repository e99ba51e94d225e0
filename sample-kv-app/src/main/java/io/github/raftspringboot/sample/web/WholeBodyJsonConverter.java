package io.github.raftspringboot.sample.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConversionException;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.exc.InvalidDefinitionException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Spring's JSON converter, except that a small UTF-8 request body is read whole and parsed from a {@code String}.
 * The sample's mapper does not canonicalize property names ({@link StrictJsonConfiguration}), and without that
 * Jackson parses a byte stream through a JDK {@code InputStreamReader}, whose decoder takes a new 8 KB buffer for
 * every request body; a {@code String} of a few hundred bytes is parsed in Jackson's own recycled buffer instead
 * (docs/benchmarks.md, "The HTTP layer"). A body without a length or over {@link #WHOLE_BODY_LIMIT} (a backup sent to
 * {@code /restore} may be hundreds of megabytes) is streamed as before, so that it is never held twice in memory.
 * What is read, and every error, are as Spring's converter has them.
 */
final class WholeBodyJsonConverter extends JacksonJsonHttpMessageConverter {

    /** Bytes; up to this length of text Jackson parses a {@code String} in its recycled buffer, without a reader. */
    static final int WHOLE_BODY_LIMIT = 32 * 1024;

    WholeBodyJsonConverter(JsonMapper mapper) {
        super(mapper);
    }

    @Override
    public Object read(ResolvableType type, HttpInputMessage input, Map<String, Object> hints)
            throws IOException, HttpMessageNotReadableException {
        long length = input.getHeaders().getContentLength();
        if (length < 0 || length > WHOLE_BODY_LIMIT || (hints != null && !hints.isEmpty())
                || !StandardCharsets.UTF_8.equals(getCharset(input.getHeaders().getContentType()))) {
            // A body of unknown or large size, a JSON view, another charset: Spring's own path.
            return super.read(type, input, hints);
        }
        Class<?> contextClass = (type.getSource() instanceof MethodParameter parameter)
                ? parameter.getContainingClass() : null;
        JavaType javaType = getJavaType(type.getType(), contextClass);
        // Fewer bytes than announced (a client that hung up) leave Jackson an incomplete document to report, as before.
        String body = new String(input.getBody().readNBytes((int) length), StandardCharsets.UTF_8);
        try {
            return customizeReader(getMapper().readerFor(javaType), javaType).readValue(body);
        }
        catch (InvalidDefinitionException ex) {
            throw new HttpMessageConversionException("Type definition error: " + ex.getType(), ex);
        }
        catch (JacksonException ex) {
            throw new HttpMessageNotReadableException("JSON parse error: " + ex.getOriginalMessage(), ex, input);
        }
    }
}
