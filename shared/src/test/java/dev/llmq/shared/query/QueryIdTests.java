package dev.llmq.shared.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueryIdTests {

    @ParameterizedTest
    @ValueSource(strings = {"1", "42", "999999999999999999"})
    void parsesPositiveDecimalIds(String text) {
        assertThat(QueryId.parse(text).toString()).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "-1", "+1", "abc", "1e3", " 1", "99999999999999999999", "1;DEL x", "１"})
    void rejectsAnythingElseNamingTheValue(String text) {
        assertThatThrownBy(() -> QueryId.parse(text))
                .isInstanceOf(InvalidQueryIdException.class)
                .hasMessageContaining("'" + text + "'");
    }
}
