package org.eo2sar.app.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.model.DeviceSpec;
import org.eo2sar.core.model.ModelCard;
import org.eo2sar.core.model.ModelDirectory;
import org.eclipse.jetty.http.spi.JettyHttpServer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * {@code eo2sar serve}: OGC API – Processes – Part 1 (Core, JSON) on Jetty, through Jetty's
 * implementation of the {@code com.sun.net.httpserver} API the handlers are written against.
 * Jetty parses request headers on its selector without holding a handler thread, so clients
 * that send slowly (or never finish) cost a connection, not a thread; idle connections are closed
 * after {@link #IDLE_TIMEOUT} and at most {@link #MAX_CONNECTIONS} are open at once. One process per
 * model; inputs by reference from the data directories; jobs on a bounded queue; results served
 * with byte ranges.
 */
public final class OgcApiServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OgcApiServer.class.getName());
    /** How long DELETE waits for a running job to reach its next tile batch boundary. */
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(60);
    /** A connection with no byte in or out for this long is closed (slow or stalled clients). */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** Open connections at most; more wait in the accept queue. */
    static final int MAX_CONNECTIONS = 512;
    /** Pool threads Jetty keeps for itself: one acceptor, one selector, some reserved. */
    private static final int JETTY_THREADS = 6;

    private final ServerConfig config;
    /** One process per model of the folder; all run on the server's device. */
    private final ModelDirectory models;
    private final DeviceSpec device;
    private final InputResolver inputs;
    private final JobManager jobs;
    private final Server jetty;
    private final ServerConnector connector;
    private final byte[] openApiTemplate;

    private OgcApiServer(ServerConfig config, ServerHooks hooks) throws IOException {
        this.config = config;
        this.inputs = new InputResolver(config.dataDirs(), config.urlPrefixes());
        if (!Files.isDirectory(config.modelsDir())) {
            throw new Eo2SarException(Eo2SarException.Kind.IO, "models directory " + config.modelsDir() + " does not exist");
        }
        this.models = new ModelDirectory(config.modelsDir());
        this.device = DeviceSpec.parse(config.device()).withCudaOptions(config.cudaOptions());
        try (InputStream in = OgcApiServer.class.getResourceAsStream("openapi.json")) {
            this.openApiTemplate = in.readAllBytes();
        }
        // Synchronous executions hold a handler thread while they wait; there are at most
        // workers + queue of them, so size the pool so status requests are always served
        // (plus Jetty's own acceptor, selector and reserved threads).
        int threads = config.workers() + config.maxQueue() + 8 + JETTY_THREADS;
        QueuedThreadPool pool = new QueuedThreadPool(threads, Math.min(threads, JETTY_THREADS + 2));
        pool.setName("eo2sar-http");
        pool.setDaemon(true);
        this.jetty = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setRequestHeaderSize(16 * 1024);
        this.connector = new ServerConnector(jetty, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(config.bind());
        connector.setPort(config.port());
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        connector.setAcceptQueueSize(64);
        jetty.addConnector(connector);
        jetty.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
        jetty.setHandler(new ContextHandlerCollection());
        jetty.setStopTimeout(0); // close() stops at once: jobs are stopped by the JobManager, not by draining HTTP
        // Bind before starting the job threads, so a port in use leaves nothing running.
        connector.open();
        try {
            this.jobs = new JobManager(config.workDir(), config.workers(), config.maxQueue(), config.jobTtl(), hooks,
                    Clock.systemUTC());
        } catch (RuntimeException e) {
            connector.close();
            throw e;
        }
        JettyHttpServer spi = new JettyHttpServer(jetty, true);
        spi.bind(new InetSocketAddress(config.bind(), config.port()), 64);
        spi.createContext("/", this::handle);
    }

    /** Starts a server; port 0 picks a free one (see {@link #port()}). */
    public static OgcApiServer start(ServerConfig config) throws IOException {
        return start(config, ServerHooks.NONE);
    }

    public static OgcApiServer start(ServerConfig config, ServerHooks hooks) throws IOException {
        OgcApiServer s = new OgcApiServer(config, hooks);
        try {
            s.jetty.start();
        } catch (Exception e) {
            s.close();
            throw e instanceof IOException io ? io : new IOException("cannot start the HTTP server: " + e.getMessage(), e);
        }
        return s;
    }

    public int port() {
        return connector.getLocalPort();
    }

    public String baseUrl() {
        String host = new InetSocketAddress(config.bind(), 0).getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    public JobManager jobs() {
        return jobs;
    }

    public ModelDirectory models() {
        return models;
    }

    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "stopping the HTTP server: " + e);
        }
        jobs.close();
        models.close();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            route(ex);
        } catch (ApiException e) {
            Exchanges.sendError(ex, e);
        } catch (Eo2SarException e) {
            int status = HttpStatus.of(e.kind());
            Exchanges.sendError(ex, new ApiException(status, "about:blank", HttpStatus.title(status), e.getMessage()));
        } catch (IOException e) {
            // the client went away; the finally block closes the exchange
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "request " + ex.getRequestURI() + " failed", e);
            Exchanges.sendError(ex, new ApiException(500, "about:blank", "Internal error", "internal error: " + e));
        } finally {
            ex.close(); // idempotent; also covers an error raised after the response had started
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
        String path = ex.getRequestURI().getPath();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String[] p = path.equals("/") ? new String[0] : path.substring(1).split("/");
        String base = Exchanges.baseUrl(ex);
        boolean read = method.equals("GET") || method.equals("HEAD");

        if (p.length == 0) {
            requireRead(read, method, path);
            Exchanges.sendJson(ex, 200, Documents.landing(base));
        } else if (p.length == 1 && p[0].equals("conformance")) {
            requireRead(read, method, path);
            Exchanges.sendJson(ex, 200, Documents.conformance());
        } else if (p.length == 1 && p[0].equals("api")) {
            requireRead(read, method, path);
            Exchanges.send(ex, 200, Documents.OPENAPI, openApi(base));
        } else if (p.length == 1 && p[0].equals("processes")) {
            requireRead(read, method, path);
            Exchanges.sendJson(ex, 200, processList(base));
        } else if (p.length == 2 && p[0].equals("processes")) {
            requireRead(read, method, path);
            Exchanges.sendJson(ex, 200, Documents.processDescription(base, p[1], card(p[1])));
        } else if (p.length == 3 && p[0].equals("processes") && p[2].equals("execution")) {
            if (!method.equals("POST")) {
                throw ApiException.methodNotAllowed(method, path);
            }
            execute(ex, p[1], base);
        } else if (p.length == 1 && p[0].equals("jobs")) {
            requireRead(read, method, path);
            Exchanges.sendJson(ex, 200, Documents.jobList(base, jobs.list()));
        } else if (p.length == 2 && p[0].equals("jobs")) {
            if (method.equals("DELETE")) {
                Job job = jobs.dismiss(p[1], CANCEL_WAIT);
                Exchanges.sendJson(ex, 200, Documents.statusInfo(base, job));
            } else {
                requireRead(read, method, path);
                Exchanges.sendJson(ex, 200, Documents.statusInfo(base, job(p[1])));
            }
        } else if (p.length == 3 && p[0].equals("jobs") && p[2].equals("results")) {
            requireRead(read, method, path);
            Exchanges.sendJson(ex, 200, Documents.results(base, successful(p[1])));
        } else if (p.length == 4 && p[0].equals("jobs") && p[2].equals("results") && p[3].equals(Documents.RESULT_FILE)) {
            requireRead(read, method, path);
            sendResult(ex, successful(p[1]));
        } else {
            throw ApiException.notFound("no resource at " + path);
        }
    }

    private static void requireRead(boolean read, String method, String path) {
        if (!read) {
            throw ApiException.methodNotAllowed(method, path);
        }
    }

    private ObjectNode processList(String base) {
        ObjectNode n = Json.object();
        ArrayNode list = n.putArray("processes");
        for (String id : models.names()) {
            try {
                list.add(Documents.processSummary(base, id, models.generator(id, device).card()));
            } catch (Eo2SarException e) { // one broken model file must not hide the others
                LOG.log(System.Logger.Level.WARNING, "model " + id + " is not offered: " + e.getMessage());
            }
        }
        n.putArray("links").add(Json.link(base + "/processes", "self", Json.TYPE, "processes"));
        return n;
    }

    private ModelCard card(String processId) {
        if (!models.contains(processId)) {
            throw ApiException.noSuchProcess(processId);
        }
        return models.generator(processId, device).card();
    }

    private Job job(String id) {
        return jobs.get(id).orElseThrow(() -> ApiException.noSuchJob(id));
    }

    private Job successful(String id) {
        Job job = job(id);
        if (job.status() != Job.Status.SUCCESSFUL || job.outcome() == null) {
            throw ApiException.resultNotReady(id, job.status().code());
        }
        return job;
    }

    private void execute(HttpExchange ex, String processId, String base) throws IOException {
        if (!models.contains(processId)) {
            throw ApiException.noSuchProcess(processId);
        }
        JsonNode body = Json.parse(Exchanges.readBody(ex, config.maxBodyBytes()));
        var generator = models.generator(processId, device);
        ExecuteRequest request = ExecuteRequest.parse(body, generator.card());
        InputResolver.Resolved input = inputs.resolve(request.href());
        if (input instanceof InputResolver.LocalFile local) {
            TranslationTask.checkPixels(local.path(), request.href(), config.maxPixels());
        }
        Job job = jobs.submit(processId,
                new TranslationTask(generator, input, request, config.maxDownloadBytes(), config.limits()));
        ex.getResponseHeaders().set("Location", base + "/jobs/" + job.id());
        String prefer = ex.getRequestHeaders().getFirst("Prefer");
        if (prefer != null && prefer.toLowerCase(Locale.ROOT).contains("respond-async")) {
            ex.getResponseHeaders().set("Preference-Applied", "respond-async");
            Exchanges.sendJson(ex, 201, Documents.statusInfo(base, job));
            return;
        }
        try {
            job.completion().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "about:blank", "Service unavailable", "the server is shutting down");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        switch (job.status()) {
            case SUCCESSFUL -> {
                if (request.raw()) {
                    FileRangeSender.send(ex, job.outcome().file(), Documents.GEOTIFF);
                } else {
                    Exchanges.sendJson(ex, 200, Documents.results(base, job));
                }
            }
            case DISMISSED -> throw new ApiException(409, "about:blank", "Dismissed",
                    "job " + job.id() + " was dismissed before it finished");
            default -> throw new ApiException(job.failureStatus(), "about:blank", HttpStatus.title(job.failureStatus()),
                    job.message());
        }
    }

    private void sendResult(HttpExchange ex, Job job) throws IOException {
        if (!Files.isRegularFile(job.outcome().file())) {
            throw ApiException.resultNotReady(job.id(), "gone");
        }
        FileRangeSender.send(ex, job.outcome().file(), Documents.GEOTIFF);
    }

    private byte[] openApi(String base) throws IOException {
        ObjectNode doc = (ObjectNode) Json.MAPPER.readTree(openApiTemplate);
        doc.putArray("servers").addObject().put("url", base);
        return Json.bytes(doc);
    }
}
