package io.github.raftspringboot.sample.docs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** Runs one document's steps, in order, against its own cluster, and says how each command went. */
final class DocRunner {

    /** How long a command that may succeed later (see {@link #execute}) is run again. */
    private static final Duration RETRY = Duration.ofSeconds(20);

    /**
     * An address off this machine: an IPv4 literal outside 127/8, or a dotted host name with a port. A command that
     * names one is not run (a membership check would dial it): its block must be marked illustrative.
     */
    private static final Pattern REMOTE_ADDRESS = Pattern.compile(
            "(?<![\\w.-])(?!127\\.)(\\d{1,3}(\\.\\d{1,3}){3}\\b|(?!localhost\\b)[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+:\\d+)");

    private static final Pattern WRITE_OPTION = Pattern.compile("\\s(-X\\s*(POST|PUT|DELETE)|-d|--data\\S*)\\s");

    private final DocCluster cluster;

    private final Shell shell;

    private final Map<String, String> environment = new LinkedHashMap<>();

    DocRunner(DocCluster cluster, Shell shell) {
        this.cluster = cluster;
        this.shell = shell;
    }

    List<Outcome> run(ExecutableDoc doc) {
        List<Outcome> outcomes = new ArrayList<>();
        for (DocStep step : doc.steps()) {
            if (step instanceof DocStep.Env env) {
                environment.put(env.name(), env.value());
            }
            else if (step instanceof DocStep.Action action) {
                outcomes.addAll(act(action));
            }
            else if (step instanceof DocStep.Command command) {
                outcomes.add(execute(command));
            }
        }
        return outcomes;
    }

    private List<Outcome> act(DocStep.Action action) {
        switch (action.verb()) {
            case "start" -> cluster.start(action.argument());
            case "stop" -> cluster.stop(action.argument());
            case "new-cluster" -> cluster.replace();
            case "move" -> {
                String[] nodeAndPort = action.argument().split("\\s+");
                cluster.move(nodeAndPort[0], Integer.parseInt(nodeAndPort[1]));
            }
            case "run" -> {
                Shell.Result result = shell.run(cluster.rewrite(action.argument()), rewrittenEnvironment());
                if (result.exitCode() != 0) {
                    return List.of(new Outcome(action.location(), "run " + action.argument(), false,
                            "setup failed: " + result, 0));
                }
            }
            default -> throw new IllegalArgumentException(action.location() + ": unknown action " + action.verb());
        }
        return List.of();
    }

    /**
     * Runs the command; runs it again, for a while, when it answered 503 (the docs' contract: no leader right now,
     * retry) or when a read has not yet seen the output its comment documents (a follower catching up).
     */
    private Outcome execute(DocStep.Command command) {
        String script = cluster.rewrite(command.text());
        Optional<String> remote = remoteAddress(script + " " + String.join(" ", rewrittenEnvironment().values()));
        if (remote.isPresent()) {
            return new Outcome(command.location(), command.text(), false, "not run: it names " + remote.get()
                    + ", an address off this machine; mark its block <!-- docs-test: illustrative REASON -->", 0);
        }
        long started = System.nanoTime();
        boolean read = !WRITE_OPTION.matcher(" " + script + " ").find();
        while (true) {
            Shell.Result result = shell.run(script, rewrittenEnvironment());
            String problem = problem(command, result);
            long millis = (System.nanoTime() - started) / 1_000_000;
            if (problem == null) {
                return new Outcome(command.location(), command.text(), true, "", millis);
            }
            boolean retryable = !command.expectFailure() && (result.statuses().contains(503)
                    || read && command.expectedJson() != null && result.exitCode() == 0 && !result.httpError());
            if (!retryable || millis > RETRY.toMillis()) {
                return new Outcome(command.location(), command.text(), false,
                        problem + "\n    ran: " + script + "\n    " + result + "\n    cluster:" + cluster.describe(),
                        millis);
            }
        }
    }

    static Optional<String> remoteAddress(String command) {
        Matcher remote = REMOTE_ADDRESS.matcher(command);
        return remote.find() ? Optional.of(remote.group()) : Optional.empty();
    }

    /** The documents' variables, their ports mapped to the cluster's now (a node restarts on new ports). */
    private Map<String, String> rewrittenEnvironment() {
        Map<String, String> rewritten = new LinkedHashMap<>();
        environment.forEach((name, value) -> rewritten.put(name, cluster.rewrite(value)));
        return rewritten;
    }

    /** What is wrong with the result, or {@code null} when it is what the document shows. */
    private static String problem(DocStep.Command command, Shell.Result result) {
        boolean failed = result.exitCode() != 0 || result.httpError();
        if (command.expectFailure()) {
            if (!failed) {
                return "the document shows this command failing, but it succeeded";
            }
            if (command.documentedError() != null && !matchesDocumentedError(command.documentedError(), result.err())) {
                return "it failed with another error than the document shows (" + command.documentedError() + ")";
            }
            return null;
        }
        if (failed) {
            return "it failed";
        }
        if (command.expectedJson() != null) {
            JsonNode actual;
            try {
                actual = MarkdownCommands.json().readTree(result.out());
            }
            catch (JacksonException ex) {
                return "the comment documents " + command.expectedJson() + " but the output is not JSON";
            }
            if (!command.expectedJson().equals(actual)) {
                return "the comment documents " + command.expectedJson() + " but the output is " + actual;
            }
        }
        return null;
    }

    /** The documented line, with its numbers and "..." standing for whatever the real run printed there. */
    static boolean matchesDocumentedError(String documented, String stderr) {
        StringBuilder regex = new StringBuilder();
        for (String part : documented.split("\\(\\.\\.\\.\\)|\\.\\.\\.", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            String[] numbers = part.split("\\d+", -1);
            for (int i = 0; i < numbers.length; i++) {
                regex.append(i > 0 ? "\\d+" : "").append(Pattern.quote(numbers[i]));
            }
        }
        return Pattern.compile(regex.toString()).matcher(stderr).find();
    }

    record Outcome(String location, String command, boolean passed, String detail, long millis) {
    }
}
