package io.github.raftspringboot.sample.web;

import java.io.IOException;
import java.io.InputStream;
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
 * Spring's JSON converter, except that a UTF-8 request body is read whole and parsed from a {@code String}. The
 * sample's mapper does not canonicalize property names ({@link StrictJsonConfiguration}), and without that Jackson
 * parses a byte stream through a JDK {@code InputStreamReader}, whose decoder takes a new 8 KB buffer for every
 * request body; a {@code String} of a few hundred bytes is parsed in Jackson's own recycled buffer instead
 * (docs/benchmarks.md, "The HTTP layer"). What is read, and every error, are as Spring's converter has them.
 */
final class WholeBodyJsonConverter extends JacksonJsonHttpMessageConverter {

    WholeBodyJsonConverter(JsonMapper mapper) {
        super(mapper);
    }

    @Override
    public Object read(ResolvableType type, HttpInputMessage input, Map<String, Object> hints)
            throws IOException, HttpMessageNotReadableException {
        if ((hints != null && !hints.isEmpty())
                || !StandardCharsets.UTF_8.equals(getCharset(input.getHeaders().getContentType()))) {
            // A JSON view, or another charset: Spring's own path.
            return super.read(type, input, hints);
        }
        Class<?> contextClass = (type.getSource() instanceof MethodParameter parameter)
                ? parameter.getContainingClass() : null;
        JavaType javaType = getJavaType(type.getType(), contextClass);
        String body = new String(readAll(input), StandardCharsets.UTF_8);
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

    /** The body in an array of its own length when the request says it (no growing and copying). */
    private static byte[] readAll(HttpInputMessage input) throws IOException {
        long length = input.getHeaders().getContentLength();
        InputStream body = input.getBody();
        if (length < 0 || length > Integer.MAX_VALUE - 8) {
            return body.readAllBytes();
        }
        // Fewer bytes than announced (a client that hung up) leave Jackson an incomplete document to report, as before.
        return body.readNBytes((int) length);
    }
}
