package io.github.raftspringboot.autoconfigure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;

import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.autoconfigure.kv.RaftKeyValueStoreAutoConfiguration;
import io.github.raftspringboot.engine.RaftEngine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;

/**
 * The engine opens on a thread of its own while the other beans are created ({@link EngineOpening}), and what it
 * throws still fails the start-up, unchanged.
 */
@ExtendWith(OutputCaptureExtension.class)
class EngineOpeningTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RaftAutoConfiguration.class, RaftKeyValueStoreAutoConfiguration.class));

    /** Calls to the engine, in order, with the thread that made each. */
    private final List<String> calls = new CopyOnWriteArrayList<>();

    private final CountDownLatch opened = new CountDownLatch(1);

    private RaftEngine recordingEngine() {
        RaftEngine engine = mock(RaftEngine.class);
        doAnswer(invocation -> {
            calls.add("open on " + Thread.currentThread().getName());
            opened.countDown();
            return null;
        }).when(engine).open();
        doAnswer(invocation -> calls.add("start")).when(engine).start();
        doAnswer(invocation -> calls.add("close")).when(engine).close();
        return engine;
    }

    @Test
    void theEngineOpensWhileLaterBeansAreCreatedThenJoinsAfterTheRefresh() {
        RaftEngine engine = recordingEngine();
        runner.withBean(RaftEngine.class, () -> engine)
            .withBean(CountDownLatch.class, () -> opened)
            .withUserConfiguration(WitnessAfterLifecycle.class)
            .run(context -> {
                assertThat(context).hasNotFailed();
                // The witness, created after the life cycle bean and before any life cycle starts, saw the open.
                assertThat(context.getBean(OpeningWitness.class).sawOpen).isTrue();
                assertThat(calls).first().asString().startsWith("open on raft-open-");
                assertThat(calls).endsWith("start");
            });
        assertThat(calls).last().isEqualTo("close");
    }

    @Test
    void aFailureToOpenFailsTheStartUpWithTheSameException(CapturedOutput output) {
        RaftException failure = new RaftException(RaftException.Reason.INTERNAL, "the state directory is unusable");
        RaftEngine engine = mock(RaftEngine.class);
        doThrow(failure).when(engine).open();
        runner.withBean(RaftEngine.class, () -> engine)
            .run(context -> assertThat(context).hasFailed()
                .getFailure().satisfies(thrown -> assertThat(rootCause(thrown)).isSameAs(failure)));
        // Thrown to the starting thread, so not reported a second time.
        assertThat(output).doesNotContain("also failed to open");
    }

    @Test
    void aContextThatFailsElsewhereWaitsForTheOpeningAndReportsItsFailure(CapturedOutput output) {
        RaftEngine engine = mock(RaftEngine.class);
        doThrow(new RaftException(RaftException.Reason.INTERNAL, "the Raft port is in use")).when(engine).open();
        runner.withBean(RaftEngine.class, () -> engine)
            .withUserConfiguration(FailingAfterLifecycle.class)
            .run(context -> assertThat(context).hasFailed()
                .getFailure().hasStackTraceContaining("another bean failed"));
        assertThat(output).contains("The Raft engine also failed to open while the application context was starting")
            .contains("the Raft port is in use");
    }

    private static Throwable rootCause(Throwable thrown) {
        Throwable cause = thrown;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Waits, while it is created, for the engine's open to have begun elsewhere. */
    static final class OpeningWitness {

        final boolean sawOpen;

        OpeningWitness(CountDownLatch opened) {
            try {
                sawOpen = opened.await(30, TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class WitnessAfterLifecycle {

        @Bean
        @DependsOn("raftEngineLifecycle")
        OpeningWitness openingWitness(CountDownLatch opened) {
            return new OpeningWitness(opened);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class FailingAfterLifecycle {

        @Bean
        @DependsOn("raftEngineLifecycle")
        String failing() {
            throw new IllegalStateException("another bean failed");
        }
    }
}
