package io.github.raftspringboot.sample.env;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

import io.github.raftspringboot.api.RaftPeerAddress;

/**
 * Accepts the environment variables of the Raft Starter seed ({@code NODE_ID}, {@code PEERS}, {@code KV_STORE},
 * ...) as the Spring properties they stand for. The mapped values sit right below the system environment, so a
 * Spring name set in the environment ({@code RAFT_NODE_ID}, {@code SERVER_PORT}) or on the command line wins
 * over the seed's name. Each value is checked here, so a wrong one fails start-up naming the variable.
 */
public final class SeedEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    /** The property source holding the mapped variables. */
    public static final String PROPERTY_SOURCE_NAME = "raftStarterEnvironmentVariables";

    /** The lowest-precedence property source holding defaults computed at start-up. */
    public static final String DEFAULTS_PROPERTY_SOURCE_NAME = "raftStarterDefaults";

    /** Each seed variable and the property it sets, in the seed's order. */
    public static final Map<String, String> VARIABLES = variables();

    /** After config data, so that {@code raft.node-id} from application properties is seen. */
    private static final int ORDER = Ordered.LOWEST_PRECEDENCE - 10;

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        PropertySource<?> system = environment.getPropertySources()
            .get(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        if (system != null) {
            Map<String, Object> mapped = map(name -> {
                Object value = system.getProperty(name);
                return (value != null) ? value.toString() : null;
            });
            if (!mapped.isEmpty()) {
                environment.getPropertySources()
                    .addAfter(system.getName(), new MapPropertySource(PROPERTY_SOURCE_NAME, mapped));
            }
        }
        if (!environment.containsProperty("raft.node-id")) {
            // The starter defaults the node id to the host name too; resolving it here puts it in every log line.
            hostName().ifPresent(host -> environment.getPropertySources()
                .addLast(new MapPropertySource(DEFAULTS_PROPERTY_SOURCE_NAME, Map.of("raft.node-id", host))));
        }
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    /**
     * Maps the seed's variables, as {@code variables} returns them, to Spring properties. Unset and empty
     * variables are skipped, as the seed does.
     *
     * @throws InvalidSeedVariableException naming the first variable whose value cannot be used
     */
    public static Map<String, Object> map(Function<String, String> variables) {
        Map<String, Object> properties = new LinkedHashMap<>();
        text(variables, "NODE_ID").ifPresent(value -> properties.put("raft.node-id", nodeId(value)));
        text(variables, "STATE_DIR").ifPresent(value -> properties.put("raft.state-dir", value));
        text(variables, "KV_STORE").ifPresent(value -> properties.put("raft.storage", storage(value)));
        text(variables, "HTTP_ADDR").ifPresent(value -> properties.put("server.address", value));
        text(variables, "HTTP_PORT").ifPresent(value -> properties.put("server.port", port("HTTP_PORT", value)));
        text(variables, "RAFT_ADDR").ifPresent(value -> properties.put("raft.bind-address", value));
        text(variables, "RAFT_PORT").ifPresent(value -> properties.put("raft.port", port("RAFT_PORT", value)));
        text(variables, "RAFT_ADVERTISE_ADDR").ifPresent(value -> properties.put("raft.advertise-address", value));
        text(variables, "RAFT_ADVERTISE_PORT")
            .ifPresent(value -> properties.put("raft.advertise-port", port("RAFT_ADVERTISE_PORT", value)));
        text(variables, "PEERS").ifPresent(value -> properties.put("raft.peers", peers(value)));
        text(variables, "RAFT_ADMIN_TOKEN").ifPresent(value -> properties.put("sample.security.admin-token",
                adminToken(value)));
        return properties;
    }

    private static Map<String, String> variables() {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("NODE_ID", "raft.node-id");
        variables.put("STATE_DIR", "raft.state-dir");
        variables.put("KV_STORE", "raft.storage");
        variables.put("HTTP_ADDR", "server.address");
        variables.put("HTTP_PORT", "server.port");
        variables.put("RAFT_ADDR", "raft.bind-address");
        variables.put("RAFT_PORT", "raft.port");
        variables.put("RAFT_ADVERTISE_ADDR", "raft.advertise-address");
        variables.put("RAFT_ADVERTISE_PORT", "raft.advertise-port");
        variables.put("PEERS", "raft.peers");
        variables.put("RAFT_ADMIN_TOKEN", "sample.security.admin-token");
        return Collections.unmodifiableMap(variables);
    }

    private static Optional<String> text(Function<String, String> variables, String name) {
        String value = variables.apply(name);
        return (value == null || value.isBlank()) ? Optional.empty() : Optional.of(value.trim());
    }

    private static String nodeId(String value) {
        try {
            return RaftPeerAddress.checkNodeId(value, "NODE_ID");
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidSeedVariableException("NODE_ID", value, ex.getMessage(),
                    "Set NODE_ID to a name such as node1, or unset it to use the host name.");
        }
    }

    private static String storage(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            // The seed's names: boltdb is its on-disk store.
            case "boltdb", "disk" -> "disk";
            case "memory" -> "memory";
            default -> throw new InvalidSeedVariableException("KV_STORE", value,
                    "it must be boltdb (or disk) or memory",
                    "Set KV_STORE=boltdb to keep the data on disk, or KV_STORE=memory to keep nothing on disk.");
        };
    }

    private static int port(String variable, String value) {
        int port;
        try {
            port = Integer.parseInt(value);
        }
        catch (NumberFormatException ex) {
            throw new InvalidSeedVariableException(variable, value, "it is not a number",
                    "Set " + variable + " to a port number between 1 and 65535.");
        }
        if (port < 1 || port > 65535) {
            throw new InvalidSeedVariableException(variable, value, "a port must be between 1 and 65535",
                    "Set " + variable + " to a port number between 1 and 65535.");
        }
        return port;
    }

    private static String peers(String value) {
        for (String entry : value.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            try {
                RaftPeerAddress.parsePeer(entry, "entry");
            }
            catch (IllegalArgumentException ex) {
                throw new InvalidSeedVariableException("PEERS", value, ex.getMessage(),
                        "Write PEERS as id@host:port entries separated by commas, e.g. "
                                + "node1@10.0.0.1:12000,node2@10.0.0.2:12000,node3@10.0.0.3:12000.");
            }
        }
        return value;
    }

    private static String adminToken(String value) {
        if (!value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            // The value is a secret: the error does not repeat it.
            throw new InvalidSeedVariableException("RAFT_ADMIN_TOKEN", "(hidden)",
                    "it has spaces or characters other than printable ASCII",
                    "Set RAFT_ADMIN_TOKEN to printable ASCII without spaces, e.g. $(openssl rand -hex 32).");
        }
        return value;
    }

    private static Optional<String> hostName() {
        try {
            return Optional.of(InetAddress.getLocalHost().getHostName());
        }
        catch (UnknownHostException ex) {
            // The starter reports a missing host name itself, with the property to set.
            return Optional.empty();
        }
    }
}
