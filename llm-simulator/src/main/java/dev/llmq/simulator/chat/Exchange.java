package dev.llmq.simulator.chat;

import dev.llmq.simulator.connection.ClientConnection;
import dev.llmq.simulator.limit.RateLimitState;
import dev.llmq.simulator.requestlog.RequestRecord;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.Future;

/**
 * One admitted chat completion request on its way to the client: what was asked, the answer, where it goes, its
 * request log entry, the rate limit state its headers report, and the removal of the fault rules that releases it
 * from a {@code hold}.
 */
record Exchange(
        ChatRequest request,
        Completion completion,
        ClientConnection connection,
        HttpServletResponse response,
        RequestRecord record,
        RateLimitState limits,
        Future<?> released) {}
