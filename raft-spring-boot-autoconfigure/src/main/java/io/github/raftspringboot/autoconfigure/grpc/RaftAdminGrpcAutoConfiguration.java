package io.github.raftspringboot.autoconfigure.grpc;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.grpc.server.GlobalServerInterceptor;

import io.github.raftspringboot.admin.proto.RaftAdminGrpc;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.backup.proto.RaftBackupGrpc;
import io.github.raftspringboot.autoconfigure.InvalidRaftPropertyException;
import io.github.raftspringboot.autoconfigure.RaftAutoConfiguration;

/**
 * Exposes the RaftAdmin gRPC service (wire-compatible with raftadmin) and our RaftBackup service on Spring Boot's
 * gRPC server ({@code raft.grpc.admin.enabled}, on by default). Ordered before Spring Boot's gRPC server and health
 * auto-configuration: they start only when the application has a service to bind, and this is one.
 */
@AutoConfiguration(after = RaftAutoConfiguration.class,
        beforeName = { "org.springframework.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration",
                "org.springframework.boot.grpc.server.autoconfigure.health.GrpcServerHealthAutoConfiguration" })
@ConditionalOnClass({ RaftAdminGrpc.class, io.grpc.BindableService.class,
        com.github.benmanes.caffeine.cache.Caffeine.class })
@ConditionalOnBean(RaftNode.class)
@ConditionalOnBooleanProperty(name = "raft.grpc.admin.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RaftAdminGrpcProperties.class)
public final class RaftAdminGrpcAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RaftAdminOperations raftAdminOperations(RaftAdminGrpcProperties properties) {
        return new RaftAdminOperations(properties.getTokenTtl(), properties.getMaxOperations());
    }

    @Bean
    @ConditionalOnMissingBean(RaftAdminGrpc.RaftAdminImplBase.class)
    RaftAdminGrpc.RaftAdminImplBase raftAdminService(RaftNode node, RaftAdminOperations operations) {
        return new RaftAdminService(node, operations);
    }

    /**
     * Admin authentication ({@code raft.grpc.admin.token}, client certificates, loopback): a plain interceptor on
     * our two services rather than Spring gRPC's {@code GrpcSecurity}, which needs Spring Security and would take
     * over authentication for every service of the application.
     */
    @Bean
    @GlobalServerInterceptor
    @ConditionalOnMissingBean
    AdminCallAuthenticator raftAdminCallAuthenticator(RaftAdminGrpcProperties properties, Environment environment) {
        for (String token : properties.getToken()) {
            if (token.isEmpty() || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new InvalidRaftPropertyException("raft.grpc.admin.token", "(hidden)",
                        "a token is empty or has spaces or characters other than printable ASCII",
                        "Set raft.grpc.admin.token to one or more comma-separated tokens of printable ASCII without "
                                + "spaces, e.g. the output of 'openssl rand -hex 32'.");
            }
        }
        AdminAccessWarning.check(properties, environment);
        return new AdminCallAuthenticator(properties.getToken(), properties.isAllowRemoteWithoutToken());
    }

    @Bean
    @ConditionalOnMissingBean(RaftBackupGrpc.RaftBackupImplBase.class)
    RaftBackupGrpc.RaftBackupImplBase raftBackupService(RaftNode node) {
        return new RaftBackupService(node);
    }
}
