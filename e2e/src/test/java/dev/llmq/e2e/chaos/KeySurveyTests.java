package dev.llmq.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeySurveyTests {

    @Test
    void keysWithoutTtlAreBoundedOnlyIfKnownAndQueuesAreEmptyOnceDrained() {
        List<KeySurvey.Key> keys = List.of(
                new KeySurvey.Key("query_result_1", "", 86_400_000, 0),
                new KeySurvey.Key("llmq:query-ids", "string", -1, 1),
                new KeySurvey.Key("{llmq}:queries", "stream", -1, 0),
                new KeySurvey.Key("{llmq}:queries:low", "stream", -1, 3),
                new KeySurvey.Key("{llmq}:dead-letters", "stream", -1, 40),
                new KeySurvey.Key("llmq:something-new", "zset", -1, 7));

        assertThat(KeySurvey.unbounded(keys))
                .containsExactly(
                        "{llmq}:queries:low still holds 3 entries after the run drained",
                        "llmq:something-new (zset, 7) has no TTL");
    }
}
