package io.github.raftspringboot.sample.docs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the {@code curl} and {@code raftmanager} commands of a Markdown document, with the
 * {@code <!-- docs-test: ... -->} annotations that say what cannot run as is (see docs/architecture.md,
 * "Executable documentation").
 */
final class MarkdownCommands {

    private static final Pattern ANNOTATION = Pattern.compile("^\\s*<!--\\s*docs-test:\\s*(\\S+)\\s*(.*?)\\s*-->\\s*$");

    private static final Pattern COMMAND = Pattern.compile("^(curl|raftmanager)(\\s.*)?$|^for\\s.*\\b(curl|raftmanager)\\s.*$");

    private static final Pattern LOCAL_CLUSTER = Pattern.compile("^scripts/local-cluster\\.sh\\s+(start|stop)\\s+(node\\d+)$");

    private static final Pattern ENV = Pattern.compile("^([A-Z_][A-Z0-9_]*)=(\\S*)$");

    private static final Pattern HTTP_STATUS_LINE = Pattern.compile("^HTTP/[\\d.]+ (\\d{3})\\b.*");

    /** Blocks that may hold commands: shell ones (every line), text and console ones (their "$ " lines only). */
    private static final Set<String> SHELL = Set.of("shell", "bash", "sh", "");

    private static final Set<String> TRANSCRIPT = Set.of("text", "console");

    private static final JsonMapper JSON = JsonMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();

    private MarkdownCommands() {
    }

