package io.github.raftspringboot.autoconfigure.metrics;

import java.lang.management.ManagementFactory;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

import io.github.raftspringboot.api.ReadConsistency;

import static org.assertj.core.api.Assertions.assertThat;

/** The store's timers: tagged per operation, consistency and outcome, and registered once, not at every call. */
class StoreOperationTimerTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();

    private final StoreOperationTimer timer = new StoreOperationTimer(
            new StaticListableBeanFactory(Map.of("registry", registry)).getBeanProvider(MeterRegistry.class));

    @Test
    void recordsEachCallUnderItsTags() {
        timer.stop(timer.start(), "put_all", null, true);
        timer.stop(timer.start(), "put_all", null, true);
        timer.stop(timer.start(), "put_all", null, false);
        timer.stop(timer.start(), "get", ReadConsistency.LOCAL, true);

        assertThat(count("put_all", "none", "success")).isEqualTo(2);
        assertThat(count("put_all", "none", "error")).isEqualTo(1);
        assertThat(count("get", "local", "success")).isEqualTo(1);
        assertThat(registry.find(StoreOperationTimer.METRIC).timers()).hasSize(3);
    }

    @Test
    void aCallOfAKnownOperationBuildsNoTimer() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int calls = 20_000;
        Timer.Sample[] samples = new Timer.Sample[calls];
        for (int i = 0; i < calls; i++) {
            samples[i] = timer.start();
        }
        timer.stop(timer.start(), "put_all", null, true);
        long before = threads.getCurrentThreadAllocatedBytes();
        for (Timer.Sample sample : samples) {
            timer.stop(sample, "put_all", null, true);
        }
        long perCall = (threads.getCurrentThreadAllocatedBytes() - before) / calls;
        assertThat(count("put_all", "none", "success")).isEqualTo(calls + 1);
        // A builder, its tags and the meter id at every call were several hundred bytes.
        assertThat(perCall).as("bytes allocated per recorded call").isLessThan(100);
    }

    private long count(String operation, String consistency, String outcome) {
        Timer found = registry.find(StoreOperationTimer.METRIC).tag("operation", operation)
            .tag("consistency", consistency).tag("outcome", outcome).timer();
        return (found != null) ? found.count() : 0;
    }
}
