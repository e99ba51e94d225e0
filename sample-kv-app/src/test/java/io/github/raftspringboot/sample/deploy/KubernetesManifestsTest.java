package io.github.raftspringboot.sample.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import io.github.raftspringboot.autoconfigure.RaftProperties;
import io.github.raftspringboot.api.RaftPeer;
import io.github.raftspringboot.api.RaftPeerAddress;
import io.github.raftspringboot.sample.env.SeedEnvironmentPostProcessor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes manifests in deploy/k8s, parsed and checked against the app: there is no Kubernetes here to run
 * them, so this test is what keeps their ports, variables and names consistent with the code.
 */
class KubernetesManifestsTest {

    private static final Path K8S = Path.of("..", "deploy", "k8s");

    private static final Map<String, Map<String, Object>> resources = new LinkedHashMap<>();

    private static Map<String, Object> statefulSet;

    private static Map<String, Object> container;

    private static Map<String, String> env;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parse() throws IOException {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        for (String file : kustomizationResources()) {
            try (Reader reader = Files.newBufferedReader(K8S.resolve(file))) {
                for (Object document : yaml.loadAll(reader)) {
                    Map<String, Object> resource = (Map<String, Object>) document;
                    resources.put(resource.get("kind") + "/" + get(resource, "metadata", "name"), resource);
                }
            }
        }
        statefulSet = resources.get("StatefulSet/raft-kv");
        container = list(statefulSet, "spec", "template", "spec", "containers").get(0);
        env = new LinkedHashMap<>();
        for (Map<String, Object> variable : list(container, "env")) {
            env.put((String) variable.get("name"), (String) variable.get("value"));
        }
    }

    @Test
    void kustomizationListsEveryManifestAndTheManifestsHoldTheExpectedResources() throws IOException {
        try (var files = Files.list(K8S)) {
            List<String> manifests = files.map(path -> path.getFileName().toString())
                .filter(name -> name.endsWith(".yaml") && !name.equals("kustomization.yaml"))
                .sorted()
                .toList();
            assertThat(kustomizationResources()).containsExactlyInAnyOrderElementsOf(manifests);
        }
        assertThat(resources).containsOnlyKeys("StatefulSet/raft-kv", "Service/raft-kv-peers", "Service/raft-kv",
                "Service/raft-kv-admin", "PodDisruptionBudget/raft-kv");
    }

    @Test
    void statefulSetRunsThreeNodesTogetherBehindTheHeadlessService() {
        Map<String, Object> spec = map(statefulSet, "spec");
        assertThat(spec.get("replicas")).isEqualTo(3);
        assertThat(spec.get("serviceName")).isEqualTo("raft-kv-peers");
        // OrderedReady would deadlock: pod 0 is ready only once a majority runs.
        assertThat(spec.get("podManagementPolicy")).isEqualTo("Parallel");
        Map<String, Object> peers = map(resources.get("Service/raft-kv-peers"), "spec");
        assertThat(peers.get("clusterIP")).isEqualTo("None");
        assertThat(peers.get("publishNotReadyAddresses")).isEqualTo(true);
        Object podLabels = get(statefulSet, "spec", "template", "metadata", "labels");
        assertThat(get(statefulSet, "spec", "selector", "matchLabels")).isEqualTo(podLabels);
        assertThat(peers.get("selector")).isEqualTo(podLabels);
        assertThat(get(resources.get("Service/raft-kv"), "spec", "selector")).isEqualTo(podLabels);
        assertThat(get(resources.get("Service/raft-kv-admin"), "spec", "selector")).isEqualTo(podLabels);
        assertThat(get(resources.get("PodDisruptionBudget/raft-kv"), "spec", "selector", "matchLabels"))
            .isEqualTo(podLabels);
    }

    @Test
    void portsAndVariablesAgreeWithTheAppsDefaults() throws IOException {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (Map<String, Object> port : list(container, "ports")) {
            ports.put((String) port.get("name"), (Integer) port.get("containerPort"));
        }
        assertThat(ports).containsExactly(Map.entry("http", httpPortDefault()),
                Map.entry("raft", new RaftProperties().getPort()), Map.entry("grpc", grpcPortDefault()));
        assertThat(env).containsEntry("HTTP_PORT", String.valueOf(ports.get("http")))
            .containsEntry("RAFT_PORT", String.valueOf(ports.get("raft")));

        // Every variable is one the app reads: a seed variable, or the JVM's own.
        Map<String, Object> mapped = SeedEnvironmentPostProcessor.map(name -> env.containsKey(name)
                ? (env.get(name) != null ? env.get(name) : "from-field-ref") : null);
        assertThat(env.keySet()).allMatch(name -> name.equals("JAVA_TOOL_OPTIONS")
                || mapped.containsKey(SeedEnvironmentPostProcessor.VARIABLES.get(name)));
        assertThat(mapped).containsEntry("raft.storage", "disk");

        // Node ids are the pod names, and the state directory is on the pod's own volume.
        assertThat(get(list(container, "env").get(0), "valueFrom", "fieldRef", "fieldPath"))
            .isEqualTo("metadata.name");
        String mountPath = (String) list(container, "volumeMounts").get(0).get("mountPath");
        assertThat(env.get("STATE_DIR")).startsWith(mountPath + "/");
        assertThat(list(container, "volumeMounts").get(0).get("name")).isEqualTo(
                get(list(statefulSet, "spec", "volumeClaimTemplates").get(0), "metadata", "name"));

        Map<String, Object> services = map(resources.get("Service/raft-kv"), "spec");
        assertThat(list(services, "ports").get(0)).containsEntry("port", ports.get("http"))
            .containsEntry("targetPort", "http");
    }

