package io.github.raftspringboot.autoconfigure.grpc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;

import io.github.raftspringboot.autoconfigure.TestCluster;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A client that knows nothing of our generated code: it calls the method paths {@code /RaftAdmin/<Method>} with
 * messages encoded by hand from raftadmin's field numbers, as an existing raftadmin client would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WireCompatibilityTest {

    private static final List<String> METHODS = List.of("AddNonvoter", "AddVoter", "AppliedIndex", "ApplyLog",
            "Await", "Barrier", "DemoteVoter", "Forget", "GetConfiguration", "LastContact", "LastIndex", "Leader",
            "LeadershipTransfer", "LeadershipTransferToServer", "RemoveServer", "Shutdown", "Snapshot", "State",
            "Stats", "VerifyLeader");

    TestCluster cluster;

    AdminClients clients;

    @BeforeAll
    void startCluster(@TempDir Path dir) {
        cluster = TestCluster.start(3, dir, Map.of());
        clients = new AdminClients(cluster);
        cluster.awaitLeader();
    }

    @AfterAll
    void stopCluster() {
        clients.close();
        cluster.close();
    }

    @Test
    void everyMethodPathAnswersAndFieldNumbersMatchRaftadmin() {
        String leader = cluster.awaitLeader();
        String follower = cluster.anyFollower();

        for (String method : METHODS) {
            if (method.equals("Shutdown")) {
                continue;
            }
            byte[] empty = {};
            try {
                call(follower, method, empty);
            }
            catch (StatusRuntimeException ex) {
                assertThat(ex.getStatus().getCode()).as("/RaftAdmin/%s", method)
                    .isNotIn(Status.Code.UNIMPLEMENTED, Status.Code.UNKNOWN, Status.Code.INTERNAL);
            }
        }

        // LeaderResponse { string address = 1 }
        UnknownFieldSet leaderResponse = parse(call(follower, "Leader", new byte[0]));
        assertThat(string(leaderResponse, 1)).isEqualTo(cluster.node(leader).status().address());

        // StateResponse { State state = 1 }, LEADER = 2
        assertThat(parse(call(leader, "State", new byte[0])).getField(1).getVarintList()).containsExactly(2L);

        // AddVoterRequest { id = 1; address = 2; previous_index = 3 } -> Future { operation_token = 1 }
        byte[] addVoter = UnknownFieldSet.newBuilder()
            .addField(1, lengthDelimited("node9"))
            .addField(2, lengthDelimited("127.0.0.1:1"))
            .addField(3, UnknownFieldSet.Field.newBuilder().addVarint(0).build())
            .build()
            .toByteArray();
        String token = string(parse(call(follower, "AddVoter", addVoter)), 1);
        assertThat(token).matches("[0-9a-f]{40}");

        // Await(Future) -> AwaitResponse { error = 1; index = 2 }
        byte[] future = UnknownFieldSet.newBuilder().addField(1, lengthDelimited(token)).build().toByteArray();
        UnknownFieldSet awaited = parse(call(follower, "Await", future));
        assertThat(string(awaited, 1)).contains("not the leader").contains("'" + leader + "'");
        assertThat(parse(call(follower, "Forget", future)).asMap()).isEmpty();

        // ApplyLogRequest { bytes data = 1 } on the leader, then AwaitResponse.index = 2
        byte[] applyLog = UnknownFieldSet.newBuilder()
            .addField(1, lengthDelimited("{\"op\":\"put\",\"key\":\"wire\",\"value\":\"ok\"}"))
            .build()
            .toByteArray();
        String applyToken = string(parse(call(leader, "ApplyLog", applyLog)), 1);
        UnknownFieldSet applied = parse(call(leader, "Await",
                UnknownFieldSet.newBuilder().addField(1, lengthDelimited(applyToken)).build().toByteArray()));
        assertThat(applied.hasField(1)).as("no error").isFalse();
        assertThat(applied.getField(2).getVarintList()).singleElement().satisfies(index -> assertThat(index).isPositive());
        assertThat(cluster.store(leader).get("wire", String.class)).contains("ok");

        // GetConfigurationResponse { repeated Server servers = 1 }, Server { suffrage = 1; id = 2; address = 3 }
        List<ByteString> servers = parse(call(follower, "GetConfiguration", new byte[0])).getField(1)
            .getLengthDelimitedList();
        assertThat(servers).hasSize(3).allSatisfy(server -> {
            UnknownFieldSet fields = parse(server.toByteArray());
            assertThat(fields.hasField(1)).as("VOTER = 0 is not sent").isFalse();
            String id = string(fields, 2);
            assertThat(string(fields, 3)).isEqualTo(cluster.node(id).status().address());
        });

        // StatsResponse { map<string,string> stats = 1 }: entries { key = 1; value = 2 }
        List<ByteString> stats = parse(call(follower, "Stats", new byte[0])).getField(1).getLengthDelimitedList();
        assertThat(stats).anySatisfy(entry -> {
            UnknownFieldSet fields = parse(entry.toByteArray());
            assertThat(string(fields, 1)).isEqualTo("state");
            assertThat(string(fields, 2)).isEqualTo("Follower");
        });

        // Await of an unknown token: raftadmin's message.
        byte[] unknown = UnknownFieldSet.newBuilder()
            .addField(1, lengthDelimited("ffffffffffffffffffffffffffffffffffffffff"))
            .build()
            .toByteArray();
        assertThatThrownBy(() -> call(follower, "Await", unknown)).isInstanceOfSatisfying(StatusRuntimeException.class,
                ex -> assertThat(ex.getStatus().getDescription())
                    .isEqualTo("token \"ffffffffffffffffffffffffffffffffffffffff\" unknown"));
    }

    private byte[] call(String node, String method, byte[] request) {
        MethodDescriptor<byte[], byte[]> descriptor = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("RaftAdmin/" + method)
            .setRequestMarshaller(RAW)
            .setResponseMarshaller(RAW)
            .build();
        return ClientCalls.blockingUnaryCall(clients.channel(node), descriptor,
                CallOptions.DEFAULT.withDeadlineAfter(java.time.Duration.ofSeconds(30)), request);
    }

    private static UnknownFieldSet.Field lengthDelimited(String text) {
        return UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8(text)).build();
    }

    private static String string(UnknownFieldSet fields, int number) {
        return fields.getField(number).getLengthDelimitedList().get(0).toStringUtf8();
    }

    private static UnknownFieldSet parse(byte[] bytes) {
        try {
            return UnknownFieldSet.parseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {

        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
    };
}
