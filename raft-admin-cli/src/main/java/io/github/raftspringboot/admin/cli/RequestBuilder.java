package io.github.raftspringboot.admin.cli;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;

/** Builds a request message from positional arguments, one per field in field order. */
final class RequestBuilder {

    private RequestBuilder() {
    }

    static Message build(AdminMethod method, List<String> arguments) {
        Message.Builder request = method.prototype().newBuilderForType();
        List<FieldDescriptor> fields = method.arguments();
        for (int i = 0; i < arguments.size() && i < fields.size(); i++) {
            FieldDescriptor field = fields.get(i);
            request.setField(field, value(field, arguments.get(i)));
        }
        return request.build();
    }

    private static Object value(FieldDescriptor field, String text) {
        return switch (field.getType()) {
            case STRING -> text;
            case BYTES -> ByteString.copyFrom(text, StandardCharsets.UTF_8);
            case UINT64 -> {
                try {
                    yield Long.parseUnsignedLong(text);
                }
                catch (NumberFormatException ex) {
                    throw new IllegalArgumentException(
                            "<" + field.getName() + "> must be a non-negative whole number, not '" + text + "'");
                }
            }
            default -> throw new IllegalStateException("No argument conversion for " + field.getFullName());
        };
    }

    static String describe(FieldDescriptor field) {
        return switch (field.getName()) {
            case "id" -> "node id of the server";
            case "address" -> "Raft address of the server, host:port";
            case "previous_index" -> "refuse unless the configuration is still at this index; 0 = don't care";
            case "data" -> "the command, JSON text such as {\"op\":\"put\",\"key\":\"a\",\"value\":1}";
            case "extensions" -> "ignored by raft-spring-boot; leave out";
            case "operation_token" -> "the 40-hex-character token an operation returned";
            default -> field.getName();
        };
    }
}
