package io.github.raftspringboot.autoconfigure;

/** Mutual TLS between nodes on the Raft peer port ({@code raft.tls.*}); a group of {@link RaftProperties}. */
public class RaftTlsProperties {

    /**
     * Name of a Spring Boot SSL bundle ({@code spring.ssl.bundle.pem.<name>.*} or {@code .jks.<name>.*}) with
     * this node's certificate and key and the CA certificates of the cluster. Set on every node: each then
     * presents its certificate and accepts only peers whose certificate chains to the bundle's trust material.
     * Unset: the peer port is plaintext and unauthenticated.
     */
    private String bundle;

    /**
     * Whether a peer's certificate must also name (as a subject alternative name) the host this node calls it
     * at, as HTTPS checks a server; otherwise any certificate from a trusted CA is accepted.
     */
    private boolean verifyPeerIdentity = false;

    public String getBundle() {
        return bundle;
    }

    public void setBundle(String bundle) {
        this.bundle = bundle;
    }

    public boolean isVerifyPeerIdentity() {
        return verifyPeerIdentity;
    }

    public void setVerifyPeerIdentity(boolean verifyPeerIdentity) {
        this.verifyPeerIdentity = verifyPeerIdentity;
    }
}
