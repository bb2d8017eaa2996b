package dev.llmq.api.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llmq.shared.testing.RedisServerExtension;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Without an admin key llmq is secure by default: loopback clients are served as tenant {@code local}, clients from
 * other addresses are refused with 403 saying how to configure keys, unless protected mode is turned off.
 */
@ExtendWith(OutputCaptureExtension.class)
class ProtectedModeIT {

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    private static Replica protectedReplica;
    private static Replica openReplica;

    @BeforeAll
    static void start() {
        protectedReplica = Replica.start(server.redis().url());
        openReplica = Replica.start(server.redis().url(), "llmq.api.protected-mode=false");
    }

    @AfterAll
    static void stop() {
        if (protectedReplica != null) {
            protectedReplica.close();
        }
        if (openReplica != null) {
            openReplica.close();
        }
    }

    @Test
    void loopbackClientsWithoutKeyAreServedAsTheLocalTenant() {
        AccessClient local = protectedReplica.client();

        HttpResponse<String> posted = local.postQuery(null, "hi");
        assertThat(posted.statusCode()).isEqualTo(200);
        long id = AccessClient.idOf(posted);
        assertThat(local.get("/result?id=" + id + "&wait=0s", null).statusCode())
                .isEqualTo(202);
        assertThat(openReplica
                        .client()
                        .get("/result?id=" + id + "&wait=0s", null)
                        .statusCode())
                .isEqualTo(202);
    }

    @Test
    void aClientFromANonLoopbackAddressIsRefusedWithHowToConfigureKeys() {
        String address = nonLoopbackAddress().orElse(null);
        assumeTrue(address != null, "this machine has no non-loopback IPv4 address");

        HttpResponse<String> refused = new AccessClient(address, protectedReplica.port()).postQuery(null, "hi");

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.body()).contains("protected mode", "LLMQ_API_ADMIN_KEY", "POST /admin/keys");
        assertThat(new AccessClient(address, protectedReplica.port())
                        .get("/actuator/health", null)
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void withProtectedModeOffANonLoopbackClientIsServedAsLocal() {
        String address = nonLoopbackAddress().orElse(null);
        assumeTrue(address != null, "this machine has no non-loopback IPv4 address");

        assertThat(new AccessClient(address, openReplica.port())
                        .postQuery(null, "hi")
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void anOfferedKeyIsCheckedEvenWhereNoneIsNeeded() {
        for (Replica replica : new Replica[] {protectedReplica, openReplica}) {
            HttpResponse<String> refused = replica.client().postQuery("llmq_" + "A".repeat(43), "hi");
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate")).isPresent();
        }
    }

    @Test
    void anSdkPlaceholderTokenCountsAsNoKey() {
        assertThat(protectedReplica.client().postQuery("sk-placeholder", "hi").statusCode())
                .isEqualTo(200);
        String address = nonLoopbackAddress().orElse(null);
        assumeTrue(address != null, "this machine has no non-loopback IPv4 address");
        assertThat(new AccessClient(address, protectedReplica.port())
                        .postQuery("sk-placeholder", "hi")
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void adminEndpointsAreForbiddenUntilAnAdminKeyIsSet() {
        HttpResponse<String> refused = protectedReplica.client().get("/admin/keys", "anything-at-all-0123456789");

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("set LLMQ_API_ADMIN_KEY");
        assertThat(openReplica
                        .client()
                        .post("/admin/keys", null, "{\"tenant\":\"t\",\"name\":\"n\"}")
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void startupSaysInOneLineWhoIsServed(CapturedOutput output) {
        assertThat(output.getAll())
                .contains("WARN")
                .contains("llmq is running in protected mode because no API keys are configured")
                .contains("PROTECTED MODE IS OFF (LLMQ_API_PROTECTED_MODE=false)");
    }

    /** The first IPv4 address of an interface that is up and not loopback, as clients on the network would come. */
    private static Optional<String> nonLoopbackAddress() {
        try {
            return NetworkInterface.networkInterfaces()
                    .filter(ProtectedModeIT::usable)
                    .flatMap(NetworkInterface::inetAddresses)
                    .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
                    .map(InetAddress::getHostAddress)
                    .findFirst();
        } catch (SocketException ex) {
            return Optional.empty();
        }
    }

    private static boolean usable(NetworkInterface network) {
        try {
            return network.isUp() && !network.isLoopback();
        } catch (SocketException ex) {
            return false;
        }
    }
}
