package dev.todochatbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The edge's Ingress for ingress-nginx: long-lived WebSockets, unbuffered /api/chat, TLS in production. */
class IngressTest {

  private static List<Ingress> ingresses(String valuesFile) {
    return RenderedChart.of(valuesFile).all(Ingress.class);
  }

  private static List<HTTPIngressPath> paths(Ingress ingress) {
    return ingress.getSpec().getRules().stream().flatMap(rule -> rule.getHttp().getPaths().stream()).toList();
  }

  @ParameterizedTest
  @MethodSource("dev.todochatbot.deploy.RenderedChart#valuesFiles")
  void everyPathGoesToTheEdgesPublicPortWithHourLongTimeoutsForWebSockets(String valuesFile) {
    assertThat(ingresses(valuesFile)).isNotEmpty().allSatisfy(ingress -> {
      assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
      assertThat(ingress.getMetadata().getAnnotations())
          .containsEntry("nginx.ingress.kubernetes.io/proxy-read-timeout", "3600")
          .containsEntry("nginx.ingress.kubernetes.io/proxy-send-timeout", "3600");
      assertThat(paths(ingress)).isNotEmpty().allSatisfy(path -> {
        assertThat(path.getBackend().getService().getName()).isEqualTo("edge");
        assertThat(path.getBackend().getService().getPort().getNumber()).isEqualTo(8080);
      });
    });
    assertThat(ingresses(valuesFile).stream().flatMap(ingress -> paths(ingress).stream()).map(HTTPIngressPath::getPath))
        .contains("/", "/api/chat");
  }

  @ParameterizedTest
  @MethodSource("dev.todochatbot.deploy.RenderedChart#valuesFiles")
  void chatStreamIsUnbufferedAndOnlyIt(String valuesFile) {
    for (Ingress ingress : ingresses(valuesFile)) {
      boolean chat = paths(ingress).stream().allMatch(path -> path.getPath().equals("/api/chat"));
      assertThat(ingress.getMetadata().getAnnotations().get("nginx.ingress.kubernetes.io/proxy-buffering"))
          .as("%s proxy-buffering", ingress.getMetadata().getName())
          .isEqualTo(chat ? "off" : null);
    }
  }

  @Test
  void productionServesTlsFromOneCertManagerCertificate() {
    var ingresses = ingresses("values-production.yaml");

    assertThat(ingresses).allSatisfy(ingress -> assertThat(ingress.getSpec().getTls()).singleElement()
        .satisfies(tls -> assertThat(tls.getHosts()).containsExactly(ingress.getSpec().getRules().get(0).getHost())));
    assertThat(ingresses).filteredOn(ingress -> ingress.getMetadata().getAnnotations().containsKey("cert-manager.io/cluster-issuer"))
        .hasSize(1);
  }
}
