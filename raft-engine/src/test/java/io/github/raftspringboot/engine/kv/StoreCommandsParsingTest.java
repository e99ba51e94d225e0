package io.github.raftspringboot.engine.kv;

import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store's own parsing rules ({@link StoreCommands#strict}), and what a command costs to parse when every write
 * brings new keys: the keys are property names of the command, so a parser that canonicalizes names copies its whole
 * symbol table at each new key (about a quarter of a megabyte per write once thousands of keys were seen).
 */
class StoreCommandsParsingTest {

    private final JsonMapper strict = StoreCommands.strict(new JsonMapper());

    @Test
    void keepsTheStoreRulesAndDoesNotCanonicalizeKeys() {
        assertThat(strict.tokenStreamFactory().isEnabled(TokenStreamFactory.Feature.CANONICALIZE_PROPERTY_NAMES))
            .isFalse();
        assertThatThrownBy(() -> StoreCommands.parse(strict, bytes("{\"op\":\"put\",\"op\":\"delete\"}")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Duplicate");
        JsonNode command = StoreCommands.parse(strict, bytes("{\"op\":\"put_all\",\"entries\":{\"k\":1.10}}"));
        assertThat(command.get("entries").get("k").decimalValue()).isEqualTo(new BigDecimal("1.10"));
    }

    @Test
    void aCommandWithANewKeyAllocatesLittle() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int commands = 20_000;
        byte[][] encoded = new byte[commands][];
        for (int i = 0; i < commands; i++) {
            encoded[i] = bytes("{\"op\":\"put_all\",\"entries\":{\"bench/key-" + i + "\":\"" + "v".repeat(256) + "\"}}");
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (byte[] command : encoded) {
            assertThat(StoreCommands.parse(strict, command).get("op").asString()).isEqualTo("put_all");
        }
        long perCommand = (threads.getCurrentThreadAllocatedBytes() - before) / commands;
        // A few KB each without canonicalization; 360 KB each with it when measured (the copied symbol table).
        assertThat(perCommand).as("bytes allocated per parsed command").isLessThan(16 * 1024);
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
