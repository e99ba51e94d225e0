package io.github.raftspringboot.autoconfigure.diagnostics;

import java.net.BindException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.github.raftspringboot.engine.RaftStartupException;

/**
 * The gRPC server (RaftAdmin, leader health) could not bind its port. Spring gRPC reports it as "Failed to start
 * the grpc server" over grpc-netty's bind failure; Spring Boot analyses only the web server's port, so without this
 * the user would get the whole stack trace.
 */
final class GrpcPortInUseFailureAnalyzer extends AbstractFailureAnalyzer<BindException> {

    private static final Pattern BOUND_ADDRESS = Pattern.compile("Failed to bind to address (\\S+)");

    private static final Pattern PORT = Pattern.compile(":(\\d+)$");

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
        if (findCause(rootFailure, RaftStartupException.class) != null || !fromGrpcServer(rootFailure)) {
            return null;
        }
        String address = boundAddress(rootFailure);
        String port = (address != null) ? port(address) : null;
        String where = (address != null) ? " on " + address : "";
        return new FailureAnalysis("The gRPC server (RaftAdmin, leader health) could not listen" + where
                + ": the port is already in use (" + cause.getMessage() + ").",
                "Stop the process using " + ((port != null) ? "port " + port : "that port")
                        + ", or set spring.grpc.server.port (SPRING_GRPC_SERVER_PORT) to a free port (0 picks one); "
                        + "point raftmanager and other RaftAdmin clients at the new port.",
                cause);
    }

    private static boolean fromGrpcServer(Throwable failure) {
        for (Throwable current = failure; current != null; current = current.getCause()) {
            String message = String.valueOf(current.getMessage());
            if (message.contains("grpc server") || message.contains("gRPC server")) {
                return true;
            }
            for (StackTraceElement frame : current.getStackTrace()) {
                if (frame.getClassName().startsWith("io.grpc.netty.NettyServer")
                        || frame.getClassName().startsWith("org.springframework.grpc.server")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String boundAddress(Throwable failure) {
        for (Throwable current = failure; current != null; current = current.getCause()) {
            Matcher matcher = BOUND_ADDRESS.matcher(String.valueOf(current.getMessage()));
            if (matcher.find()) {
                return matcher.group(1);
            }
        }
        return null;
    }

    private static String port(String address) {
        Matcher matcher = PORT.matcher(address);
        return matcher.find() ? matcher.group(1) : null;
    }
}
