package org.eo2sar.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputResolverTest {
    @TempDir
    Path tmp;

    @Test
    void resolvesNamesInsideDataDirsAndNothingElse() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path sub = Files.createDirectories(data.resolve("sub"));
        Files.writeString(sub.resolve("a.tif"), "x");
        Path secret = Files.writeString(tmp.resolve("secret.tif"), "s");
        Files.createSymbolicLink(data.resolve("link.tif"), secret);
        Files.createSymbolicLink(data.resolve("inner.tif"), sub.resolve("a.tif"));
        InputResolver r = new InputResolver(List.of(data), List.of("http://127.0.0.1:9/data/"));

        assertEquals(sub.resolve("a.tif").toRealPath(), ((InputResolver.LocalFile) r.resolve("sub/a.tif")).path());
        assertEquals(sub.resolve("a.tif").toRealPath(), ((InputResolver.LocalFile) r.resolve(sub.resolve("a.tif").toString())).path());
        assertEquals(sub.resolve("a.tif").toRealPath(), ((InputResolver.LocalFile) r.resolve("inner.tif")).path(), "links inside are fine");
        assertInstanceOf(InputResolver.RemoteUrl.class, r.resolve("http://127.0.0.1:9/data/x.tif"));

        for (String bad : List.of("link.tif", "../secret.tif", "sub/../../secret.tif", secret.toString(), "sub", "",
                "http://127.0.0.1:9/other/x.tif", "http://127.0.0.1:9/data/../x.tif", "http://127.0.0.1:9@evil/data/x.tif",
                "file:" + sub.resolve("a.tif"), "ftp://127.0.0.1:9/data/x.tif", "nope.tif",
                // encoded dot segments and slashes the upstream server would decode (issue 11, item 4)
                "http://127.0.0.1:9/data/%2e%2e/x.tif", "http://127.0.0.1:9/data/%2E%2E/x.tif",
                "http://127.0.0.1:9/data/.%2e/x.tif", "http://127.0.0.1:9/data/%2e./x.tif",
                "http://127.0.0.1:9/data/..%2fx.tif", "http://127.0.0.1:9/data/%252e%252e/x.tif",
                "http://127.0.0.1:9/data/..%5cx.tif")) {
            ApiException e = assertThrows(ApiException.class, () -> r.resolve(bad), bad);
            assertEquals(400, e.status(), bad);
        }
    }

    @Test
    void hardLinkToAFileOutsideIsRefused() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data2"));
        Path secret = Files.writeString(tmp.resolve("secret2.tif"), "s");
        Files.createLink(data.resolve("hard.tif"), secret);
        Files.writeString(data.resolve("plain.tif"), "x");
        InputResolver r = new InputResolver(List.of(data), List.of());
        assertEquals(data.resolve("plain.tif").toRealPath(), ((InputResolver.LocalFile) r.resolve("plain.tif")).path());
        ApiException e = assertThrows(ApiException.class, () -> r.resolve("hard.tif"));
        assertEquals(400, e.status());
        org.junit.jupiter.api.Assertions.assertTrue(e.detail().contains("hard links"), e.detail());
    }
}
