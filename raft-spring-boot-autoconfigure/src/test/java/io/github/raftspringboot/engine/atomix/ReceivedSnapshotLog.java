package io.github.raftspringboot.engine.atomix;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

/**
 * Keeps what {@link ReceivedSnapshot} logs, for {@link StreamedSnapshotInstallTest}. Declared in logback-test.xml:
 * an appender added from a test would be dropped when Spring Boot resets logging as a restarted node starts.
 */
public class ReceivedSnapshotLog extends AppenderBase<ILoggingEvent> {

    private static final List<String> messages = new CopyOnWriteArrayList<>();

    static List<String> messages() {
        return List.copyOf(messages);
    }

    @Override
    protected void append(ILoggingEvent event) {
        messages.add(event.getFormattedMessage());
    }
}
