package dev.todochatbot.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.todochatbot.platform.testing.Await;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A webhook over TLS, sent to the address its host was checked at: the certificate is verified against
 * the URL's host (not the address), the host goes in the server name indication and in {@code Host},
 * and a certificate the JVM does not trust, or one for another name, stops the request before it is
 * sent. The receiver's certificate is made for the run by the JDK's keytool.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookClientTest {

  private static final String RECEIVER = "receiver.webhook.test";
  private static final String PASSWORD = "a-password-for-a-test-certificate";
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  /** What reached the receiver: the name the client indicated, the Host header, the path. */
  record Seen(String serverName, String host, String uri) {}

  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private HttpServer receiver;
  private PemTrustOptions trustReceiver;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    Path keyStore = dir.resolve("receiver.p12");
    Path certificate = dir.resolve("receiver.pem");
    keytool(dir, "-genkeypair", "-alias", "receiver", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
        "-dname", "CN=" + RECEIVER, "-ext", "SAN=dns:" + RECEIVER, "-keystore", keyStore.toString(),
        "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
    keytool(dir, "-exportcert", "-rfc", "-alias", "receiver", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
        "-file", certificate.toString());
    trustReceiver = new PemTrustOptions().addCertValue(Buffer.buffer(Files.readAllBytes(certificate)));

    vertx = Vertx.vertx();
    receiver = Await.result(vertx.createHttpServer(new HttpServerOptions().setSsl(true).setSni(true)
            .setKeyCertOptions(new PfxOptions().setPath(keyStore.toString()).setPassword(PASSWORD)))
        .requestHandler(request -> request.body().onSuccess(body -> {
          seen.add(new Seen(request.connection().indicatedServerName(), request.getHeader("Host"), request.uri()));
          request.response().setStatusCode(202).end("taken");
        }))
        .listen(0, LOOPBACK.getHostAddress()));
  }

  @AfterAll
  void stop() {
    Await.result(vertx.close());
  }

  @Test
  void aReceiverIsCalledByItsNameAtThePinnedAddressAndItsCertificateCheckedForThatName() {
    var client = new WebhookClient(vertx, trustReceiver);
    String authority = RECEIVER + ":" + receiver.actualPort();

    WebhookClient.Answer answer = post(client, "https://" + authority + "/hooks/in?team=7");

    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.body().toString()).isEqualTo("taken");
    assertThat(seen).contains(new Seen(RECEIVER, authority, "/hooks/in?team=7"));
    Await.result(client.close());
  }

  @Test
  void aCertificateForAnotherNameIsRefusedBeforeAnythingIsSent() {
    var client = new WebhookClient(vertx, trustReceiver);
    int before = seen.size();

    assertThatThrownBy(() -> post(client, "https://other.webhook.test:" + receiver.actualPort() + "/in"))
        .hasMessageContaining("No subject alternative DNS name matching other.webhook.test");
    assertThat(seen).hasSize(before);
    Await.result(client.close());
  }

  @Test
  void aCertificateTheJvmDoesNotTrustIsRefusedBeforeAnythingIsSent() {
    var client = new WebhookClient(vertx);
    int before = seen.size();

    assertThatThrownBy(() -> post(client, "https://" + RECEIVER + ":" + receiver.actualPort() + "/in"))
        .hasMessageContaining("unable to find valid certification path");
    assertThat(seen).hasSize(before);
    Await.result(client.close());
  }

  private static WebhookClient.Answer post(WebhookClient client, String url) {
    return Await.result(client.post(url, LOOPBACK, MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json"),
        Buffer.buffer("{}"), Duration.ofSeconds(5)));
  }

  /** Runs the JDK's keytool, its output to a file (read once it ended, so that nothing waits without end). */
  private static void keytool(Path dir, String... arguments) throws IOException, InterruptedException {
    var command = new ArrayList<String>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    Path output = dir.resolve("keytool.log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    boolean ended = process.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      process.destroyForcibly();
    }
    assertThat(ended && process.exitValue() == 0).as("keytool %s: %s", arguments[0], Files.readString(output)).isTrue();
  }
}
