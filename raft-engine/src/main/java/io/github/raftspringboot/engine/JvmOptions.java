package io.github.raftspringboot.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Checks the JVM flags the Raft engine needs before it starts, so that a missing flag is a clear start-up
 * failure instead of an {@code ExceptionInInitializerError} deep inside the engine's serializer.
 */
public final class JvmOptions {

    /** The flag every JVM that runs a node needs. */
    public static final String REQUIRED_FLAG = "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED";

    /** The second one: the serializer also reflects into java.util's collections. */
    public static final String REQUIRED_UTIL_FLAG = "--add-opens=java.base/java.util=ALL-UNNAMED";

    private JvmOptions() {
    }

    public static void verify() {
        List<String> missing = new ArrayList<>();
        if (!isOpen(AtomicBoolean.class)) {
            missing.add(REQUIRED_FLAG);
        }
        if (!isOpen(ArrayList.class)) {
            missing.add(REQUIRED_UTIL_FLAG);
        }
        if (!missing.isEmpty()) {
            String flags = String.join(" ", missing);
            throw new RaftStartupException(RaftStartupException.Problem.JVM_OPTIONS_MISSING,
                    "The JVM was started without " + flags
                            + ", which the Raft engine's serializer needs on Java 17 and later.",
                    "Add the flags where the JVM is started: 'java " + REQUIRED_FLAG + " " + REQUIRED_UTIL_FLAG
                            + " -jar app.jar'; for an executable jar, the manifest entry "
                            + "'Add-Opens: java.base/java.util.concurrent.atomic java.base/java.util'; for "
                            + "spring-boot:run, <jvmArguments>; for tests, Surefire's <argLine>; or the "
                            + "JDK_JAVA_OPTIONS environment variable. See docs/configuration.md.",
                    null);
        }
    }

    private static boolean isOpen(Class<?> type) {
        return type.getModule().isOpen(type.getPackageName(), JvmOptions.class.getModule());
    }
}
