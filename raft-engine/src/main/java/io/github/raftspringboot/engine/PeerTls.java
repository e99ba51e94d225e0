package io.github.raftspringboot.engine;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mutual TLS for the Raft peer port, in JDK terms: this node's certificate and key (a {@link KeyManagerFactory})
 * and the CAs its peers' certificates must chain to (a {@link TrustManagerFactory}). Both directions use them: a
 * node serves with its certificate and requires one from every caller, and presents it when it calls a peer.
 * <p>
 * {@link #update} swaps the material for new handshakes (certificate rotation) without a restart; connections
 * already open keep theirs. With {@code verifyPeerIdentity}, the certificate of a peer this node calls must also
 * name the host it was called at (a SAN, as HTTPS checks), not only chain to a trusted CA.
 */
public final class PeerTls {

    private static final Logger logger = LoggerFactory.getLogger(PeerTls.class);

    private final boolean verifyPeerIdentity;

    private final Set<String> reportedCallers = ConcurrentHashMap.newKeySet();

    private volatile X509ExtendedKeyManager keys;

    private volatile X509ExtendedTrustManager trust;

    private final KeyManager keyManager = new CurrentKeyManager();

    private final TrustManager trustManager = new CurrentTrustManager();

    public PeerTls(KeyManagerFactory keys, TrustManagerFactory trust, boolean verifyPeerIdentity) {
        this.verifyPeerIdentity = verifyPeerIdentity;
        update(keys, trust);
    }

    /** New key and trust material for the handshakes from now on. */
    public void update(KeyManagerFactory keys, TrustManagerFactory trust) {
        X509ExtendedKeyManager newKeys = only(X509ExtendedKeyManager.class, keys.getKeyManagers(), "key");
        X509ExtendedTrustManager newTrust = only(X509ExtendedTrustManager.class, trust.getTrustManagers(), "trust");
        this.keys = newKeys;
        this.trust = newTrust;
    }

    public boolean verifyPeerIdentity() {
        return verifyPeerIdentity;
    }

    /** A key manager that always answers with the current material. */
    public KeyManager keyManager() {
        return keyManager;
    }

    /** A trust manager that checks against the current material, and the peer's host when asked to. */
    public TrustManager trustManager() {
        return trustManager;
    }

    private static <T> T only(Class<T> type, Object[] managers, String kind) {
        return Arrays.stream(managers)
            .filter(type::isInstance)
            .map(type::cast)
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("No X.509 " + kind + " manager among "
                    + Arrays.toString(managers)));
    }

    private final class CurrentKeyManager extends X509ExtendedKeyManager {

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return keys.getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return keys.chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return keys.chooseEngineClientAlias(keyType, issuers, engine);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return keys.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return keys.chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return keys.chooseEngineServerAlias(keyType, issuers, engine);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
        }
    }

    /**
     * Chain checks always; the host check (the engine variant of the JDK's trust manager, which applies the
     * endpoint identification gRPC sets) only for servers this node calls, and only with verifyPeerIdentity.
     */
    private final class CurrentTrustManager extends X509ExtendedTrustManager {

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                trust.checkClientTrusted(chain, authType);
            }
            catch (CertificateException ex) {
                reportRefusedCaller(chain, ex);
                throw ex;
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        /** The caller's address is not known at this depth; its certificate says who it claims to be. */
        private void reportRefusedCaller(X509Certificate[] chain, CertificateException ex) {
            String subject = (chain != null && chain.length > 0) ? chain[0].getSubjectX500Principal().getName()
                    : "(none)";
            String issuer = (chain != null && chain.length > 0) ? chain[0].getIssuerX500Principal().getName()
                    : "(none)";
            if (reportedCallers.add(subject + "|" + issuer)) {
                logger.warn("Refused a Raft peer connection from '{}' (certificate issued by '{}'): it does not "
                        + "chain to the trusted CAs of the peer TLS bundle ({})", subject, issuer, ex.getMessage());
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            trust.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            if (verifyPeerIdentity) {
                trust.checkServerTrusted(chain, authType, socket);
            }
            else {
                trust.checkServerTrusted(chain, authType);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            if (verifyPeerIdentity) {
                trust.checkServerTrusted(chain, authType, Objects.requireNonNull(engine));
            }
            else {
                trust.checkServerTrusted(chain, authType);
            }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return trust.getAcceptedIssuers();
        }
    }
}
