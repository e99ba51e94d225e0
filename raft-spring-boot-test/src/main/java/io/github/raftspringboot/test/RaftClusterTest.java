package io.github.raftspringboot.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts a {@link RaftTestCluster} of the application for each test method (or once for the class) and hands it to
 * the test as a parameter; the cluster is closed after the test.
 *
 * <pre>{@code
 * @RaftClusterTest(application = MyApplication.class, nodes = 3, properties = "my.feature=on")
 * class MyClusterTests {
 *
 *     @Test
 *     void survivesTheLossOfTheLeader(RaftTestCluster cluster) {
 *         String leader = cluster.awaitLeader();
 *         cluster.store(leader).put("k", 1);
 *         cluster.stop(leader);
 *         RaftClusterAssert.assertThat(cluster).hasOneLeader();
 *     }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RaftClusterExtension.class)
public @interface RaftClusterTest {

    /** The application every node runs: its {@code @SpringBootApplication} or configuration classes. */
    Class<?>[] application();

    /** How many nodes bootstrap the cluster. */
    int nodes() default 3;

    /** Properties every node gets, as {@code name=value}. */
    String[] properties() default {};

    /** Whether each node runs as a web application on its own free port. */
    boolean web() default false;

    /** Whether the links between the nodes run through proxies, for partitions and kills ({@code withNetworkFaults()}). */
    boolean networkFaults() default false;

    /** One cluster for all the test methods of the class instead of one per method. */
    boolean sharedByClass() default false;
}
