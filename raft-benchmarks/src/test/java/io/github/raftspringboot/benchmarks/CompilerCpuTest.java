package io.github.raftspringboot.benchmarks;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CompilerCpuTest {

    @Test
    void onlyHotSpotCompilerThreadsCount() {
        assertThat(CompilerCpu.isCompiler("17 (C2 CompilerThre) S 1 2 3 0 -1 0 0 0 0 0 250 75")).isTrue();
        assertThat(CompilerCpu.isCompiler("18 (C1 CompilerThre) S 1 2 3 0 -1 0 0 0 0 0 1 2")).isTrue();
        assertThat(CompilerCpu.isCompiler("19 (GC Thread#0) S 1 2 3 0 -1 0 0 0 0 0 1 2")).isFalse();
        assertThat(CompilerCpu.isCompiler("20 (etcd) S 1 2 3 0 -1 0 0 0 0 0 1 2")).isFalse();
    }

    @Test
    void eachThreadsGrowthAndNewThreadsAreCountedAndAThreadGoneIsNot() {
        Map<Long, Long> before = Map.of(1L, 100L, 2L, 50L);
        Map<Long, Long> after = Map.of(1L, 130L, 3L, 20L);

        assertThat(CompilerCpu.secondsBetween(before, after)).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void thisJvmsCompilerThreadsAreFound() {
        // HotSpot keeps at least one thread of each compiler alive.
        assertThat(CompilerCpu.ticksByThread(List.of(ProcessHandle.current().pid()))).isNotEmpty()
            .allSatisfy((tid, ticks) -> assertThat(ticks).isNotNegative());
        assertThat(CompilerCpu.ticksByThread(List.of(Long.MAX_VALUE))).as("a process that is gone").isEmpty();
    }
}
