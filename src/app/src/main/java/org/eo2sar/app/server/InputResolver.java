package org.eo2sar.app.server;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns a client's input reference into something the server may read: a regular file inside
 * one of the configured data directories, or an allow-listed http(s) URL. Everything else is a
 * 400: other schemes ({@code file:} included), {@code ..} segments, absolute paths outside the
 * data directories, and links whose real target leaves the directory (checked on real paths,
 * so a symlink cannot smuggle {@code /etc/passwd} in).
 */
public final class InputResolver {
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.\\-]+:.*", Pattern.DOTALL);

    /** What a reference resolved to. */
    public sealed interface Resolved permits LocalFile, RemoteUrl {
    }

    public record LocalFile(Path path) implements Resolved {
    }

    public record RemoteUrl(URI uri) implements Resolved {
    }

    private final List<Path> dataDirs;
    private final List<String> urlPrefixes;

    public InputResolver(List<Path> dataDirs, List<String> urlPrefixes) {
        List<Path> real = new ArrayList<>();
        for (Path d : dataDirs) {
            try {
                real.add(d.toRealPath());
            } catch (IOException e) {
                throw new IllegalArgumentException("data directory " + d + " does not exist or cannot be read", e);
            }
        }
        this.dataDirs = List.copyOf(real);
        this.urlPrefixes = List.copyOf(urlPrefixes);
    }

    public List<Path> dataDirs() {
        return dataDirs;
    }

    public Resolved resolve(String href) {
        if (href == null || href.isBlank()) {
            throw ApiException.badRequest("input 'input' needs an href naming a raster in a data directory");
        }
        if (href.indexOf('\0') >= 0) {
            throw ApiException.badRequest("input reference contains a NUL character");
        }
        if (SCHEME.matcher(href).matches()) {
            return new RemoteUrl(checkUrl(href));
        }
        for (String segment : href.split("[/\\\\]")) {
            if (segment.equals("..")) {
                throw ApiException.badRequest("input '" + href + "' contains '..'; name a file inside a data directory");
            }
        }
        Path p;
        try {
            p = Path.of(href);
        } catch (InvalidPathException e) {
            throw ApiException.badRequest("input '" + href + "' is not a valid file name");
        }
        if (p.isAbsolute()) {
            Path real = realPath(p);
            if (real == null || insideDataDir(real) == null) {
                throw ApiException.badRequest("input '" + href + "' is not inside a configured data directory");
            }
            return new LocalFile(checkRegular(real, href));
        }
        for (Path dir : dataDirs) {
            Path candidate = dir.resolve(p).normalize();
            if (!Files.exists(candidate)) {
                continue;
            }
            Path real = realPath(candidate);
            if (real == null || !real.startsWith(dir)) {
                throw ApiException.badRequest("input '" + href + "' leads outside its data directory (symbolic link)");
            }
            return new LocalFile(checkRegular(real, href));
        }
        throw ApiException.badRequest("input '" + href + "' was not found in any data directory");
    }

    private URI checkUrl(String href) {
        URI uri;
        try {
            uri = new URI(href).normalize();
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("input '" + href + "' is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean httpish = scheme.equals("http") || scheme.equals("https");
        // Compare the normalised form so "prefix/../elsewhere" and "prefix@evil" cannot pass the test.
        boolean allowed = httpish && uri.getRawUserInfo() == null && uri.getHost() != null
                && (uri.getRawPath() == null || !uri.getRawPath().contains(".."))
                && decodedPathIsPlain(uri)
                && urlPrefixes.stream().anyMatch(prefix -> uri.toString().startsWith(prefix));
        if (!allowed) {
            throw ApiException.badRequest("input '" + href + "' is a URL; only files in the data directories"
                    + (urlPrefixes.isEmpty() ? "" : " and URLs under the allow-listed prefixes") + " are accepted");
        }
        return uri;
    }

    /**
     * The upstream server decodes the path before it resolves it, so the prefix test must hold
     * for the decoded path too: {@code %2e%2e}, {@code .%2e}, encoded slashes or backslashes and
     * double encoding ({@code %252e}) are refused.
     */
    private static boolean decodedPathIsPlain(URI uri) {
        String raw = uri.getRawPath();
        String path = uri.getPath();
        if (raw == null || path == null) {
            return true;
        }
        String lower = raw.toLowerCase(Locale.ROOT);
        if (lower.contains("%2f") || lower.contains("%5c") || path.indexOf('%') >= 0 || path.indexOf('\\') >= 0) {
            return false;
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private Path insideDataDir(Path real) {
        return dataDirs.stream().filter(real::startsWith).findFirst().orElse(null);
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return null;
        }
    }

    private static Path checkRegular(Path real, String href) {
        if (!Files.isRegularFile(real)) {
            throw ApiException.badRequest("input '" + href + "' is not a regular file");
        }
        // A hard link looks like any file inside the directory but may be a file from outside it;
        // its real path cannot tell, so files with more than one link are refused.
        try {
            Object links = Files.getAttribute(real, "unix:nlink");
            if (links instanceof Integer n && n > 1) {
                throw ApiException.badRequest("input '" + href + "' has " + n + " hard links; only files with a single"
                        + " link are accepted (a hard link may point outside the data directory)");
            }
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            // no unix attribute view (not Linux/macOS): only symbolic links are checked
        }
        return real;
    }
}
