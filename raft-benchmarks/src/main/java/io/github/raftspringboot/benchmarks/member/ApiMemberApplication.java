package io.github.raftspringboot.benchmarks.member;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The smallest application a Spring team would write around the starter: no beans of its own, the starter's
 * auto-configuration makes it a Raft member with a {@code RaftKeyValueStore}. The API benchmark runs it inside the
 * load generator's JVM (no web server); the sample's nodes are the same starter with an HTTP API on top.
 */
@SpringBootApplication
public class ApiMemberApplication {
}
