package dev.llmq.api.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

/** Reading the Authorization header: one bearer token or a reason why not, never the token in a message. */
class CredentialsTests {

    @Test
    void noHeaderIsNoCredentials() {
        assertThat(Credentials.of(new MockHttpServletRequest())).isEqualTo(new Credentials.None());
    }

    @Test
    void aBearerTokenIsReadWhateverTheSchemesCase() {
        assertThat(Credentials.of(withAuthorization("Bearer abc"))).isEqualTo(new Credentials.Bearer("abc"));
        assertThat(Credentials.of(withAuthorization("bearer  abc "))).isEqualTo(new Credentials.Bearer("abc"));
    }

    @Test
    void otherSchemesEmptyTokensSpacesAndTwoHeadersAreMalformed() {
        for (String header : new String[] {"Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer a b", "abc", ""}) {
            assertThat(Credentials.of(withAuthorization(header))).isInstanceOf(Credentials.Malformed.class);
        }
        MockHttpServletRequest twice = withAuthorization("Bearer a");
        twice.addHeader("Authorization", "Bearer b");
        assertThat(Credentials.of(twice)).isInstanceOf(Credentials.Malformed.class);
    }

    @Test
    void aHugeHeaderIsMalformedWithoutBeingEchoed() {
        String huge = "Bearer " + "x".repeat(10_000);

        Credentials credentials = Credentials.of(withAuthorization(huge));

        assertThat(credentials).isInstanceOf(Credentials.Malformed.class);
        assertThat(((Credentials.Malformed) credentials).reason()).hasSizeLessThan(100);
    }

    @Test
    void aBearerNeverShowsItsTokenAsText() {
        assertThat(new Credentials.Bearer("llmq_secret")).asString().doesNotContain("secret");
    }

    @Test
    void generatedKeysLookLikeKeysAndAreDifferentEachTime() {
        String key = KeySecrets.newKey();

        assertThat(KeySecrets.looksLikeKey(key)).isTrue();
        assertThat(key).startsWith("llmq_").hasSize(48).isNotEqualTo(KeySecrets.newKey());
        assertThat(KeySecrets.digest(key)).matches("[0-9a-f]{64}");
        assertThat(KeySecrets.looksLikeKey("../../x")).isFalse();
    }

    private static MockHttpServletRequest withAuthorization(String value) {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.addHeader("Authorization", value);
        return request;
    }
}
