package dev.llmq.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the one-command run reads from its environment. */
class StandaloneSettingsTests {

    @Test
    void everythingHasADefaultSoTheRunNeedsNoVariables() {
        StandaloneSettings settings = StandaloneSettings.from(Map.of());

        assertThat(settings.redisUrl()).isNull();
        assertThat(settings.redisMode()).isEqualTo("auto");
        assertThat(settings.embeddedRedisPort()).isEqualTo(6379);
        assertThat(settings.dataDir()).isEqualTo(Path.of(".llmq"));
        assertThat(settings.openAiApiKey()).isNull();
        assertThat(settings.openAiBaseUrl()).isNull();
        assertThat(settings.port()).isEqualTo(8080);
        assertThat(settings.logFormat()).isEqualTo("text");
        assertThat(settings.simulated()).isTrue();
    }

    @Test
    void readsEveryVariableItDocuments() {
        StandaloneSettings settings = StandaloneSettings.from(Map.of(
                "REDIS_URL", "redis://redis.internal:6380",
                "LLMQ_STANDALONE_REDIS", "embedded",
                "LLMQ_STANDALONE_REDIS_PORT", "16379",
                "LLMQ_STANDALONE_DATA_DIR", "/var/lib/llmq",
                "OPENAI_API_KEY", "sk-test",
                "OPENAI_BASE_URL", "http://localhost:11434/v1",
                "PORT", "9090",
                "LLMQ_LOG_FORMAT", "json"));

        assertThat(settings)
                .isEqualTo(new StandaloneSettings(
                        "redis://redis.internal:6380",
                        "embedded",
                        16379,
                        Path.of("/var/lib/llmq"),
                        "sk-test",
                        "http://localhost:11434/v1",
                        9090,
                        false,
                        "json"));
    }

    @Test
    void sentinelOrClusterNodesMeanNoLocalOrEmbeddedRedis() {
        assertThat(StandaloneSettings.from(Map.of()).redisNodesSet()).isFalse();
        assertThat(StandaloneSettings.from(Map.of("LLMQ_REDIS_CLUSTER_NODES", "redis-0:6379"))
                        .redisNodesSet())
                .isTrue();
        assertThat(StandaloneSettings.from(Map.of("LLMQ_REDIS_SENTINEL_NODES", "sentinel-0:26379"))
                        .redisNodesSet())
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t"})
    void blankValuesCountAsUnset(String blank) {
        StandaloneSettings settings = StandaloneSettings.from(Map.of(
                "REDIS_URL", blank,
                "LLMQ_STANDALONE_REDIS_PORT", blank,
                "OPENAI_API_KEY", blank,
                "OPENAI_BASE_URL", blank,
                "PORT", blank,
                "LLMQ_LOG_FORMAT", blank));

        assertThat(settings).isEqualTo(StandaloneSettings.from(Map.of()));
        assertThat(settings.simulated()).isTrue();
    }

    @Test
    void aBlankRedisModeCountsAsUnset() {
        assertThat(StandaloneSettings.from(Map.of("LLMQ_STANDALONE_REDIS", "")).redisMode())
                .isEqualTo("auto");
    }

    @Test
    void aBlankDataDirCountsAsUnset() {
        assertThat(StandaloneSettings.from(Map.of("LLMQ_STANDALONE_DATA_DIR", ""))
                        .dataDir())
                .isEqualTo(Path.of(".llmq"));
    }

    @Test
    void anUnknownLogFormatIsRejectedNamingTheChoices() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> StandaloneSettings.from(Map.of("LLMQ_LOG_FORMAT", "xml")))
                .withMessage("LLMQ_LOG_FORMAT must be 'text', 'json', 'ecs' or 'logstash', not 'xml'");
    }

    @Test
    void portsMayHaveSpacesAround() {
        StandaloneSettings settings =
                StandaloneSettings.from(Map.of("PORT", " 9090 ", "LLMQ_STANDALONE_REDIS_PORT", "16379\n"));

        assertThat(settings.port()).isEqualTo(9090);
        assertThat(settings.embeddedRedisPort()).isEqualTo(16379);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PORT", "LLMQ_STANDALONE_REDIS_PORT"})
    void aPortThatIsNotANumberIsRejectedNamingTheVariableAndTheValue(String variable) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> StandaloneSettings.from(Map.of(variable, "80a")))
                .withMessage(variable + " must be a port number, not '80a'");
    }

    @Test
    void aPortBeyondTheIntRangeIsRejectedLikeAnyOtherNonNumber() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> StandaloneSettings.from(Map.of("PORT", "99999999999")))
                .withMessage("PORT must be a port number, not '99999999999'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PORT", "LLMQ_STANDALONE_REDIS_PORT"})
    void aNumberThatIsNoTcpPortIsRejectedNamingTheVariable(String variable) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> StandaloneSettings.from(Map.of(variable, "70000")))
                .withMessageContaining(variable);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> StandaloneSettings.from(Map.of(variable, "-1")))
                .withMessageContaining(variable);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "Embedded", " auto", "none"})
    void anUnknownRedisModeIsRejectedListingTheAllowedOnes(String mode) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> StandaloneSettings.from(Map.of("LLMQ_STANDALONE_REDIS", mode)))
                .withMessage("LLMQ_STANDALONE_REDIS must be 'auto' or 'embedded', not '" + mode + "'");
    }

    @Test
    void theEmbeddedModeIsAccepted() {
        assertThat(StandaloneSettings.from(Map.of("LLMQ_STANDALONE_REDIS", "embedded"))
                        .redisMode())
                .isEqualTo("embedded");
    }

    @Test
    void answersAreSimulatedOnlyWithoutAnApiKeyAndWithoutABaseUrl() {
        assertThat(StandaloneSettings.from(Map.of()).simulated()).isTrue();
        assertThat(StandaloneSettings.from(Map.of("OPENAI_API_KEY", "sk-test")).simulated())
                .isFalse();
        assertThat(StandaloneSettings.from(Map.of("OPENAI_BASE_URL", "http://localhost:11434/v1"))
                        .simulated())
                .isFalse();
        assertThat(StandaloneSettings.from(
                                Map.of("OPENAI_API_KEY", "sk-test", "OPENAI_BASE_URL", "http://localhost:11434/v1"))
                        .simulated())
                .isFalse();
    }

    @Test
    void aBlankApiKeyOrBaseUrlStillMeansSimulated() {
        assertThat(StandaloneSettings.from(Map.of("OPENAI_API_KEY", "  ", "OPENAI_BASE_URL", ""))
                        .simulated())
                .isTrue();
    }

    @Test
    void aRedisUrlIsKeptAsGiven() {
        assertThat(StandaloneSettings.from(Map.of("REDIS_URL", "rediss://user:secret@cache:6380/2"))
                        .redisUrl())
                .isEqualTo("rediss://user:secret@cache:6380/2");
    }
}
