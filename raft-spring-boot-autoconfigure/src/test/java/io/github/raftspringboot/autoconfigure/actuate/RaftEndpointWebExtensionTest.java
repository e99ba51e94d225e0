package io.github.raftspringboot.autoconfigure.actuate;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** Failures the HTTP cluster tests cannot provoke on demand: timeouts, busy configurations, a lost leader. */
class RaftEndpointWebExtensionTest {

    private final RaftNode node = mock(RaftNode.class);

    private final RaftNode leader = mock(RaftNode.class);

    private final RaftEndpointWebExtension web = new RaftEndpointWebExtension(
            new RaftEndpoint(node, Duration.ofMillis(100)));

    RaftEndpointWebExtensionTest() {
        when(node.viaLeader()).thenReturn(leader);
    }

    @Test
    void anOperationThatOutlastsTheTimeoutIsA503() {
        when(leader.snapshot()).thenReturn(new CompletableFuture<>());
        WebEndpointResponse<Object> response = web.change("snapshot", null, null, null, null, null);
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(error(response).error()).isEqualTo("TIMEOUT");
        assertThat(error(response).message()).contains("did not answer within 100 ms").contains("it may still complete: check GET /actuator/raft/configuration");
    }

    @Test
    void aBusyConfigurationIsA409AndNoLeaderA503NamingNobody() {
        when(leader.removeServer(anyString(), anyLong(), any())).thenReturn(CompletableFuture.failedFuture(
                new RaftException(RaftException.Reason.CONFIGURATION_BUSY, "a change is in progress")));
        assertThat(web.remove("node2", null, null).getStatus()).isEqualTo(409);

        when(leader.transferLeadership()).thenReturn(CompletableFuture.failedFuture(
                new RaftException(RaftException.Reason.NO_LEADER, "no leader is known right now")));
        WebEndpointResponse<Object> response = web.change("transfer-leadership", null, null, null, null, null);
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(error(response).message()).isEqualTo("no leader is known right now");
        assertThat(error(response).leader()).isNull();
    }

    @Test
    void aBackupWithoutALeaderIsA503AndADisabledDownloadA404() throws java.io.IOException {
        when(node.backupTo(org.mockito.ArgumentMatchers.any())).thenThrow(
                new RaftException(RaftException.Reason.NO_LEADER, "Backup failed: no leader is available"));
        WebEndpointResponse<Object> noLeader = web.part("backup");
        assertThat(noLeader.getStatus()).isEqualTo(503);
        assertThat(error(noLeader).message()).isEqualTo("Backup failed: no leader is available");

        WebEndpointResponse<Object> disabled = new RaftEndpointWebExtension(new RaftEndpoint(node, Duration.ofSeconds(1)),
                false).part("backup");
        assertThat(disabled.getStatus()).isEqualTo(404);
        assertThat(error(disabled).message()).contains("raft.actuator.backup.enabled=false");
    }

    @Test
    void everyReasonHasAStatus() {
        for (RaftException.Reason reason : RaftException.Reason.values()) {
            assertThat(RaftEndpointWebExtension.statusOf(reason)).isBetween(400, 503);
        }
    }

    private static RaftEndpointWebExtension.ErrorDescriptor error(WebEndpointResponse<Object> response) {
        return (RaftEndpointWebExtension.ErrorDescriptor) response.getBody();
    }
}
