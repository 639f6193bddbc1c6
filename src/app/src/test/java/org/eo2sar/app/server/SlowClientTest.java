package org.eo2sar.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eo2sar.app.TestPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, item 3: clients that open connections and send their request slowly (slowloris) must not
 * stop the server for everyone else. With the JDK's server each half-sent request held one of its
 * handler threads, and 17 of them froze every endpoint; the test then times out.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SlowClientTest {
    @TempDir
    Path tmp;

    @Test
    void halfSentRequestsDoNotStopOtherClients() throws Exception {
        try (ServerHarness h = new ServerHarness(ServerHarness.config(List.of(TestPaths.rasters()), TestPaths.models(),
                tmp.resolve("work")), ServerHooks.NONE)) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 64; i++) {   // far more than the 17 handler threads of the old server
                    Socket s = new Socket("127.0.0.1", h.server.port());
                    OutputStream out = s.getOutputStream();
                    out.write(("GET /processes HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + i).getBytes(StandardCharsets.US_ASCII));
                    out.flush();        // and never the end of the headers
                    slow.add(s);
                }
                for (int i = 0; i < 3; i++) {
                    var r = h.get("/processes");
                    assertEquals(200, r.statusCode(), r.body());
                    assertTrue(r.body().contains("tiny-tileinvariant"), r.body());
                }
                // a slow client that finally completes its request is answered too
                Socket first = slow.get(0);
                first.getOutputStream().write("\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                first.getOutputStream().flush();
                InputStream in = first.getInputStream();
                String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
                assertEquals("HTTP/1.1 200", status);
            } finally {
                for (Socket s : slow) {
                    s.close();
                }
            }
        }
    }
}
