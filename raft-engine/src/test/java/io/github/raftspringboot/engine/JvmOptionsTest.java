package io.github.raftspringboot.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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
}
