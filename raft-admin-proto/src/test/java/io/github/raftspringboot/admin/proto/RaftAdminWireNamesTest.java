package io.github.raftspringboot.admin.proto;

import java.util.List;

import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Guards the names raftadmin clients call: a {@code package} line in the .proto would break all of them. */
class RaftAdminWireNamesTest {

    @Test
    void serviceAndMethodPathsMatchRaftadmin() {
        ServiceDescriptor service = RaftAdminGrpc.getServiceDescriptor();

        assertThat(service.getName()).isEqualTo("RaftAdmin");
        assertThat(service.getMethods()).extracting(MethodDescriptor::getFullMethodName)
            .containsExactlyInAnyOrderElementsOf(List.of("AddNonvoter", "AddVoter", "AppliedIndex", "ApplyLog",
                    "Barrier", "DemoteVoter", "GetConfiguration", "LastContact", "LastIndex", "Leader",
                    "LeadershipTransfer", "LeadershipTransferToServer", "RemoveServer", "Shutdown", "Snapshot",
                    "State", "Stats", "VerifyLeader", "Await", "Forget")
                .stream()
                .map(method -> "RaftAdmin/" + method)
                .toList());
    }

    @Test
    void fieldNumbersMatchRaftadmin() {
        assertThat(AddVoterRequest.getDescriptor().findFieldByName("previous_index").getNumber()).isEqualTo(3);
        assertThat(DemoteVoterRequest.getDescriptor().findFieldByName("previous_index").getNumber()).isEqualTo(2);
        assertThat(AwaitResponse.getDescriptor().findFieldByName("index").getNumber()).isEqualTo(2);
        assertThat(GetConfigurationResponse.Server.getDescriptor().findFieldByName("address").getNumber())
            .isEqualTo(3);
        assertThat(LastContactResponse.getDescriptor().findFieldByName("unix_nano").getNumber()).isEqualTo(1);
        assertThat(StateResponse.State.SHUTDOWN.getNumber()).isEqualTo(3);
    }
}
