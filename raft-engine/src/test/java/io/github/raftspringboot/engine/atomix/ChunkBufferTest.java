package io.github.raftspringboot.engine.atomix;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkBufferTest {

    @Test
    void eachChunkIsCollectedInTheSameArray() {
        ChunkBuffer.BulkBytes bytes = new ChunkBuffer.BulkBytes(1024);
        byte[] first = random(1000, 1);
        byte[] second = random(700, 2);

        ChunkBuffer one = ChunkBuffer.over(bytes);
        one.write(first);
        byte[] array = one.array();
        assertThat(one.position()).isEqualTo(1000);
        assertThat(Arrays.copyOf(array, 1000)).isEqualTo(first);
        one.close();

        ChunkBuffer two = ChunkBuffer.over(bytes);
        two.write(second, 0, 700);
        assertThat(two.position()).isEqualTo(700);
        assertThat(two.array()).isSameAs(array);
        assertThat(Arrays.copyOf(two.array(), 700)).isEqualTo(second);
    }

    @Test
    void aLargerChunkGrowsTheArrayForTheNextOnes() {
        ChunkBuffer.BulkBytes bytes = new ChunkBuffer.BulkBytes(1024);
        byte[] large = random(5000, 3);

        ChunkBuffer buffer = ChunkBuffer.over(bytes);
        buffer.write(random(10, 4));
        buffer.write(large);
        assertThat(buffer.position()).isEqualTo(5010);
        assertThat(Arrays.copyOfRange(buffer.array(), 10, 5010)).isEqualTo(large);
        buffer.close();

        assertThat(ChunkBuffer.over(bytes).capacity()).isGreaterThanOrEqualTo(5010);
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }
}
