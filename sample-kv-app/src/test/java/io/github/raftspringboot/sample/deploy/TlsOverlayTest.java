package io.github.raftspringboot.sample.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import io.github.raftspringboot.api.RaftPeer;
import io.github.raftspringboot.api.RaftPeerAddress;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cert-manager overlay of deploy/k8s (docs/security.md) agrees with the base manifests: the peer certificate
 * names every pod's Raft host and serves both directions, and the StatefulSet patch points an SSL bundle at the
 * mounted secret and names it in raft.tls.bundle.
 */
class TlsOverlayTest {

    private static final Path K8S = Path.of("..", "deploy", "k8s");

    private static final Path OVERLAY = K8S.resolve("overlays").resolve("tls");

    private final Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));

    @Test
    @SuppressWarnings("unchecked")
    void thePeerCertificateNamesEveryPodAndTheBundlePointsAtIt() throws IOException {
        Map<String, Object> kustomization = load(OVERLAY.resolve("kustomization.yaml")).get(0);
        assertThat((List<String>) kustomization.get("resources")).contains("../..", "certificates.yaml");
        String patchFile = (String) ((List<Map<String, Object>>) kustomization.get("patches")).get(0).get("path");

        Map<String, Object> certificate = load(OVERLAY.resolve("certificates.yaml")).stream()
            .filter(resource -> "Certificate".equals(resource.get("kind"))
                    && "raft-kv-peer".equals(((Map<String, Object>) resource.get("metadata")).get("name")))
            .findFirst()
            .orElseThrow();
        Map<String, Object> spec = (Map<String, Object>) certificate.get("spec");
        assertThat((List<String>) spec.get("usages")).contains("server auth", "client auth");

        Map<String, Object> baseContainer = container(load(K8S.resolve("statefulset.yaml")).get(0));
        String peers = env(baseContainer).get("PEERS");
        List<String> hosts = Arrays.stream(peers.split(","))
            .map(entry -> RaftPeerAddress.parsePeer(entry, "PEERS"))
            .map(RaftPeer::host)
            .toList();
        assertThat((List<String>) spec.get("dnsNames")).containsExactlyInAnyOrderElementsOf(hosts);

        Map<String, Object> patch = load(OVERLAY.resolve(patchFile)).get(0);
        Map<String, Object> patched = container(patch);
        Map<String, String> env = env(patched);
        String bundle = env.get("RAFT_TLS_BUNDLE");
        assertThat(bundle).isNotBlank();
        String mount = (String) ((List<Map<String, Object>>) patched.get("volumeMounts")).get(0).get("mountPath");
        String prefix = "SPRING_SSL_BUNDLE_PEM_" + bundle.toUpperCase() + "_";
        assertThat(env).containsEntry(prefix + "KEYSTORE_CERTIFICATE", mount + "/tls.crt")
            .containsEntry(prefix + "KEYSTORE_PRIVATEKEY", mount + "/tls.key")
            .containsEntry(prefix + "TRUSTSTORE_CERTIFICATE", mount + "/ca.crt");
        Map<String, Object> podSpec = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) patch
            .get("spec")).get("template")).get("spec");
        Map<String, Object> volume = ((List<Map<String, Object>>) podSpec.get("volumes")).get(0);
        assertThat(((Map<String, Object>) volume.get("secret")).get("secretName")).isEqualTo(spec.get("secretName"));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> load(Path file) throws IOException {
        List<Map<String, Object>> documents = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file)) {
            yaml.loadAll(reader).forEach(document -> documents.add((Map<String, Object>) document));
        }
        return documents;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> container(Map<String, Object> statefulSet) {
        Map<String, Object> spec = (Map<String, Object>) statefulSet.get("spec");
        Map<String, Object> podSpec = (Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("spec");
        return ((List<Map<String, Object>>) podSpec.get("containers")).get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> variable : (List<Map<String, Object>>) container.get("env")) {
            env.put((String) variable.get("name"), (String) variable.get("value"));
        }
        return env;
    }
}
