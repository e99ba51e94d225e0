package io.github.raftspringboot.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.util.internal.PlatformDependent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the JVM flags the Raft engine needs before it starts, so that a missing flag is a clear start-up
 * failure instead of an {@code ExceptionInInitializerError} deep inside the engine's serializer.
 */
public final class JvmOptions {

    /** The flag every JVM that runs a node needs. */
    public static final String REQUIRED_FLAG = "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED";

    /** The second one: the serializer also reflects into java.util's collections. */
    public static final String REQUIRED_UTIL_FLAG = "--add-opens=java.base/java.util=ALL-UNNAMED";

    /** Keeps Netty on {@code sun.misc.Unsafe} on Java 25 (Java 23 and later have the flag). */
    public static final String UNSAFE_FLAG = "--sun-misc-unsafe-memory-access=allow";

    /** Silences the serializer's native-access warning (Java 22 and later). */
    public static final String NATIVE_ACCESS_FLAG = "--enable-native-access=ALL-UNNAMED";

    /** Both, as docs/configuration.md asks for them on Java 23 and later. */
    public static final String UNSAFE_FLAGS = UNSAFE_FLAG + " " + NATIVE_ACCESS_FLAG;

    /**
     * Bytes from which a log entry is written to its segment file with {@code pwrite} instead of stored into the
     * segment's mapping (docs/configuration.md, "How the log is written"); a negative value keeps Atomix's writer.
     */
    public static final String LOG_WRITE_THRESHOLD_PROPERTY = "raft.log.channel-write-threshold";

    /** The threshold's default: 4 KB, a page. */
    public static final int DEFAULT_LOG_WRITE_THRESHOLD = 4096;

    private static final Logger logger = LoggerFactory.getLogger(JvmOptions.class);

    private static final AtomicBoolean UNSAFE_ADVISED = new AtomicBoolean();

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
        logWriteThreshold();
    }

    /** The {@value #LOG_WRITE_THRESHOLD_PROPERTY} system property, or its default; a start-up failure if not a number. */
    public static int logWriteThreshold() {
        String value = System.getProperty(LOG_WRITE_THRESHOLD_PROPERTY);
        if (value == null) {
            return DEFAULT_LOG_WRITE_THRESHOLD;
        }
        try {
            return Integer.parseInt(value.trim());
        }
        catch (NumberFormatException ex) {
            throw new RaftStartupException(RaftStartupException.Problem.JVM_OPTION_INVALID,
                    "The system property " + LOG_WRITE_THRESHOLD_PROPERTY + " is '" + value
                            + "', which is not a whole number of bytes.",
                    "Give it a number of bytes (-D" + LOG_WRITE_THRESHOLD_PROPERTY + "=" + DEFAULT_LOG_WRITE_THRESHOLD
                            + " is the default; a negative number keeps Atomix's own writer), or leave it out. "
                            + "See docs/configuration.md.",
                    ex);
        }
    }

    /**
     * Warns once per JVM when Netty (the peer transport and gRPC) runs without {@code sun.misc.Unsafe} on Java 24 or
     * later because the JVM was not started with the flag that allows it: Netty 4.2 turns it off on Java 25 by
     * default, and a write then costs the nodes about a quarter more CPU (docs/benchmarks.md, Java 25).
     */
    public static void adviseOnNettyUnsafe() {
        String advice = nettyUnsafeAdvice(Runtime.version().feature(), PlatformDependent.hasUnsafe(),
                System.getProperty("io.netty.noUnsafe"));
        if (advice != null && UNSAFE_ADVISED.compareAndSet(false, true)) {
            logger.warn(advice);
        }
    }

    /** The warning for a JVM of {@code javaFeature} whose Netty has or has not Unsafe; {@code null}: none. */
    static String nettyUnsafeAdvice(int javaFeature, boolean nettyHasUnsafe, String noUnsafeProperty) {
        if (javaFeature < 24 || nettyHasUnsafe || noUnsafeProperty != null) {
            // Java 17-23 keep it; -Dio.netty.noUnsafe chose either way on purpose.
            return null;
        }
        return "Netty runs without sun.misc.Unsafe on Java " + javaFeature + ", so the Raft peer transport and gRPC "
                + "use slower buffers (a write costs the nodes about a quarter more CPU). Start the JVM with "
                + UNSAFE_FLAGS + " (docs/configuration.md, JVM flags), or with -Dio.netty.noUnsafe=true to keep it "
                + "off without this warning.";
    }

    private static boolean isOpen(Class<?> type) {
        return type.getModule().isOpen(type.getPackageName(), JvmOptions.class.getModule());
    }
}
