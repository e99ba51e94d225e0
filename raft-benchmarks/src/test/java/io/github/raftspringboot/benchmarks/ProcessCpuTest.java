package io.github.raftspringboot.benchmarks;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessCpuTest {

    @Test
    void userAndSystemTicksAreCountedAfterACommandNameWithSpacesAndParentheses() {
        String stat = "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 75 3 4 20 0 30 0 100 "
                + "5000000 1000 18446744073709551615";

        assertThat(ProcessCpu.ticks(stat)).isEqualTo(325);
    }

    @Test
    void thisJvmHasUsedSomeCpu() {
        assertThat(ProcessCpu.seconds(List.of(ProcessHandle.current().pid()))).isPositive();
    }
}
