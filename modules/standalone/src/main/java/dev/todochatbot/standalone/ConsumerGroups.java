package dev.todochatbot.standalone;

import dev.todochatbot.daprd.Daprd;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.ConsumerGroupState;

/**
 * What the broker says about the real sidecars' consumers. A daprd answers {@code /v1.0/healthz} once it
 * has asked for its subscriptions, but its Kafka consumer groups join a moment later; an event published
 * in between reaches a group that starts at {@code newest} (the edge's {@code realtime}) never. So a
 * topology is ready when, for each app, the groups named after it ({@code <app-id>}, or {@code <app-id>-<uuid>}
 * for a group per replica) are stable with a member per replica and pub/sub, and together are assigned
 * every topic its sidecar subscribes to.
 */
final class ConsumerGroups implements AutoCloseable {

  private final Admin admin;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  /** How many sidecars of each app id run (replicas): each is a member of every group of its app. */
  private final Map<String, Set<Daprd>> replicas = new ConcurrentHashMap<>();

  ConsumerGroups(String bootstrapServers) {
    var properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    admin = Admin.create(properties);
  }

  void add(Daprd daprd) {
    replicas.computeIfAbsent(daprd.appId(), id -> ConcurrentHashMap.newKeySet()).add(daprd);
  }

  void remove(Daprd daprd) {
    replicas.getOrDefault(daprd.appId(), Set.of()).remove(daprd);
  }

  /** Waits (blocking) until every group of {@code appId}'s sidecars has its members and its topics. */
  void awaitAssigned(String appId, Duration deadline) throws Exception {
    Set<Daprd> sidecars = replicas.getOrDefault(appId, Set.of());
    if (sidecars.isEmpty()) {
      return;
    }
    Map<String, Set<String>> topicsByPubsub = subscriptions(sidecars.iterator().next());
    if (topicsByPubsub.isEmpty()) {
      return;
    }
    Set<String> topics = new HashSet<>();
    topicsByPubsub.values().forEach(topics::addAll);
    int members = sidecars.size() * topicsByPubsub.size();
    Instant until = Instant.now().plus(deadline);
    String last = "no group yet";
    while (Instant.now().isBefore(until)) {
      Collection<ConsumerGroupListing> listings = admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS);
      List<String> ids = listings.stream().map(ConsumerGroupListing::groupId)
          .filter(id -> id.equals(appId) || id.startsWith(appId + "-")).toList();
      Map<String, ConsumerGroupDescription> groups = ids.isEmpty() ? Map.of()
          : admin.describeConsumerGroups(ids).all().get(10, TimeUnit.SECONDS);
      int stableMembers = 0;
      boolean settling = false;
      Set<String> assigned = new HashSet<>();
      for (ConsumerGroupDescription group : groups.values()) {
        if (group.state() == ConsumerGroupState.STABLE) {
          stableMembers += group.members().size();
          for (MemberDescription member : group.members()) {
            member.assignment().topicPartitions().forEach(partition -> assigned.add(partition.topic()));
          }
        } else if (group.state() != ConsumerGroupState.EMPTY && group.state() != ConsumerGroupState.DEAD) {
          settling = true;
        }
      }
      if (!settling && stableMembers >= members && assigned.containsAll(topics)) {
        return;
      }
      last = stableMembers + " of " + members + " members stable, topics assigned " + assigned + " of " + topics
          + (settling ? ", a group rebalancing" : "");
      Thread.sleep(200);
    }
    throw new IllegalStateException(appId + "'s consumer groups were not ready within " + deadline.toSeconds()
        + " s: " + last);
  }

  /** The topics each pub/sub component of this sidecar subscribes to, from its metadata API. */
  private Map<String, Set<String>> subscriptions(Daprd daprd) throws IOException, InterruptedException {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daprd.httpPort() + "/v1.0/metadata"))
        .timeout(Duration.ofSeconds(5));
    daprd.apiToken().ifPresent(token -> request.header("dapr-api-token", token));
    HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new IllegalStateException(daprd.appId() + "'s daprd answered its metadata with " + answer.statusCode());
    }
    JsonArray subscriptions = new JsonObject(answer.body()).getJsonArray("subscriptions", new JsonArray());
    var topics = new HashMap<String, Set<String>>();
    for (Object item : subscriptions) {
      var subscription = (JsonObject) item;
      topics.computeIfAbsent(subscription.getString("pubsubname"), name -> new HashSet<>())
          .add(subscription.getString("topic"));
    }
    return topics;
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
