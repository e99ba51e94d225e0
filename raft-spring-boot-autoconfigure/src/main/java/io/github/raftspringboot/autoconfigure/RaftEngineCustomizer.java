package io.github.raftspringboot.autoconfigure;

/**
 * Changes the auto-configured Raft engine before it is created and started, without replacing the whole
 * {@code RaftEngine} bean: every bean of this type is applied to the {@link RaftEngineBuilder}, in
 * {@link org.springframework.core.annotation.Order @Order} / {@link org.springframework.core.Ordered} order. Not
 * applied when the application defines its own {@code RaftEngine} bean.
 *
 * <pre>{@code
 * @Bean
 * RaftEngineCustomizer logRoleChanges() {
 *     return builder -> builder.listener(new RaftEngineListener() {
 *         public void roleChanged(RaftRole previous, RaftRole current, long term) {
 *             log.info("now {} in term {}", current, term);
 *         }
 *     });
 * }
 * }</pre>
 */
@FunctionalInterface
public interface RaftEngineCustomizer {

    void customize(RaftEngineBuilder builder);
}
