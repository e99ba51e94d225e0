package io.github.raftspringboot.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JvmOptionsTest {

    @Test
    void warnsOnJava24AndLaterWhenNettyRunsWithoutUnsafeAndSaysHowToFixIt() {
        assertThat(JvmOptions.nettyUnsafeAdvice(25, false, null))
            .contains("Netty runs without sun.misc.Unsafe on Java 25")
            .contains("--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED")
            .contains("docs/configuration.md");
        assertThat(JvmOptions.nettyUnsafeAdvice(24, false, null)).isNotNull();
    }

    @Test
    void saysNothingWhenNettyHasUnsafeOnOlderJavaOrWhenTheUserChose() {
        assertThat(JvmOptions.nettyUnsafeAdvice(25, true, null)).isNull();
        assertThat(JvmOptions.nettyUnsafeAdvice(17, false, null)).isNull();
        assertThat(JvmOptions.nettyUnsafeAdvice(25, false, "true")).isNull();
    }

    @Test
    void theLogWriteThresholdIsAWholeNumberOfBytesOrTheStartFailsSayingHowToFixIt() {
        String before = System.getProperty(JvmOptions.LOG_WRITE_THRESHOLD_PROPERTY);
        try {
            System.clearProperty(JvmOptions.LOG_WRITE_THRESHOLD_PROPERTY);
            assertThat(JvmOptions.logWriteThreshold()).isEqualTo(4096);
            System.setProperty(JvmOptions.LOG_WRITE_THRESHOLD_PROPERTY, "-1");
            assertThat(JvmOptions.logWriteThreshold()).isEqualTo(-1);
            System.setProperty(JvmOptions.LOG_WRITE_THRESHOLD_PROPERTY, "4KB");
            assertThatThrownBy(JvmOptions::verify).isInstanceOf(RaftStartupException.class)
                .hasMessageContaining("raft.log.channel-write-threshold is '4KB', which is not a whole number of bytes")
                .satisfies(ex -> assertThat(((RaftStartupException) ex).action())
                    .contains("-Draft.log.channel-write-threshold=4096"));
        }
        finally {
            if (before == null) {
                System.clearProperty(JvmOptions.LOG_WRITE_THRESHOLD_PROPERTY);
            }
            else {
                System.setProperty(JvmOptions.LOG_WRITE_THRESHOLD_PROPERTY, before);
            }
        }
    }
}