    @Test
    void theGrpcAdminPortIsNamedAndReachableThroughTheAdminAndPeerServices() throws IOException {
        Map<String, Object> grpc = Map.of("name", "grpc", "port", grpcPortDefault(), "targetPort", "grpc");
        assertThat(list(resources.get("Service/raft-kv-admin"), "spec", "ports")).containsExactly(grpc);
        assertThat(list(resources.get("Service/raft-kv-peers"), "spec", "ports")).contains(grpc);
        assertThat(list(resources.get("Service/raft-kv"), "spec", "ports"))
            .noneMatch(port -> "grpc".equals(port.get("targetPort")));
    }

    @Test
    void peersNameEveryPodByItsStableDnsNameAndRaftPort() {
        List<RaftPeer> peers = new ArrayList<>();
        for (String entry : env.get("PEERS").split(",")) {
            peers.add(RaftPeerAddress.parsePeer(entry, "PEERS entry"));
        }
        int replicas = (Integer) get(statefulSet, "spec", "replicas");
        assertThat(peers).containsExactlyElementsOf(IntStream.range(0, replicas)
            .mapToObj(i -> new RaftPeer("raft-kv-" + i, "raft-kv-" + i + ".raft-kv-peers",
                    Integer.parseInt(env.get("RAFT_PORT"))))
            .collect(Collectors.toList()));
        // Each pod advertises the same name its peers know it by.
        assertThat(env.get("RAFT_ADVERTISE_ADDR")).isEqualTo("$(NODE_ID).raft-kv-peers");
        assertThat(List.copyOf(env.keySet())).containsSubsequence("NODE_ID", "RAFT_ADVERTISE_ADDR");
    }

    @Test
    void probesUseTheHttpPortReadinessOnTheRaftGroupAndTheBudgetKeepsAMajority() {
        assertThat(get(container, "readinessProbe", "httpGet", "path")).isEqualTo("/actuator/health/readiness");
        assertThat(get(container, "readinessProbe", "httpGet", "port")).isEqualTo("http");
        assertThat(get(container, "livenessProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
        assertThat(get(container, "livenessProbe", "httpGet", "port")).isEqualTo("http");
        int replicas = (Integer) get(statefulSet, "spec", "replicas");
        assertThat(get(resources.get("PodDisruptionBudget/raft-kv"), "spec", "minAvailable"))
            .isEqualTo(replicas / 2 + 1);
    }

    @Test
    void scriptsAreThereAndExecutable() {
        for (String script : List.of("build.sh", "install.sh", "uninstall.sh")) {
            assertThat(K8S.resolve(script)).isRegularFile();
            assertThat(Files.isExecutable(K8S.resolve(script))).as(script).isTrue();
        }
    }

    private static int httpPortDefault() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = KubernetesManifestsTest.class.getResourceAsStream("/application.properties")) {
            properties.load(in);
        }
        return Integer.parseInt(properties.getProperty("server.port"));
    }

    /** The app's spring.grpc.server.port, or Spring gRPC's default when the app does not set it. */
    private static int grpcPortDefault() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = KubernetesManifestsTest.class.getResourceAsStream("/application.properties")) {
            properties.load(in);
        }
        return Integer.parseInt(properties.getProperty("spring.grpc.server.port",
                String.valueOf(org.springframework.grpc.internal.GrpcUtils.DEFAULT_PORT)));
    }

    @SuppressWarnings("unchecked")
    private static List<String> kustomizationResources() throws IOException {
        try (Reader reader = Files.newBufferedReader(K8S.resolve("kustomization.yaml"))) {
            Map<String, Object> kustomization = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            return (List<String>) kustomization.get("resources");
        }
    }

    @SuppressWarnings("unchecked")
    private static Object get(Map<String, Object> node, String... path) {
        Object current = node;
        for (String key : path) {
            current = ((Map<String, Object>) current).get(key);
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> node, String... path) {
        return (Map<String, Object>) get(node, path);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> node, String... path) {
        return (List<Map<String, Object>>) get(node, path);
    }
}
