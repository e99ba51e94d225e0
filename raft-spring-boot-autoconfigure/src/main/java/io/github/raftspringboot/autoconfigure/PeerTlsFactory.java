package io.github.raftspringboot.autoconfigure;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

import io.github.raftspringboot.engine.PeerTls;
import io.github.raftspringboot.engine.RaftNodeSettings;

/**
 * Turns {@code raft.tls.bundle} into the engine's {@link PeerTls} (plain JDK key and trust managers, so the engine
 * stays free of Spring), follows the bundle when Spring Boot reloads it, and warns once when the peer port listens
 * beyond loopback without TLS.
 */
final class PeerTlsFactory {

    private static final Logger logger = LoggerFactory.getLogger(PeerTlsFactory.class);

    private PeerTlsFactory() {
    }

    /** The peer TLS of {@code raft.tls.*}, or {@code null} (plaintext) when no bundle is named. */
    static PeerTls create(RaftTlsProperties properties, SslBundles bundles) {
        String name = properties.getBundle();
        if (name == null || name.isBlank()) {
            return null;
        }
        String action = "Define the bundle with spring.ssl.bundle.pem." + name + ".keystore.certificate, "
                + ".keystore.private-key and .truststore.certificate (or spring.ssl.bundle.jks." + name
                + ".*), or set raft.tls.bundle to an existing bundle.";
        if (bundles == null) {
            throw new InvalidRaftPropertyException("raft.tls.bundle", name, "there are no SSL bundles", action);
        }
        SslBundle bundle;
        try {
            bundle = bundles.getBundle(name);
        }
        catch (NoSuchSslBundleException ex) {
            throw new InvalidRaftPropertyException("raft.tls.bundle", name, "no SSL bundle has this name", action);
        }
        requireStores(name, bundle);
        PeerTls tls = new PeerTls(bundle.getManagers().getKeyManagerFactory(),
                bundle.getManagers().getTrustManagerFactory(), properties.isVerifyPeerIdentity());
        bundles.addBundleUpdateHandler(name, updated -> {
            try {
                requireStores(name, updated);
                tls.update(updated.getManagers().getKeyManagerFactory(),
                        updated.getManagers().getTrustManagerFactory());
                logger.info("Raft peer TLS: reloaded SSL bundle '{}'; new connections use it", name);
            }
            catch (RuntimeException ex) {
                logger.error("Raft peer TLS: cannot use the reloaded SSL bundle '{}', keeping the previous one: {}",
                        name, ex.getMessage());
            }
        });
        return tls;
    }

    private static void requireStores(String name, SslBundle bundle) {
        if (bundle.getStores().getKeyStore() == null || bundle.getStores().getTrustStore() == null) {
            throw new InvalidRaftPropertyException("raft.tls.bundle", name,
                    "the SSL bundle needs both a keystore (this node's certificate and key) and a truststore (the "
                            + "CA certificates the peers' certificates chain to)",
                    "Set spring.ssl.bundle.pem." + name + ".keystore.certificate, .keystore.private-key and "
                            + ".truststore.certificate.");
        }
    }

    /** One WARN when the peer port is plaintext and reachable from other hosts; returns it for tests. */
    static String warnIfExposed(RaftNodeSettings settings, PeerTls tls) {
        if (tls != null || isLoopback(settings.bindHost())) {
            return null;
        }
        String warning = "The Raft peer port " + settings.bindHost() + ":" + settings.bindPort() + " is plaintext "
                + "and unauthenticated: anyone who reaches it can read and append to the replicated log. Set "
                + "raft.tls.bundle (mutual TLS between nodes, see docs/security.md), or bind it to a private "
                + "network only (raft.bind-address).";
        logger.warn(warning);
        return warning;
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        }
        catch (UnknownHostException ex) {
            return false;
        }
    }
}
