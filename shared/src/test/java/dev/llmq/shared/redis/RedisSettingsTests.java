package dev.llmq.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisSettingsTests {

    private static RedisSettings parse(String url) {
        return RedisSettings.fromUrl(url, Duration.ofSeconds(1), 8, "test");
    }

    @Test
    void readsHostPortPasswordAndDatabase() {
        RedisSettings settings = parse("redis://:s%40cret@redis.internal:6380/2");

        assertThat(settings.topology())
                .isEqualTo(new RedisTopology.SingleServer(new RedisAddress("redis.internal", 6380), 2));
        assertThat(settings.password()).isEqualTo("s@cret");
        assertThat(settings.username()).isNull();
        assertThat(settings.tls()).isFalse();
    }

    @Test
    void tlsSchemeAndDefaults() {
        RedisSettings settings = parse("rediss://user:pw@cache.example.com");

        assertThat(settings.tls()).isTrue();
        assertThat(settings.topology())
                .isEqualTo(new RedisTopology.SingleServer(new RedisAddress("cache.example.com", 6379), 0));
        assertThat(settings.username()).isEqualTo("user");
    }

    @Test
    void neverShowsThePassword() {
        assertThat(parse("redis://:topsecret@localhost:6379").toString())
                .doesNotContain("topsecret")
                .isEqualTo("redis://:***@localhost:6379/0");
    }

    @Test
    void rejectsUnusableUrlsSayingWhatToSet() {
        assertThatThrownBy(() -> parse("http://localhost:6379"))
                .isInstanceOf(InvalidRedisUrlException.class)
                .hasMessageContaining("REDIS_URL");
        assertThatThrownBy(() -> parse("redis://localhost:6379/x")).isInstanceOf(InvalidRedisUrlException.class);
        assertThatThrownBy(() -> parse("redis://:pw@/")).hasMessageNotContaining("pw");
    }
}
