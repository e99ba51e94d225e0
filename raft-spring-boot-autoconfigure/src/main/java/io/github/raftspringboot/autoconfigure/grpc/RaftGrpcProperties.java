package io.github.raftspringboot.autoconfigure.grpc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the Raft features served on the application's Spring gRPC server ({@code raft.grpc.*}). The
 * server itself (port, TLS, interceptors, reflection) is configured with Spring's {@code spring.grpc.server.*}.
 */
@ConfigurationProperties("raft.grpc")
public class RaftGrpcProperties {

    private final Admin admin = new Admin();

    private final Health health = new Health();

    public Admin getAdmin() {
        return admin;
    }

    public Health getHealth() {
        return health;
    }

    /** The RaftAdmin service (wire-compatible with raftadmin). */
    public static class Admin {

        /** Whether to serve the RaftAdmin service on the application's gRPC server. */
        private boolean enabled = true;

        /**
         * How long the result of a finished operation is kept for {@code Await} when nobody calls {@code Forget};
         * after that its token is unknown.
         */
        private Duration resultTtl = Duration.ofMinutes(5);

        /**
         * The most operation tokens kept at once. When full, the oldest finished results are dropped first; when
         * every token is still running, new operations are refused with RESOURCE_EXHAUSTED.
         */
        private int maxOperations = 10_000;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getResultTtl() {
            return resultTtl;
        }

        public void setResultTtl(Duration resultTtl) {
            this.resultTtl = resultTtl;
        }

        public int getMaxOperations() {
            return maxOperations;
        }

        public void setMaxOperations(int maxOperations) {
            this.maxOperations = maxOperations;
        }
    }

    /** Leader health: gRPC health service names that are SERVING on the leader only. */
    public static class Health {

        /** Whether to report the leader health services on the server's standard gRPC Health service. */
        private boolean enabled = true;

        /** The health service name that is SERVING on the leader and NOT_SERVING on every other node. */
        private String serviceName = "quis.RaftLeader";

        /**
         * Further service names (for example the application's own gRPC services that only the leader can serve)
         * reported like {@code service-name}.
         */
        private List<String> services = new ArrayList<>();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getServiceName() {
            return serviceName;
        }

        public void setServiceName(String serviceName) {
            this.serviceName = serviceName;
        }

        public List<String> getServices() {
            return services;
        }

        public void setServices(List<String> services) {
            this.services = services;
        }
    }
}
