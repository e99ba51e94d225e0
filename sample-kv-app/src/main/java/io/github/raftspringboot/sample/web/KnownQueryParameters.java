package io.github.raftspringboot.sample.web;

import java.lang.reflect.Method;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Refuses a query parameter the endpoint does not take, naming the ones it does: without this a misspelt
 * {@code ?consistncy=linearizable} read at the default consistency, and {@code ?prefx=a} listed every key, while the
 * client believed it had asked for something else, and {@code ?idd=node2} handed leadership to another node than
 * node2. The names are the handler method's {@code @RequestParam}s; a method that takes them all as a map takes any
 * (none of the sample's does). Only the
 * query string counts (a form body is refused as a media type); Actuator's endpoints are not the sample's handlers.
 */
final class KnownQueryParameters implements HandlerInterceptor {

    private static final DefaultParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();

    /** Per handler method: the parameters it takes, or {@code null} when it takes any (a map of them). */
    private final Map<Method, Set<String>> known = new ConcurrentHashMap<>();

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        String query = request.getQueryString();
        // Only the request as sent: an error dispatch to /error carries the original query string along.
        if (query == null || query.isEmpty() || request.getDispatcherType() != DispatcherType.REQUEST
                || !(handler instanceof HandlerMethod method)
                || !method.getBeanType().getPackageName().startsWith("io.github.raftspringboot.sample")) {
            return true;
        }
        Set<String> takes = known.computeIfAbsent(method.getMethod(), ignored -> parametersOf(method));
        if (takes == null) {
            return true;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode((equals < 0) ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            if (!name.isEmpty() && !takes.contains(name)) {
                throw new IllegalArgumentException("Unknown query parameter '" + name + "': " + request.getMethod()
                        + " " + request.getRequestURI() + " takes " + (takes.isEmpty() ? "none" : String.join(", ",
                                takes)) + " (see docs/http-api.md)");
            }
        }
        return true;
    }

    private static Set<String> parametersOf(HandlerMethod method) {
        Set<String> names = new LinkedHashSet<>();
        for (MethodParameter parameter : method.getMethodParameters()) {
            RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
            if (param == null) {
                continue;
            }
            if (Map.class.isAssignableFrom(parameter.getParameterType())) {
                return null;
            }
            parameter.initParameterNameDiscovery(NAMES);
            names.add(param.name().isEmpty() ? parameter.getParameterName() : param.name());
        }
        return names;
    }
}
