package io.github.raftspringboot.sample.docs;

import java.util.List;
import java.util.Map;

/**
 * A document's commands and the cluster it needs.
 *
 * @param name the path of the document, relative to the repository root
 * @param steps what to do, in document order
 * @param properties {@code property} annotations: given to every node of the document's cluster
 */
record ExecutableDoc(String name, List<DocStep> steps, Map<String, String> properties) {

    long count(Class<? extends DocStep> type) {
        return steps.stream().filter(type::isInstance).count();
    }

    /** Whether the document needs a cluster at all: it has a command to run. */
    boolean runnable() {
        return count(DocStep.Command.class) > 0;
    }
}
