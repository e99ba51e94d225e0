package io.github.raftspringboot.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An hraftd-style HTTP key-value service: every node of the cluster serves the same replicated store. */
@SpringBootApplication
public class SampleKvApplication {

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(SampleKvApplication.class);
        StartupSteps.recordIfAsked(application);
        application.run(args);
    }
}
