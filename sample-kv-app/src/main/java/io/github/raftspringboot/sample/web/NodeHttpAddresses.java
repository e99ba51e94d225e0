package io.github.raftspringboot.sample.web;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.StringNode;

import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftLeaderChangedEvent;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.ReadConsistency;

/**
 * Where each node's HTTP API can be reached. Raft knows only the nodes' Raft addresses, so every node records its
 * HTTP base URL in the replicated store (under {@code _sample/http/<node-id>}, as rqlite does with its node
 * metadata); a follower uses the leader's to carry operations that only the leader can run.
 */
@Component
class NodeHttpAddresses {

    private static final Logger logger = LoggerFactory.getLogger(NodeHttpAddresses.class);

    static final String KEY_PREFIX = ReservedKeys.PREFIX + "http/";

    private static final int ATTEMPTS = 10;

    private final RaftKeyValueStore store;

    private final RaftNode node;

    private final Environment environment;

    private final String configuredUrl;

    private volatile String localUrl;

    NodeHttpAddresses(RaftKeyValueStore store, RaftNode node, Environment environment,
            @Value("${sample.http-advertise-url:}") String configuredUrl) {
        this.store = store;
        this.node = node;
        this.environment = environment;
        this.configuredUrl = configuredUrl;
    }

    /** The HTTP base URL of {@code nodeId} as this node last applied it, if recorded. */
    Optional<String> urlOf(String nodeId) {
        return store.get(KEY_PREFIX + nodeId, ReadConsistency.LOCAL).map(JsonNode::asString);
    }

    @EventListener
    void onReady(ApplicationReadyEvent event) {
        localUrl = configuredUrl.isBlank() ? defaultUrl() : stripTrailingSlash(configuredUrl.trim());
        logger.info("HTTP API of node '{}' advertised as {}", node.nodeId(), localUrl);
        record(ATTEMPTS);
    }

    /** A new leader may have a fresh (or restored) store: make sure it knows this node. */
    @EventListener
    void onLeaderChanged(RaftLeaderChangedEvent event) {
        if (event.leaderId() != null && localUrl != null) {
            record(ATTEMPTS);
        }
    }

    private void record(int attemptsLeft) {
        String key = KEY_PREFIX + node.nodeId();
        String url = localUrl;
        store.async()
            .get(key, ReadConsistency.LOCAL)
            .thenCompose(current -> current.map(JsonNode::asString).filter(url::equals).isPresent()
                    ? CompletableFuture.completedFuture(null) : store.async().put(key, StringNode.valueOf(url)))
            .whenComplete((result, error) -> {
                if (error == null) {
                    return;
                }
                if (attemptsLeft > 1) {
                    logger.debug("Could not record this node's HTTP address yet ({}); retrying", error.toString());
                    CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(() -> record(attemptsLeft - 1));
                }
                else {
                    logger.warn("Could not record this node's HTTP address ({}); followers cannot forward "
                            + "requests to it until the next leader change", error.toString());
                }
            });
    }

    /** The host this node advertises for Raft, and the port the web server listens on. */
    private String defaultUrl() {
        String raftAddress = node.status().address();
        String host = raftAddress.substring(0, raftAddress.lastIndexOf(':'));
        return "http://" + host + ":" + environment.getProperty("local.server.port", "11000");
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
