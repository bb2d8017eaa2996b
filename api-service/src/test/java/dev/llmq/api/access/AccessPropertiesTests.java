package dev.llmq.api.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The access settings pick the mode, refuse weak admin keys without echoing them, and never print the key. */
class AccessPropertiesTests {

    @Test
    void theModeFollowsTheAdminKeyAndProtectedMode() {
        assertThat(new AccessProperties(null, true, 600, 100).mode()).isEqualTo(AccessMode.LOOPBACK_ONLY);
        assertThat(new AccessProperties("  ", true, 600, 100).mode()).isEqualTo(AccessMode.LOOPBACK_ONLY);
        assertThat(new AccessProperties(null, false, 600, 100).mode()).isEqualTo(AccessMode.OPEN);
        assertThat(new AccessProperties("a-long-enough-admin-key-0123", false, 600, 100).mode())
                .isEqualTo(AccessMode.KEYS_REQUIRED);
    }

    @Test
    void aShortOrSpacedAdminKeyIsRefusedWithoutBeingEchoed() {
        for (String weak : new String[] {"short-secret", "a long admin key with spaces 0123"}) {
            assertThatThrownBy(() -> new AccessProperties(weak, true, 600, 100))
                    .hasMessageContaining("LLMQ_API_ADMIN_KEY")
                    .hasMessageNotContaining(weak);
        }
    }

    @Test
    void negativeOrHugeDefaultLimitsAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> new AccessProperties(null, true, -1, 100))
                .hasMessageContaining("LLMQ_API_TENANT_REQUESTS_PER_MINUTE");
        assertThatThrownBy(() -> new AccessProperties(null, true, 600, 2_000_000))
                .hasMessageContaining("max_in_flight");
    }

    @Test
    void theAdminKeyNeverAppearsInTheSettingsText() {
        assertThat(new AccessProperties("a-long-enough-admin-key-0123", true, 600, 100))
                .asString()
                .doesNotContain("a-long-enough-admin-key-0123");
    }
}
