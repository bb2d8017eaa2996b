package dev.llmq.simulator.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.llmq.simulator.SimulatorProperties;
import dev.llmq.simulator.connection.ClientConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The order of pauses and server-sent events in a streamed reply, with its faults, without real time. */
class ChatStreamWriterTests {

    private static final Duration TIME_TO_FIRST_TOKEN = Duration.ofMillis(200);
    private static final Duration PER_TOKEN_DELAY = Duration.ofMillis(20);

    private final JsonMapper json = JsonMapper.builder().build();
    private final List<String> timeline = new ArrayList<>();
    private final ChatStreamWriter writer =
            new ChatStreamWriter(json, (duration, connection) -> timeline.add("pause " + duration.toMillis()));
    private final Pace pace = Pace.of(new SimulatorProperties(TIME_TO_FIRST_TOKEN, PER_TOKEN_DELAY, List.of("m")));
    private final RecordingConnection connection = new RecordingConnection();
    private int tokensSent;

    @Test
    void sendsHeadersThenWaitsTheTimeToFirstTokenThenPacesOneChunkPerToken() throws IOException {
        write(completion(null), false, pace, new RecordingStream());

        assertThat(tokensSent).isEqualTo(4);
        assertThat(timeline)
                .containsExactly(
                        "flush",
                        "pause 200",
                        "chunk Simulated",
                        "pause 20",
                        "chunk  answer",
                        "pause 20",
                        "chunk  to:",
                        "pause 20",
                        "chunk  hi",
                        "chunk finish_reason=stop",
                        "chunk [DONE]");
    }

    @Test
    void putsTheRoleOnTheFirstChunkOnly() throws IOException {
        List<JsonNode> chunks = chunks(completion(null), false);

        assertThat(chunks.getFirst().at("/choices/0/delta/role").stringValue()).isEqualTo("assistant");
        assertThat(chunks.get(1).at("/choices/0/delta").has("role")).isFalse();
        assertThat(chunks.getFirst().get("object").stringValue()).isEqualTo("chat.completion.chunk");
        assertThat(chunks.getFirst().at("/choices/0/finish_reason").isNull()).isTrue();
    }

    @Test
    void endsWithAnEmptyDeltaCarryingTheFinishReason() throws IOException {
        List<JsonNode> chunks = chunks(completion(2L), false);

        JsonNode last = chunks.getLast();
        assertThat(chunks).hasSize(3);
        assertThat(last.at("/choices/0/delta").isEmpty()).isTrue();
        assertThat(last.at("/choices/0/finish_reason").stringValue()).isEqualTo("length");
        assertThat(last.has("usage")).isFalse();
    }

    @Test
    void addsAUsageChunkWithoutChoicesOnlyWhenAskedFor() throws IOException {
        List<JsonNode> chunks = chunks(completion(null), true);

        JsonNode usage = chunks.getLast();
        assertThat(usage.get("choices").isEmpty()).isTrue();
        assertThat(usage.at("/usage/prompt_tokens").intValue()).isEqualTo(1);
        assertThat(usage.at("/usage/completion_tokens").intValue()).isEqualTo(4);
        assertThat(usage.at("/usage/total_tokens").intValue()).isEqualTo(5);
    }

    @Test
    void stallsAfterTheGivenTokensThenGoesOn() throws IOException {
        write(completion(null), false, pace.stallingAfter(2, Duration.ofSeconds(3)), new RecordingStream());

        assertThat(timeline)
                .containsSubsequence("chunk  answer", "pause 3000", "pause 20", "chunk  to:")
                .last()
                .isEqualTo("chunk [DONE]");
    }

    @Test
    void cutsTheConnectionAfterTheGivenTokensWithoutFinishOrDone() throws IOException {
        write(completion(null), true, pace.cuttingAfter(2), new RecordingStream());

        assertThat(tokensSent).isEqualTo(2);
        assertThat(timeline)
                .containsExactly("flush", "pause 200", "chunk Simulated", "pause 20", "chunk  answer", "abort");
    }

    @Test
    void interruptsAtTheEndWhenTheAnswerIsShorterThanTheTokenCount() throws IOException {
        write(completion(null), false, pace.cuttingAfter(99), new RecordingStream());

        assertThat(timeline).endsWith("chunk  hi", "abort");
    }

    @Test
    void pacesBySlowStreamDelay() throws IOException {
        write(completion(2L), false, pace.withPerTokenDelay(Duration.ofMillis(500)), new RecordingStream());

        assertThat(timeline).containsSubsequence("chunk Simulated", "pause 500", "chunk  answer");
    }

    @Test
    void writesAnEventThatIsNotJsonForMalformedJson() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.writeMalformed(completion(null), pace, connection, out);

        List<String> events = List.of(out.toString(StandardCharsets.UTF_8).split("\n\n"));
        assertThat(events).hasSize(2).last().isEqualTo("data: [DONE]");
        assertThat(events.getFirst()).startsWith("data: {");
        assertThatExceptionOfType(JacksonException.class)
                .isThrownBy(() -> json.readTree(events.getFirst().substring("data: ".length())));
    }

    private void write(Completion completion, boolean includeUsage, Pace pace, OutputStream out) throws IOException {
        writer.write(completion, includeUsage, pace, connection, out, () -> tokensSent++);
    }

    private List<JsonNode> chunks(Completion completion, boolean includeUsage) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(completion, includeUsage, pace, out);
        String[] events = out.toString(StandardCharsets.UTF_8).split("\n\n");
        assertThat(List.of(events))
                .allMatch(event -> event.startsWith("data: "))
                .last()
                .isEqualTo("data: [DONE]");
        List<JsonNode> chunks = new ArrayList<>();
        for (int i = 0; i < events.length - 1; i++) {
            chunks.add(json.readTree(events[i].substring("data: ".length())));
        }
        return chunks;
    }

    private static Completion completion(@Nullable Long maxTokens) {
        ChatRequest request = new ChatRequest("m", List.of(new ChatMessage("user", "hi")), maxTokens, true, false);
        return Completion.simulate(request, "chatcmpl-1", 1);
    }

    /** A connection that never closes and notes its abort on the timeline. */
    private final class RecordingConnection implements ClientConnection {

        @Override
        public boolean isClosedByClient() {
            return false;
        }

        @Override
        public void abort() {
            timeline.add("abort");
        }
    }

    /** Records each flushed server-sent event (or a bare flush) on the timeline, as a client would see it. */
    private final class RecordingStream extends OutputStream {

        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        @Override
        public void write(int b) {
            pending.write(b);
        }

        @Override
        public void flush() {
            String data = pending.toString(StandardCharsets.UTF_8);
            pending.reset();
            timeline.add(data.isEmpty() ? "flush" : describe(data));
        }

        private String describe(String event) {
            String payload = event.strip().substring("data: ".length());
            if (payload.equals("[DONE]")) {
                return "chunk [DONE]";
            }
            JsonNode choice = json.readTree(payload).at("/choices/0");
            JsonNode finish = choice.get("finish_reason");
            return finish.isNull()
                    ? "chunk " + choice.at("/delta/content").stringValue()
                    : "chunk finish_reason=" + finish.stringValue();
        }
    }
}
