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
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses request bodies over the configured size with 413: at once when {@code Content-Length} says so, else while
 * reading a chunked body, so an endless body never fills memory.
 */
@Component
class RequestBodyLimitFilter extends OncePerRequestFilter {

    /** Room for a multipart upload's boundaries, headers and form fields beside the file itself. */
    private static final long MULTIPART_OVERHEAD = 1024 * 1024;

    private final long bodyLimit;
    private final long fileLimit;
    private final JsonMapper json = JsonMapper.builder().build();

    RequestBodyLimitFilter(ApiProperties properties, BatchProperties batches) {
        this.bodyLimit = properties.maxBodySize().toBytes();
        this.fileLimit = batches.maxFileSize().toBytes() + MULTIPART_OVERHEAD;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // file uploads have their own, larger limit (LLMQ_API_MAX_FILE_SIZE), also enforced by the multipart parser
        long limit = "/v1/files".equals(request.getRequestURI()) ? fileLimit : bodyLimit;
        if (request.getContentLengthLong() > limit) {
            response.setStatus(HttpStatus.CONTENT_TOO_LARGE.value());
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setHeader("Connection", "close");
            ProblemDetail problem = ProblemResponses.problem(
                    HttpStatus.CONTENT_TOO_LARGE,
                    "Request body too large",
                    new RequestBodyTooLargeException(limit).getMessage());
            if (request.getRequestURI().startsWith("/v1/")) {
                OpenAiErrorMember.addTo(problem);
            }
            json.writeValue(response.getOutputStream(), problem);
            return;
        }
        chain.doFilter(new LimitedRequest(request, limit), response);
    }

    /** A request whose body stream fails once more than {@code limit} bytes were read. */
    private static final class LimitedRequest extends HttpServletRequestWrapper {

        private final long limit;
        private ServletInputStream stream;

        LimitedRequest(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new LimitedInputStream(super.getInputStream(), limit);
            }
            return stream;
        }
    }

    /** Counts bytes read and throws past the limit. */
    private static final class LimitedInputStream extends ServletInputStream {

        private final ServletInputStream delegate;
        private final long limit;
        private long read;

        LimitedInputStream(ServletInputStream delegate, long limit) {
            this.delegate = delegate;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = delegate.read();
            if (b != -1) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = delegate.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > limit) {
                throw new RequestBodyTooLargeException(limit);
            }
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
