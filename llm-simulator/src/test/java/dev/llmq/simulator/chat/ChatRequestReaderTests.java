package dev.llmq.simulator.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.llmq.simulator.error.OpenAiApiException;
import java.nio.charset.StandardCharsets;
import org.assertj.core.api.ThrowableAssertAlternative;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/** Parsing and OpenAI-style validation of chat completion request bodies. */
class ChatRequestReaderTests {

    private final ChatRequestReader reader =
            new ChatRequestReader(JsonMapper.builder().build());

    @Test
    void readsModelMessagesAndStreamingOptions() {
        ChatRequest request = read("""
                {"model":"gpt-4o","messages":[{"role":"user","content":"hello there"}],
                 "stream":true,"stream_options":{"include_usage":true},"n":3,"temperature":0.7}""");

        assertThat(request.model()).isEqualTo("gpt-4o");
        assertThat(request.messages()).containsExactly(new ChatMessage("user", "hello there"));
        assertThat(request.stream()).isTrue();
        assertThat(request.includeUsage()).isTrue();
        assertThat(request.maxTokens()).isNull();
    }

    @Test
    void joinsTheTextPartsOfArrayContentAndIgnoresOtherParts() {
        ChatRequest request = read("""
                {"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"one"},
                 {"type":"image_url","image_url":{"url":"http://x"}},{"type":"text","text":"two"}]}]}""");

        assertThat(request.lastUserMessage()).isEqualTo("one\ntwo");
    }

    @Test
    void prefersMaxCompletionTokensOverMaxTokens() {
        ChatRequest request = read("""
                {"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":9,"max_completion_tokens":4}""");

        assertThat(request.maxTokens()).isEqualTo(4L);
    }

    @Test
    void treatsNullOptionalFieldsAsAbsent() {
        ChatRequest request = read("""
                {"model":"m","messages":[{"role":"assistant","content":null}],"max_tokens":null,
                 "stream":null,"stream_options":null,"temperature":null}""");

        assertThat(request.messages()).containsExactly(new ChatMessage("assistant", ""));
        assertThat(request.stream()).isFalse();
    }

    @Test
    void rejectsMalformedJson() {
        assertRejected("{\"model\":").withMessageContaining("could not parse the JSON body");
        assertRejected("").withMessageContaining("could not parse the JSON body");
        assertRejected("[]").withMessageContaining("could not parse the JSON body");
    }

    @Test
    void rejectsAMissingModelOrMessages() {
        assertRejected("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .withMessage("Missing required parameter: 'model'.");
        assertRejected("{\"model\":\"m\"}").withMessage("Missing required parameter: 'messages'.");
    }

    @Test
    void rejectsEmptyMessagesAndUnknownRoles() {
        assertRejected("{\"model\":\"m\",\"messages\":[]}").withMessageContaining("empty array");
        assertRejected("{\"model\":\"m\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}")
                .withMessageStartingWith("Invalid value: 'robot'.");
        assertRejected("{\"model\":\"m\",\"messages\":[{\"content\":\"x\"}]}")
                .withMessage("Missing required parameter: 'messages[0].role'.");
    }

    @Test
    void rejectsWrongTypesAndOutOfRangeNumbers() {
        assertRejected("{\"model\":7,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .withMessage("Invalid type for 'model': expected a string, but got an integer instead.");
        assertRejected("{\"model\":\"m\",\"messages\":\"hi\"}")
                .withMessage("Invalid type for 'messages': expected an array of objects, but got a string instead.");
        assertRejected("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":0}")
                .withMessageContaining("Expected a value >= 1, but got 0 instead.");
        assertRejected("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":3}")
                .withMessageContaining("Expected a value <= 2");
    }

    @Test
    void rejectsStreamOptionsWithoutStreaming() {
        assertRejected("""
                {"model":"m","messages":[{"role":"user","content":"x"}],"stream_options":{"include_usage":true}}""").withMessageContaining("only allowed when 'stream' is enabled");
    }

    @Test
    void namesTheOffendingNestedParameterWithStatus400() {
        OpenAiApiException ex = catchThrowableOfType(
                OpenAiApiException.class,
                () -> read("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":5}]}"));

        assertThat(ex.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(ex.getMessage())
                .isEqualTo("Invalid type for 'messages[0].content': expected one of a string or array of objects,"
                        + " but got an integer instead.");
    }

    private ChatRequest read(String json) {
        return reader.read(json.getBytes(StandardCharsets.UTF_8));
    }

    private ThrowableAssertAlternative<OpenAiApiException> assertRejected(String json) {
        return assertThatExceptionOfType(OpenAiApiException.class).isThrownBy(() -> read(json));
    }
}
