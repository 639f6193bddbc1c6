package org.eo2sar.app.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.regex.Pattern;

/** Reading requests and writing responses on a JDK {@link HttpExchange}. */
final class Exchanges {
    /** A Host header we are willing to echo back into absolute links (no injection of paths or schemes). */
    private static final Pattern SAFE_HOST = Pattern.compile("[A-Za-z0-9.\\-]+(:\\d{1,5})?|\\[[0-9A-Fa-f:.]+\\](:\\d{1,5})?");

    private Exchanges() {
    }

    /** Reads the whole body, refusing more than {@code limit} bytes with a 413 (checked while reading, not trusted from headers). */
    static byte[] readBody(HttpExchange ex, long limit) throws IOException {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > limit) {
                    throw ApiException.tooLarge("request body of " + declared + " bytes exceeds the limit of " + limit + " bytes");
                }
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid Content-Length '" + declared + "'");
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try (InputStream in = ex.getRequestBody()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                if (out.size() + n > limit) {
                    throw ApiException.tooLarge("request body exceeds the limit of " + limit + " bytes");
                }
                out.write(buf, 0, n);
            }
        }
        return out.toByteArray();
    }

    /** The base URL clients used to reach us, for absolute links that GDAL and OWSLib can follow. */
    static String baseUrl(HttpExchange ex) {
        String host = ex.getRequestHeaders().getFirst("Host");
        if (host == null || !SAFE_HOST.matcher(host).matches()) {
            var a = ex.getLocalAddress();
            String h = a.getAddress().getHostAddress();
            host = (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
        }
        return "http://" + host;
    }

    static void sendJson(HttpExchange ex, int status, JsonNode body) throws IOException {
        send(ex, status, Json.TYPE, Json.bytes(body));
    }

    static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        boolean head = "HEAD".equals(ex.getRequestMethod());
        // HttpServer: -1 = no body; for HEAD we still announce the length the GET would have.
        if (head) {
            ex.getResponseHeaders().set("Content-Length", Long.toString(body.length));
            ex.sendResponseHeaders(status, -1);
        } else {
            ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
        ex.close();
    }

    static void sendError(HttpExchange ex, ApiException e) throws IOException {
        ObjectNode body = Json.object()
                .put("type", e.type())
                .put("title", e.title())
                .put("status", e.status())
                .put("detail", e.detail());
        send(ex, e.status(), "application/problem+json", Json.bytes(body));
    }
}
