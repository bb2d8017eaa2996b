package dev.llmq.simulator.chat;

import dev.llmq.simulator.connection.ClientConnection;
import dev.llmq.simulator.error.OpenAiApiException;
import dev.llmq.simulator.fault.Fault;
import dev.llmq.simulator.fault.FaultPlan;
import dev.llmq.simulator.fault.InvalidFaultException;
import dev.llmq.simulator.fault.RequestedFault;
import dev.llmq.simulator.limit.AccountLimiter;
import dev.llmq.simulator.limit.Admission;
import dev.llmq.simulator.model.ModelCatalog;
import dev.llmq.simulator.requestlog.LoggedRequest;
import dev.llmq.simulator.requestlog.RequestLog;
import dev.llmq.simulator.requestlog.RequestRecord;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * OpenAI's {@code POST /v1/chat/completions}: logs the request, validates it, admits it against the account-wide
 * limits, picks its fault (its own, else the run-wide rules') and has it answered. Any {@code Authorization} header
 * is accepted.
 */
@RestController
class ChatCompletionsController {

    private final ChatRequestReader reader;
    private final ModelCatalog models;
    private final RequestLog requestLog;
    private final AccountLimiter limiter;
    private final FaultPlan faultPlan;
    private final Replies replies;

    ChatCompletionsController(
            ChatRequestReader reader,
            ModelCatalog models,
            RequestLog requestLog,
            AccountLimiter limiter,
            FaultPlan faultPlan,
            Replies replies) {
        this.reader = reader;
        this.models = models;
        this.requestLog = requestLog;
        this.limiter = limiter;
        this.faultPlan = faultPlan;
        this.replies = replies;
    }

    /** Replies with a {@code chat.completion}, a stream of chunks, or an error, writing the response itself. */
    @PostMapping("/v1/chat/completions")
    void create(
            @RequestBody(required = false) byte @Nullable [] body,
            @RequestHeader(name = RequestedFault.HEADER, required = false) @Nullable String faultHeader,
            HttpServletRequest servletRequest,
            HttpServletResponse response) {
        RequestRecord record = requestLog.arrive();
        ChatRequest request = accept(body, record);
        Fault requestedFault = requestedFault(faultHeader, request, record);
        Completion completion =
                Completion.simulate(request, newId(), Instant.now().getEpochSecond());
        Admission admission =
                limiter.admit(request.tokenCost(completion.tokens().size()));
        Admission.Rejection rejection = admission.rejection();
        if (rejection != null) {
            record.answer(LoggedRequest.RATE_LIMITED, null, 429);
            record.complete();
            throw ChatErrors.rateLimited(request.model(), rejection, admission.state(), limiter.limits());
        }
        Future<?> released = faultPlan.nextRelease();
        Fault fault = requestedFault != null ? requestedFault : faultPlan.next();
        replies.send(
                new Exchange(
                        request,
                        completion,
                        ClientConnection.of(servletRequest),
                        response,
                        record,
                        admission.state(),
                        released),
                fault);
    }

    private ChatRequest accept(byte @Nullable [] body, RequestRecord record) {
        try {
            ChatRequest request = reader.read(body);
            record.describe(request.model(), request.lastUserMessage(), request.stream());
            models.requireKnown(request.model());
            return request;
        } catch (OpenAiApiException ex) {
            throw rejected(record, ex);
        }
    }

    private static @Nullable Fault requestedFault(@Nullable String header, ChatRequest request, RequestRecord record) {
        try {
            return RequestedFault.of(header, request.lastUserMessage());
        } catch (InvalidFaultException ex) {
            throw rejected(record, OpenAiApiException.invalidRequest(ex.getMessage(), null, "invalid_simulator_fault"));
        }
    }

    private static OpenAiApiException rejected(RequestRecord record, OpenAiApiException ex) {
        record.answer(LoggedRequest.REJECTED, null, ex.status().value());
        record.complete();
        return ex;
    }

    private static String newId() {
        return "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
    }
}
