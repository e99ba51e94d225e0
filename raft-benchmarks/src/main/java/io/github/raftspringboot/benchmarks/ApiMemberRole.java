package io.github.raftspringboot.benchmarks;

/**
 * The role the in-process member is given before the API benchmark's first row (leadership is transferred to or
 * away from it). A follower is what most instances of an application are (two of three) and pays the forwarding
 * hop on every write and linearizable read, as a jetcd call that reaches an etcd follower does.
 */
enum ApiMemberRole {

    FOLLOWER,

    LEADER
}
