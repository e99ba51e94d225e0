package io.github.raftspringboot.sample.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

import io.github.raftspringboot.autoconfigure.web.ProblemResponses;

/**
 * Refuses a request body larger than any request but a restore can use (413), before it is parsed: a JSON body
 * is read into a tree, so a 120 MB array sent to {@code POST /key} ended in an {@code OutOfMemoryError} (a 500)
 * on a 256 MB heap. A body with a length is refused unread; one sent in chunks when it passes the limit.
 */
final class RequestBodyLimitFilter extends OncePerRequestFilter {

    private final long limit;

    private final String limitText;

    RequestBodyLimitFilter(long limit, String limitText) {
        this.limit = limit;
        this.limitText = limitText;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // The servlet path is decoded and without path parameters: /restore;x is /restore too.
        if ("/restore".equals(request.getServletPath() + ((request.getPathInfo() != null) ? request.getPathInfo()
                : ""))) {
            chain.doFilter(request, response);
            return;
        }
        long length = request.getContentLengthLong();
        if (length > limit) {
            ProblemResponses.write(request, response, HttpStatus.CONTENT_TOO_LARGE, tooLarge(length + " bytes"));
            return;
        }
        chain.doFilter((length < 0) ? new Limited(request) : request, response);
    }

    String tooLarge(String size) {
        return "The request body is " + size + "; the limit is " + limitText + " (twice raft.limits.max-entry-size, "
                + "the largest log entry): split the write into smaller requests";
    }

    /** Thrown by a chunked body's stream once it passes the limit; answered 413 by {@link ApiExceptionHandler}. */
    static final class BodyTooLargeException extends IOException {

        BodyTooLargeException(String message) {
            super(message);
        }
    }

    /** A chunked body, counted as it is read. */
    private final class Limited extends HttpServletRequestWrapper {

        Limited(HttpServletRequest request) {
            super(request);
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            ServletInputStream in = super.getInputStream();
            return new ServletInputStream() {

                private long read;

                @Override
                public int read() throws IOException {
                    int b = in.read();
                    count((b < 0) ? 0 : 1);
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = in.read(buffer, offset, length);
                    count(Math.max(n, 0));
                    return n;
                }

                private void count(int n) throws BodyTooLargeException {
                    read += n;
                    if (read > limit) {
                        throw new BodyTooLargeException(tooLarge("over " + limitText));
                    }
                }

                @Override
                public boolean isFinished() {
                    return in.isFinished();
                }

                @Override
                public boolean isReady() {
                    return in.isReady();
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    in.setReadListener(listener);
                }
            };
        }
    }
}
