package dev.llmq.worker.llm;

import com.openai.models.chat.completions.ChatCompletionChunk;
import dev.llmq.shared.query.QueryError;
import dev.llmq.shared.query.Usage;
import java.time.Duration;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * An answer being streamed: its text so far, the model, usage once reported, when the first token came, and whether
 * the provider said it finished (a stream that ends without that was cut).
 */
final class StreamedAnswer {

    private final StringBuilder text = new StringBuilder();
    private final long startedNanos;
    private String model;
    private Usage usage = Usage.NONE;
    private @Nullable Duration firstToken;
    private boolean finished;

    private final Runnable onFirstToken;
    private final Consumer<String> onText;

    /** {@code onFirstToken} runs once, when the first piece of text arrives, before {@code onText} is given it. */
    StreamedAnswer(String requestedModel, long startedNanos, Runnable onFirstToken, Consumer<String> onText) {
        this.model = requestedModel;
        this.startedNanos = startedNanos;
        this.onFirstToken = onFirstToken;
        this.onText = onText;
    }

    void add(ChatCompletionChunk chunk) {
        if (!chunk.model().isBlank()) {
            model = chunk.model();
        }
        chunk.usage().ifPresent(reported -> usage = new Usage(reported.promptTokens(), reported.completionTokens()));
        for (ChatCompletionChunk.Choice choice : chunk.choices()) {
            choice.delta().content().filter(content -> !content.isEmpty()).ifPresent(content -> {
                if (firstToken == null) {
                    firstToken = Duration.ofNanos(System.nanoTime() - startedNanos);
                    onFirstToken.run();
                }
                text.append(content);
                onText.accept(content);
            });
            if (choice.finishReason().isPresent()) {
                finished = true;
            }
        }
    }

    /** A failure while streaming: a broken connection after the answer began is a cut stream. */
    LlmCallException failure(RuntimeException ex) {
        LlmCallException classified = LlmFailures.classify(ex);
        if (firstToken != null && classified.error().code().equals(LlmFailures.UNREACHABLE)) {
            return new LlmCallException(
                    new QueryError(
                            LlmFailures.STREAM_CUT,
                            "the LLM provider's stream broke off after " + text.length() + " characters"),
                    true,
                    ex);
        }
        return classified;
    }

    /** The answer, or why the stream does not hold one. */
    LlmAnswer complete() {
        if (!finished) {
            throw new LlmCallException(
                    new QueryError(
                            LlmFailures.STREAM_CUT, "the LLM provider's stream ended before the answer was complete"),
                    true,
                    null);
        }
        if (text.isEmpty()) {
            throw new LlmCallException(
                    new QueryError(LlmFailures.EMPTY_ANSWER, "the LLM provider returned no answer text"), false, null);
        }
        return new LlmAnswer(text.toString(), model, usage, firstToken);
    }
}
