package io.github.raftspringboot.autoconfigure;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.raftspringboot.api.RaftBackup;
import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.ReplicatedStateMachine;
import io.github.raftspringboot.autoconfigure.kv.RaftKeyValueStoreAutoConfiguration;
import io.github.raftspringboot.test.FreePorts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 17: a streamed backup of a large state answered 503 TIMEOUT, because its log entry is answered only once the
 * node has written the whole state, which took longer than the request timeout. Here writing the state takes 3 s
 * with a 1 s request timeout: the backup still completes, with the state and the entry's index.
 */
class SlowBackupTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RaftAutoConfiguration.class, RaftKeyValueStoreAutoConfiguration.class))
        .withPropertyValues("raft.node-id=solo", "raft.storage=memory", "raft.bind-address=127.0.0.1",
                "raft.advertise-address=127.0.0.1", "raft.request-timeout=1s");

    @Test
    void aBackupWhoseStateTakesLongerToWriteThanTheRequestTimeoutCompletes() {
        runner.withPropertyValues("raft.port=" + FreePorts.next())
            .withBean(RaftEngineCustomizer.class, () -> builder -> builder.stateMachine(SlowSnapshots::new))
            .run(context -> {
                assertThat(context).hasNotFailed();
                RaftNode node = context.getBean(RaftNode.class);
                await().atMost(Duration.ofSeconds(60)).until(() -> node.status().role() == RaftRole.LEADER);
                long written = context.getBean(RaftKeyValueStore.class).put("k", "v").index();

                ByteArrayOutputStream out = new ByteArrayOutputStream();
                long index = node.backupTo(out);

                assertThat(index).isGreaterThan(written);
                RaftBackup backup = RaftBackup.fromByteArray(out.toByteArray());
                assertThat(backup.index()).isEqualTo(index);
                assertThat(new String(backup.state(), java.nio.charset.StandardCharsets.UTF_8)).contains("\"k\"");
                assertThat(node.operationsInProgress()).isEmpty();
            });
    }

    /** The application's state machine, whose state takes 3 s to write (a large state on a slow disk). */
    private record SlowSnapshots(ReplicatedStateMachine delegate) implements ReplicatedStateMachine {

        @Override
        public byte[] apply(long index, byte[] command) {
            return delegate.apply(index, command);
        }

        @Override
        public String validate(byte[] command) {
            return delegate.validate(command);
        }

        @Override
        public byte[] query(byte[] query) {
            return delegate.query(query);
        }

        @Override
        public void snapshot(OutputStream out) throws IOException {
            try {
                Thread.sleep(3000);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            delegate.snapshot(out);
        }

        @Override
        public void restore(InputStream in) throws IOException {
            delegate.restore(in);
        }
    }
}
