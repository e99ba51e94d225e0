package io.github.raftspringboot.engine;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Checks the JVM flags the Raft engine needs before it starts, so that a missing flag is a clear start-up
 * failure instead of an {@code ExceptionInInitializerError} deep inside the engine's serializer.
 */
public final class JvmOptions {

    /** The flag every JVM that runs a node needs. */
    public static final String REQUIRED_FLAG = "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED";

    private JvmOptions() {
    }

    public static void verify() {
        Module atomics = AtomicBoolean.class.getModule();
        if (!atomics.isOpen(AtomicBoolean.class.getPackageName(), JvmOptions.class.getModule())) {
            throw new RaftStartupException(RaftStartupException.Problem.JVM_OPTIONS_MISSING,
                    "The JVM was started without " + REQUIRED_FLAG
                            + ", which the Raft engine's serializer needs on Java 17 and later.",
                    "Add the flag where the JVM is started: 'java " + REQUIRED_FLAG + " -jar app.jar'; for an "
                            + "executable jar, the manifest entry 'Add-Opens: java.base/java.util.concurrent.atomic'; "
                            + "for spring-boot:run, <jvmArguments>; for tests, Surefire's <argLine>; or the "
                            + "JDK_JAVA_OPTIONS environment variable. See docs/configuration.md.",
                    null);
        }
    }
}
