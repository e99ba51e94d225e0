package io.github.raftspringboot.admin.cli;

import java.io.PrintWriter;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import com.google.protobuf.util.JsonFormat;

/** Prints calls and responses: raftadmin's text lines, or one JSON document. */
interface Output {

    void invoking(String method, Message request);

    void response(String method, Message response);

    /** Called once, when the run is over (also after a failure). */
    void finish();

    static Output of(OutputFormat format, PrintWriter out) {
        return (format == OutputFormat.JSON) ? new Json(out) : new Text(out);
    }

    /** {@code Invoking AddVoter(id: "b" address: "h:1")} then {@code Response: operation_token: "..."}. */
    final class Text implements Output {

        private final PrintWriter out;

        Text(PrintWriter out) {
            this.out = out;
        }

        PrintWriter out() {
            return out;
        }

        @Override
        public void invoking(String method, Message request) {
            out.println("Invoking " + method + "(" + TextFormat.printer().shortDebugString(request) + ")");
        }

        @Override
        public void response(String method, Message response) {
            out.println("Response: " + TextFormat.printer().shortDebugString(response));
        }

        @Override
        public void finish() {
            out.flush();
        }
    }

    /** {@code {"method":"AddVoter","request":{...},"response":{...},"await":{...}}}. */
    final class Json implements Output {

        private static final JsonFormat.Printer PRINTER = JsonFormat.printer()
            .preservingProtoFieldNames()
            .alwaysPrintFieldsWithNoPresence()
            .omittingInsignificantWhitespace();

        private final PrintWriter out;

        private final JsonObject document = new JsonObject();

        private boolean finished;

        Json(PrintWriter out) {
            this.out = out;
        }

        PrintWriter out() {
            return out;
        }

        @Override
        public void invoking(String method, Message request) {
            if (!document.has("method")) {
                document.addProperty("method", method);
                document.add("request", json(request));
            }
        }

        @Override
        public void response(String method, Message response) {
            document.add(method.equals("Await") && document.has("response") ? "await" : "response", json(response));
        }

        @Override
        public void finish() {
            if (!finished && document.has("response")) {
                finished = true;
                out.println(new GsonBuilder().setPrettyPrinting().create().toJson(document));
                out.flush();
            }
        }

        static JsonElement json(Message message) {
            try {
                return JsonParser.parseString(PRINTER.print(message));
            }
            catch (InvalidProtocolBufferException ex) {
                throw new IllegalStateException(ex);
            }
        }
    }
}