    static ExecutableDoc parse(String name, String markdown) {
        List<DocStep> steps = new ArrayList<>();
        Map<String, String> properties = new LinkedHashMap<>();
        List<Annotation> pending = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String trimmed = lines[i].strip();
            Matcher annotation = ANNOTATION.matcher(lines[i]);
            if (annotation.matches()) {
                Annotation parsed = new Annotation(name + ":" + (i + 1), annotation.group(1), annotation.group(2));
                if (parsed.verb().equals("property")) {
                    String[] pair = parsed.keyValue();
                    properties.put(pair[0], pair[1]);
                }
                else {
                    pending.add(parsed);
                }
            }
            else if (trimmed.startsWith("```")) {
                int indent = lines[i].indexOf('`');
                String language = trimmed.substring(3).strip();
                List<String> block = new ArrayList<>();
                int first = i + 1;
                for (i++; i < lines.length && !lines[i].strip().startsWith("```"); i++) {
                    block.add(lines[i].length() >= indent && lines[i].substring(0, indent).isBlank()
                            ? lines[i].substring(indent) : lines[i].strip());
                }
                readBlock(name, first, language, block, pending, steps);
                pending.clear();
            }
        }
        if (!pending.isEmpty()) {
            throw new IllegalArgumentException(pending.get(0).location() + ": annotation not followed by a code block");
        }
        return new ExecutableDoc(name, List.copyOf(steps), Map.copyOf(properties));
    }

    private static void readBlock(String name, int firstLine, String language, List<String> block,
            List<Annotation> annotations, List<DocStep> steps) {
        String illustrative = null;
        List<String> expectedErrors = new ArrayList<>();
        for (Annotation annotation : annotations) {
            switch (annotation.verb()) {
                case "illustrative" -> illustrative = annotation.argument();
                case "expect-error" -> expectedErrors.add(annotation.argument());
                case "env" -> {
                    String[] pair = annotation.keyValue();
                    steps.add(new DocStep.Env(annotation.location(), pair[0], pair[1]));
                }
                case "start", "stop", "move", "run", "new-cluster" -> steps.add(new DocStep.Action(annotation.location(), annotation.verb(),
                        annotation.argument()));
                default -> throw new IllegalArgumentException(annotation.location() + ": unknown docs-test annotation '"
                        + annotation.verb() + "' (illustrative, expect-error, env, start, stop, move, run, new-cluster, property)");
            }
        }
        boolean transcript = block.stream().anyMatch(line -> line.startsWith("$ "));
        boolean mayHoldCommands = SHELL.contains(language) || transcript && TRANSCRIPT.contains(language);
        if (!mayHoldCommands) {
            return;
        }
        for (int i = 0; i < block.size(); i++) {
            String line = block.get(i);
            String location = name + ":" + (firstLine + i + 1);
            if (transcript && !line.startsWith("$ ")) {
                continue;
            }
            StringBuilder joined = new StringBuilder(transcript ? line.substring(2) : line);
            while (joined.toString().stripTrailing().endsWith("\\") && i + 1 < block.size()) {
                String head = joined.toString().stripTrailing();
                head = head.substring(0, head.length() - 1).stripTrailing();
                joined.setLength(0);
                joined.append(head).append(' ').append(block.get(++i).strip());
            }
            String[] commandAndComment = splitComment(joined.toString().strip());
            String text = commandAndComment[0];
            String comment = commandAndComment[1];
            List<String> output = transcript ? outputAfter(block, i) : List.of();
            if (COMMAND.matcher(text).matches()) {
                if (illustrative != null) {
                    steps.add(new DocStep.Illustrative(location, text, illustrative));
                    continue;
                }
                String documentedError = output.stream().filter(out -> out.startsWith("raftmanager: ")).findFirst()
                    .orElse(null);
                boolean expectFailure = documentedError != null || output.stream().anyMatch(MarkdownCommands::isErrorStatus)
                        || expectedErrors.stream().anyMatch(text::contains);
                steps.add(new DocStep.Command(location, text, comment, expectedJson(comment), expectFailure,
                        documentedError));
            }
            else if (illustrative == null) {
                Matcher localCluster = LOCAL_CLUSTER.matcher(text);
                Matcher env = ENV.matcher(text);
                if (localCluster.matches()) {
                    steps.add(new DocStep.Action(location, localCluster.group(1), localCluster.group(2)));
                }
                else if (env.matches()) {
                    steps.add(new DocStep.Env(location, env.group(1), env.group(2)));
                }
            }
        }
    }

    /** A transcript's output lines after the command at {@code index}: up to the next command or blank line. */
    private static List<String> outputAfter(List<String> block, int index) {
        List<String> output = new ArrayList<>();
        for (int i = index + 1; i < block.size() && !block.get(i).isBlank() && !block.get(i).startsWith("$ "); i++) {
            output.add(block.get(i));
        }
        return output;
    }

    private static boolean isErrorStatus(String line) {
        Matcher status = HTTP_STATUS_LINE.matcher(line);
        return status.matches() && Integer.parseInt(status.group(1)) >= 400;
    }

    /** {@code [command, comment]}: the comment is what follows the first {@code #} outside quotes after a blank. */
    static String[] splitComment(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            }
            else if (c == '\'' || c == '"') {
                quote = c;
            }
            else if (c == '#' && i > 0 && Character.isWhitespace(line.charAt(i - 1))) {
                return new String[] { line.substring(0, i).strip(), line.substring(i + 1).strip() };
            }
        }
        return new String[] { line, "" };
    }

    /**
     * The output a comment documents: its text up to the first double space, when that is one whole JSON value
     * ({@code # "alice"}, {@code # null}, {@code # {"a":1}   (prose)}); otherwise the comment is prose.
     */
    static JsonNode expectedJson(String comment) {
        String candidate = comment.split("\\s{2,}", 2)[0];
        if (candidate.isEmpty()) {
            return null;
        }
        try {
            return JSON.readTree(candidate);
        }
        catch (JacksonException ex) {
            return null;
        }
    }

    static JsonMapper json() {
        return JSON;
    }

    private record Annotation(String location, String verb, String argument) {

        String[] keyValue() {
            int equals = argument.indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException(location + ": expected " + verb + " NAME=value, got '" + argument + "'");
            }
            return new String[] { argument.substring(0, equals), argument.substring(equals + 1) };
        }
    }
}
