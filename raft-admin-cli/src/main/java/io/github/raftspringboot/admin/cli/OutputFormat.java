package io.github.raftspringboot.admin.cli;

/** How results are printed. */
enum OutputFormat {
    /** raftadmin's {@code Invoking ...} / {@code Response: ...} lines, protobuf text format. */
    TEXT,
    /** One JSON document per run, protobuf's canonical JSON mapping for messages. */
    JSON
}
