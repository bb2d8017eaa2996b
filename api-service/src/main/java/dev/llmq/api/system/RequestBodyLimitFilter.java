package dev.llmq.api.system;

import dev.llmq.api.batch.BatchProperties;
import dev.llmq.api.query.ApiProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses request bodies over the configured size with 413 (at once when {@code Content-Length} says so, else while
 * reading a chunked body, so an endless body never fills memory) and bodies sent too slowly with 408, so a client
 * trickling a body never holds a request open for long. Multipart uploads are read by Tomcat itself, bounded by its
 * per-read connection timeout and the multipart size limits.
 */
@Component
class RequestBodyLimitFilter extends OncePerRequestFilter {

    /** Room for a multipart upload's boundaries, headers and form fields beside the file itself. */
    private static final long MULTIPART_OVERHEAD = 1024 * 1024;

    private final long bodyLimit;
    private final long fileLimit;
    private final Duration readTimeout;
    private final JsonMapper json = JsonMapper.builder().build();

    RequestBodyLimitFilter(ApiProperties properties, BatchProperties batches, HttpProperties http) {
        this.bodyLimit = properties.maxBodySize().toBytes();
        this.fileLimit = batches.maxFileSize().toBytes() + MULTIPART_OVERHEAD;
        this.readTimeout = http.bodyReadTimeout();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // file uploads have their own, larger limit (LLMQ_API_MAX_FILE_SIZE), also enforced by the multipart parser
        long limit = "/v1/files".equals(request.getRequestURI()) ? fileLimit : bodyLimit;
        if (request.getContentLengthLong() > limit) {
            response.setHeader("Connection", "close");
            ProblemResponses.write(
                    request,
                    response,
                    ProblemResponses.problem(
                            HttpStatus.CONTENT_TOO_LARGE,
                            "Request body too large",
                            new RequestBodyTooLargeException(limit).getMessage()),
                    json);
            return;
        }
        chain.doFilter(new LimitedRequest(request, limit, readTimeout), response);
    }

    /**
     * A request whose body stream fails once more than {@code limit} bytes were read, or once reading it has taken
     * longer than {@code timeout} since the request arrived (each blocking read is itself bounded by Tomcat's
     * connection timeout, so a stalled client is cut off within the two added).
     */
    private static final class LimitedRequest extends HttpServletRequestWrapper {

        private final long limit;
        private final Duration timeout;
        private final long deadlineNanos;
        private @Nullable ServletInputStream stream;

        LimitedRequest(HttpServletRequest request, long limit, Duration timeout) {
            super(request);
            this.limit = limit;
            this.timeout = timeout;
            this.deadlineNanos = System.nanoTime() + timeout.toNanos();
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new LimitedInputStream(
                        super.getInputStream(),
                        limit,
                        timeout,
                        deadlineNanos,
                        () -> setAttribute(SlowBodyValve.TIMED_OUT, true));
            }
            return stream;
        }
    }

    /** Counts bytes read and throws past the limit or the deadline. */
    private static final class LimitedInputStream extends ServletInputStream {

        private final ServletInputStream delegate;
        private final long limit;
        private final Duration timeout;
        private final long deadlineNanos;
        private final Runnable onTimeout;
        private long read;

        LimitedInputStream(
                ServletInputStream delegate, long limit, Duration timeout, long deadlineNanos, Runnable onTimeout) {
            this.delegate = delegate;
            this.limit = limit;
            this.timeout = timeout;
            this.deadlineNanos = deadlineNanos;
            this.onTimeout = onTimeout;
        }

        @Override
        public int read() throws IOException {
            requireInTime();
            int b = delegate.read();
            if (b != -1) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            requireInTime();
            int n = delegate.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void requireInTime() {
            if (System.nanoTime() - deadlineNanos > 0) {
                onTimeout.run();
                throw new RequestBodyTimeoutException(timeout);
            }
        }

        private void count(int n) {
            read += n;
            if (read > limit) {
                throw new RequestBodyTooLargeException(limit);
            }
            requireInTime();
        }

        @Override
        public boolean isFinished() {
            return delegate.isFinished();
        }

        @Override
        public boolean isReady() {
            return delegate.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            delegate.setReadListener(listener);
        }
    }
}
