package io.github.raftspringboot.sample.advisories;

/** A library in a runtime dependency tree. */
record RuntimeComponent(String group, String name, String version) {

    /** The advisory database's package name: {@code groupId:artifactId}. */
    String packageName() {
        return group + ":" + name;
    }

    @Override
    public String toString() {
        return packageName() + ":" + version;
    }
}
