/**
 * Network faults on real loopback connections: a {@link io.github.raftspringboot.test.fault.TcpProxy} per peer
 * link, and a {@link io.github.raftspringboot.test.fault.NetworkPartitioner} that drives them into named
 * partitions ({@link io.github.raftspringboot.test.fault.Connectivity}). The nodes' own transport runs unchanged;
 * only the addresses they dial point at the proxies.
 */
package io.github.raftspringboot.test.fault;
