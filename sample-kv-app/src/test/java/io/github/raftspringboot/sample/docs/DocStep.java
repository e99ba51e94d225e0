package io.github.raftspringboot.sample.docs;

import tools.jackson.databind.JsonNode;

/** One thing an executable document does, in document order. */
sealed interface DocStep {

    /** Where in the document the step comes from, e.g. {@code docs/http-api.md:97}. */
    String location();

    /**
     * A {@code curl} or {@code raftmanager} command as the document shows it (continuation lines joined), to run with
     * {@code bash -c} once its ports are mapped to the test cluster's.
     *
     * @param expectedJson the value a trailing {@code # comment} documents as the output, or {@code null}
     * @param expectFailure the document shows this command failing (an error line, a 4xx/5xx status, or an
     * {@code expect-error} annotation)
     * @param documentedError the error line the document shows ({@code raftmanager: ...}), or {@code null}
     */
    record Command(String location, String text, String comment, JsonNode expectedJson, boolean expectFailure,
            String documentedError) implements DocStep {
    }

    /** A command that does not run as is (an {@code illustrative} block): counted and listed with the reason. */
    record Illustrative(String location, String text, String reason) implements DocStep {
    }

    /** {@code NAME=value} in a block, or an {@code env} annotation: exported to every later command. */
    record Env(String location, String name, String value) implements DocStep {
    }

    /**
     * A change to the cluster the document asks for: {@code start nodeN}, {@code stop nodeN} (annotations, or
     * {@code scripts/local-cluster.sh start|stop nodeN} lines), {@code move nodeN PORT} (restart it on a new Raft
     * port, which the docs call {@code PORT}), {@code new-cluster} (a fresh cluster on empty state
     * directories, as a restore into a new cluster needs), or {@code run <bash>} to prepare files.
     */
    record Action(String location, String verb, String argument) implements DocStep {
    }
}
