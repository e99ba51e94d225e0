package io.github.raftspringboot.sample.web;

import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's last word on an error, as a problem detail instead of Tomcat's HTML page: it answers what Tomcat refuses
 * before Spring sees the request (an encoded NUL, a malformed escape, a request line or headers over
 * {@code server.max-http-request-header-size}). Errors Spring answers itself never reach it: they already have a
 * body. Installed as the host's error report valve by {@link TomcatProblemConfiguration}.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    private static final Logger logger = LoggerFactory.getLogger(ProblemErrorReportValve.class);

    private static final JsonMapper json = new JsonMapper();

    static final String BAD_URL_ADVICE = "Check the URL: it must not contain an encoded NUL (%00), a malformed "
            + "%-escape or %-escaped bytes that are not UTF-8, and the request line and headers must fit in server.max-http-request-header-size (8KB by "
            + "default). A key that a URL path cannot carry is read and deleted with GET or DELETE "
            + "/key?key=<url-encoded key> (docs/http-api.md)";

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(json.writeValueAsString(problem(status, response.getMessage())));
                response.finishResponse();
            }
        }
        catch (IOException | IllegalStateException ex) {
            // The client is gone or the response was already committed: there is nobody left to tell.
            logger.debug("Could not write the problem detail for status {}", status, ex);
        }
    }

    static Map<String, Object> problem(int status, String message) {
        HttpStatus known = HttpStatus.resolve(status);
        String reason = (known != null) ? known.getReasonPhrase() : "Error";
        String cause = (message != null && !message.isBlank()) ? message : reason;
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", reason);
        problem.put("status", status);
        problem.put("detail", (status == 400) ? "The server refused the request before it reached the application ("
                + cause + "). " + BAD_URL_ADVICE : cause);
        return problem;
    }
}
