package io.github.raftspringboot.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RowCompilersTest {

    @Test
    void saysTheBusiestRoundOfEachRowInTheOrderMeasured() {
        RowCompilers compilers = new RowCompilers();
        compilers.record("put-64", 0.32);
        compilers.record("put-64", 0.08);
        compilers.record("put-1", 0.02);

        assertThat(compilers.note()).hasValueSatisfying(note -> assertThat(note).contains("put-64 32 %, put-1 2 %."));
    }

    @Test
    void saysNothingWithoutRuns() {
        assertThat(new RowCompilers().note()).isEmpty();
    }
}
