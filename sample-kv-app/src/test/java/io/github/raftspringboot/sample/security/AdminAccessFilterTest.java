package io.github.raftspringboot.sample.security;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Without a token, which callers reach which paths: decided by the caller's address, set here. */
class AdminAccessFilterTest {

    private final AdminAccessFilter withoutToken = new AdminAccessFilter(null);

    @Test
    void remoteCallersGetA403ThatSaysToSetTheToken() throws Exception {
        for (String[] request : new String[][] { { "POST", "/join" }, { "POST", "/remove" },
                { "POST", "/transfer-leadership" }, { "POST", "/restore" }, { "GET", "/backup" },
                { "POST", "/actuator/raft/snapshot" }, { "DELETE", "/actuator/raft/node2" },
                { "GET", "/actuator/raft/backup" }, { "POST", "/actuator/loggers/root" } }) {
            MockHttpServletResponse response = call(withoutToken, request[0], request[1], "10.1.2.3");
            assertThat(response.getStatus()).as(String.join(" ", request)).isEqualTo(403);
            assertThat(response.getContentType()).isEqualTo("application/problem+json");
            assertThat(response.getContentAsString()).contains("RAFT_ADMIN_TOKEN").contains("\"status\":403");
        }
    }

    @Test
    void theCanonicalPathIsTheOneSpringMvcMatches() {
        assertThat(AdminAccessFilter.canonicalPath("/backup;x=1")).isEqualTo("/backup");
        assertThat(AdminAccessFilter.canonicalPath("/actuator;a/raft/%62ackup")).isEqualTo("/actuator/raft/backup");
        assertThat(AdminAccessFilter.canonicalPath("//remove/")).isEqualTo("/remove");
        assertThat(AdminAccessFilter.canonicalPath("/a/../join")).isEqualTo("/join");
        assertThat(AdminAccessFilter.canonicalPath("/key/%E2%82%AC")).isEqualTo("/key/\u20ac");
        assertThat(AdminAccessFilter.canonicalPath("/%ZZ")).isNull();
    }

    @Test
    void loopbackCallersAreServed() throws Exception {
        assertThat(call(withoutToken, "POST", "/join", "127.0.0.1").getStatus()).isEqualTo(200);
        assertThat(call(withoutToken, "POST", "/actuator/raft/snapshot", "::1").getStatus()).isEqualTo(200);
    }

    @Test
    void keysStatusAndActuatorReadsStayOpenToEveryone() throws Exception {
        for (String[] request : new String[][] { { "GET", "/key/a" }, { "POST", "/key" }, { "DELETE", "/key/a" },
                { "GET", "/status" }, { "GET", "/actuator/raft" }, { "GET", "/actuator/health" } }) {
            assertThat(call(withoutToken, request[0], request[1], "10.1.2.3").getStatus())
                .as(String.join(" ", request))
                .isEqualTo(200);
        }
    }

    @Test
    void withATokenEvenLoopbackCallersMustSendIt() throws Exception {
        AdminAccessFilter withToken = new AdminAccessFilter("s3cret");
        MockHttpServletResponse missing = call(withToken, "POST", "/join", "127.0.0.1");
        assertThat(missing.getStatus()).isEqualTo(401);
        assertThat(missing.getHeader("WWW-Authenticate")).startsWith("Bearer");
    }

    private static MockHttpServletResponse call(AdminAccessFilter filter, String method, String path,
            String remoteAddress) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        request.setRemoteAddr(remoteAddress);
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        return response;
    }
}
