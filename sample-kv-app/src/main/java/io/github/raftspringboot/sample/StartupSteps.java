package io.github.raftspringboot.sample;

import java.time.Duration;
import java.util.Comparator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline;
import org.springframework.context.ApplicationListener;

/**
 * Where a start spends its time: with {@code -Dsample.startup-steps=N} the app records Spring's start-up steps
 * (context refresh, configuration classes, each bean's creation, the web server...) and logs the N longest once it
 * is ready. Works the same with and without Spring AOT and an AOT cache (docs/benchmarks.md, start-up profile).
 */
final class StartupSteps implements ApplicationListener<ApplicationReadyEvent> {

    static final String PROPERTY = "sample.startup-steps";

    private static final Logger log = LoggerFactory.getLogger(StartupSteps.class);

    private final BufferingApplicationStartup startup = new BufferingApplicationStartup(20_000);

    private final int count;

    private StartupSteps(int count) {
        this.count = count;
    }

    /** Records the steps of the application's start when {@value #PROPERTY} is set to a count of steps to log. */
    static void recordIfAsked(SpringApplication application) {
        Integer count = Integer.getInteger(PROPERTY);
        if (count != null && count > 0) {
            StartupSteps steps = new StartupSteps(count);
            application.setApplicationStartup(steps.startup);
            application.addListeners(steps);
        }
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        StartupTimeline timeline = startup.getBufferedTimeline();
        StringBuilder report = new StringBuilder("The " + count + " longest start-up steps (ms, start offset ms, step):");
        timeline.getEvents()
            .stream()
            .sorted(Comparator.comparing(StartupTimeline.TimelineEvent::getDuration).reversed())
            .limit(count)
            .forEach(step -> {
                report.append(String.format("%n%7d %7d  %s", step.getDuration().toMillis(),
                        Duration.between(timeline.getStartTime(), step.getStartTime()).toMillis(),
                        step.getStartupStep().getName()));
                step.getStartupStep().getTags().forEach(tag -> {
                    if (!tag.getKey().equals("beanType")) {
                        report.append(' ').append(tag.getKey()).append('=').append(tag.getValue());
                    }
                });
            });
        log.info("{}", report);
    }
}
