package io.github.raftspringboot.test.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class ConnectivityTest {

    @Test
    void isolateCutsEveryLinkOfOneNodeBothWays() {
        Connectivity shape = Connectivity.isolate(3, 1);

        assertThat(shape.cutLinks()).containsExactly("0->1", "1->0", "1->2", "2->1");
        assertThat(shape.canSend(0, 2)).isTrue();
    }

    @Test
    void splitSeparatesAMinorityFromTheMajority() {
        Connectivity shape = Connectivity.split(5, List.of(3, 4));

        assertThat(shape.canSend(3, 4)).isTrue();
        assertThat(shape.canSend(0, 2)).isTrue();
        assertThat(shape.canSend(0, 3)).isFalse();
        assertThat(shape.canSend(4, 1)).isFalse();
        assertThat(shape.toString()).startsWith("split [3, 4] | [0, 1, 2]");
    }

    @Test
    void bridgeSeesBothHalvesThatCannotSeeEachOther() {
        Connectivity shape = Connectivity.bridge(5, 2);

        assertThat(shape.canSend(0, 1)).isTrue();
        assertThat(shape.canSend(3, 4)).isTrue();
        for (int other : new int[] { 0, 1, 3, 4 }) {
            assertThat(shape.canSend(2, other)).isTrue();
            assertThat(shape.canSend(other, 2)).isTrue();
        }
        assertThat(shape.canSend(0, 3)).isFalse();
        assertThat(shape.canSend(4, 1)).isFalse();
        assertThat(shape.toString()).startsWith("bridge 2 between [0, 1] and [3, 4]");
    }

    @Test
    void oneWayCutsOneDirectionOnly() {
        Connectivity shape = Connectivity.oneWay(3, 0, 2);

        assertThat(shape.cutLinks()).containsExactly("0->2");
        assertThat(shape.canSend(2, 0)).isTrue();
    }

    @Test
    void shapesCombine() {
        Connectivity shape = Connectivity.oneWay(3, 0, 1).and(Connectivity.oneWay(3, 1, 2));

        assertThat(shape.cutLinks()).containsExactly("0->1", "1->2");
        assertThat(Connectivity.full(3).cutLinks()).isEmpty();
    }

    @Test
    void unknownNodesAreRefusedWithTheValidRange() {
        assertThatThrownBy(() -> Connectivity.isolate(3, 3)).hasMessage("No node 3 among nodes 0..2");
        assertThatThrownBy(() -> Connectivity.split(3, List.of(-1))).hasMessage("No node -1 among nodes 0..2");
        assertThatThrownBy(() -> Connectivity.full(3).and(Connectivity.full(5)))
                .hasMessageContaining("3 and 5 nodes");
    }
}
