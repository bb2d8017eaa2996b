package dev.llmq.shared.query;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryRequestTests {

    private static final List<ChatMessage> HI = List.of(new ChatMessage(ChatMessage.Role.USER, "hi"));

    @Test
    void rejectsConversationsAWorkerCouldNotSend() {
        assertThatThrownBy(() -> new QueryRequest(List.of(), null, GenerationOptions.DEFAULTS))
                .isInstanceOf(InvalidQueryException.class)
                .hasMessageContaining("'messages'");
        assertThatThrownBy(() -> new QueryRequest(
                        List.of(new ChatMessage(ChatMessage.Role.SYSTEM, "rules only")),
                        null,
                        GenerationOptions.DEFAULTS))
                .hasMessageContaining("a user message");
        assertThatThrownBy(() -> new ChatMessage(ChatMessage.Role.USER, " ")).hasMessageContaining("non-blank");
        assertThatThrownBy(() -> ChatMessage.Role.fromWireName("tool")).hasMessageContaining("'role'");
        assertThatThrownBy(() -> new QueryRequest(HI, "bad model name!", GenerationOptions.DEFAULTS))
                .hasMessageContaining("'model'");
    }

    @Test
    void rejectsOptionsOutsideOpenAisRanges() {
        assertThatThrownBy(() -> new GenerationOptions(0, null, null, List.of(), null, null))
                .hasMessageContaining("'max_tokens'");
        assertThatThrownBy(() -> new GenerationOptions(null, 2.5, null, List.of(), null, null))
                .hasMessageContaining("'temperature'");
        assertThatThrownBy(() -> new GenerationOptions(null, Double.NaN, null, List.of(), null, null))
                .hasMessageContaining("'temperature'");
        assertThatThrownBy(() -> new GenerationOptions(null, null, 0.0, List.of(), null, null))
                .hasMessageContaining("'top_p'");
        assertThatThrownBy(() -> new GenerationOptions(null, null, null, List.of("a", "b", "c", "d", "e"), null, null))
                .hasMessageContaining("'stop'");
        assertThatThrownBy(() -> GenerationOptions.ResponseFormat.fromWireName("xml"))
                .hasMessageContaining("'response_format.type'");
    }

    @Test
    void rejectsANullStopSequenceAsInvalidRatherThanFailingOnIt() {
        // found by BatchInputFuzzTests: "stop": [null] in a batch line or a POST /query body made a 500
        List<String> stop = new ArrayList<>();
        stop.add(null);

        assertThatThrownBy(() -> new GenerationOptions(null, null, null, stop, null, null))
                .isInstanceOf(InvalidQueryException.class)
                .hasMessageContaining("'stop'");
    }
}
