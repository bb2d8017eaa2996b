package dev.llmq.api.query;

import dev.llmq.api.access.Caller;
import dev.llmq.shared.query.ProtocolJson;
import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryRequest;
import dev.llmq.shared.query.Submission;
import dev.llmq.shared.redis.QueryQueue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Submits validated queries for a caller, once per {@code Idempotency-Key}: a repeat of the same request within the
 * window gets the first one's id; the same key with another request is refused.
 */
@Component
class SubmittedQueries {

    /** Printable ASCII without spaces at the ends, as Stripe and the IETF idempotency-key draft allow. */
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]([\\x20-\\x7e]{0,253}[\\x21-\\x7e])?");

    private final QueryQueue queue;
    private final ApiProperties properties;

    SubmittedQueries(QueryQueue queue, ApiProperties properties) {
        this.queue = queue;
        this.properties = properties;
    }

    /** What a submission returns: the query's id, and whether it was created now or by an earlier identical call. */
    record Accepted(QueryId id, boolean replayed) {}

    Accepted submit(QueryRequest request, Submission submission, Caller caller, @Nullable String idempotencyKey) {
        if (idempotencyKey == null) {
            return new Accepted(
                    queue.submit(request, submission, caller.maxInFlight()).id(), false);
        }
        if (!KEY.matcher(idempotencyKey).matches()) {
            throw new InvalidQueryRequestException(
                    "'Idempotency-Key' must be 1-255 printable ASCII characters, not starting or ending with a space");
        }
        var result = queue.submitOnce(
                request,
                submission,
                caller.maxInFlight(),
                sha256(idempotencyKey),
                fingerprint(request, submission),
                properties.idempotencyWindow());
        return switch (result) {
            case QueryQueue.IdempotentSubmission.Created created ->
                new Accepted(created.query().id(), false);
            case QueryQueue.IdempotentSubmission.Repeated repeated -> new Accepted(repeated.id(), true);
            case QueryQueue.IdempotentSubmission.Mismatch mismatch -> throw new IdempotencyKeyReusedException();
        };
    }

    /** The request as the queue would carry it, with everything that differs between two calls fixed. */
    private static String fingerprint(QueryRequest request, Submission submission) {
        return sha256(ProtocolJson.encode(Query.submitted(new QueryId(1), request, Instant.EPOCH, submission)));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("every JVM has SHA-256", ex);
        }
    }
}
