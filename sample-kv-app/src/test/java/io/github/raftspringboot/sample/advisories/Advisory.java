package io.github.raftspringboot.sample.advisories;

import org.apache.maven.artifact.versioning.DefaultArtifactVersion;
import org.apache.maven.artifact.versioning.InvalidVersionSpecificationException;
import org.apache.maven.artifact.versioning.VersionRange;

/**
 * One affected version range of one package in one advisory (a row of the advisory database). An advisory that
 * affects several ranges or packages is several rows with the same id.
 *
 * @param id           the CVE id, or the GHSA id where the advisory has no CVE
 * @param published    when GitHub published it (ISO-8601)
 * @param summary      its title
 * @param packageName  {@code groupId:artifactId}
 * @param introduced   the first affected version; {@code 0} or empty for "every version before the fix"
 * @param fixed        the first fixed version; empty when no release fixes it
 * @param severity     LOW, MODERATE, HIGH or CRITICAL (GitHub's rating)
 * @param lastAffected the last affected version where no release fixes it; empty when unknown (the bundled
 *                     database has no such column: such a range then reads as "every version from introduced")
 */
record Advisory(String id, String published, String summary, String packageName, String introduced, String fixed,
        String severity, String lastAffected) {

    boolean isHighOrCritical() {
        return "HIGH".equals(severity) || "CRITICAL".equals(severity);
    }

    /** Whether {@code version} lies in the affected range, compared with Maven's own version ordering. */
    boolean affects(String version) {
        return affectedRange().containsVersion(new DefaultArtifactVersion(version));
    }

    /**
     * The affected range as a Maven version range: {@code [introduced,fixed)}, or {@code [introduced,lastAffected]},
     * open where a bound is unknown.
     */
    VersionRange affectedRange() {
        String lower = introduced.isEmpty() || "0".equals(introduced) ? "(" : "[" + introduced;
        String upper = !fixed.isEmpty() ? fixed + ")" : !lastAffected.isEmpty() ? lastAffected + "]" : ")";
        String spec = lower + "," + upper;
        try {
            return VersionRange.createFromVersionSpec(spec);
        }
        catch (InvalidVersionSpecificationException ex) {
            throw new IllegalStateException("Advisory " + id + " for " + packageName + " has an unreadable range "
                    + spec + ": " + ex.getMessage(), ex);
        }
    }
}
