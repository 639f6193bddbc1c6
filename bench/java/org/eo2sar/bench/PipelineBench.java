package org.eo2sar.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eo2sar.core.FileTranslation;
import org.eo2sar.core.Progress;
import org.eo2sar.core.TranslateRequest;
import org.eo2sar.core.TranslateResult;
import org.eo2sar.core.model.DeviceSpec;
import org.eo2sar.core.model.OnnxGenerator;
import org.eo2sar.core.pipeline.OutputType;
import org.eo2sar.core.pipeline.Stitch;
import org.eo2sar.core.pipeline.TranslatedImage;
import org.eo2sar.core.pipeline.TranslationOptions;
import org.eo2sar.core.pipeline.TranslationStats;
import org.eo2sar.core.pipeline.Translator;
import org.eo2sar.core.raster.GeoRaster;
import org.eo2sar.core.raster.GeoTiffRasters;
import org.eo2sar.core.tiling.TilePlan;

/**
 * Benchmarks of the translation pipeline (not a test; numbers go to docs/benchmarks.md).
 *
 * <pre>
 * overhead MODEL INPUT OUTPUT [tile margin]  end-to-end file translation vs the same number of
 *                                             OrtSession.run calls on the same window shape with
 *                                             the same parallelism (pure inference), + margin cost
 * memory   MODEL INPUT OUTPUT [tile margin]  one file translation; peak heap (sampled) and peak RSS
 * file     MODEL INPUT OUTPUT [tile margin]  one file translation, wall + inference (the CLI's path)
 * </pre>
 */
public final class PipelineBench {
    private PipelineBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: PipelineBench overhead|memory|file MODEL INPUT OUTPUT [tile margin]");
            System.exit(2);
        }
        String mode = args[0];
        Path model = Paths.get(args[1]);
        Path input = Paths.get(args[2]);
        Path output = Paths.get(args[3]);
        int tile = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        // absent = the model card's margin; 0 = no margin (as TranslationOptions reads it)
        int margin = args.length > 5 ? Integer.parseInt(args[5]) : TranslationOptions.DEFAULT_MARGIN;
        try (OnnxGenerator g = OnnxGenerator.open(model, DeviceSpec.CPU)) {
            TranslateRequest req = new TranslateRequest(input, output, null, tile, margin, 0, Stitch.CROP,
                    OutputType.FLOAT32, null, null);
            System.out.printf(Locale.ROOT, "model %s, device %s, workers %d, cores %d%n", model.getFileName(),
                    g.deviceDescription(), new Translator(g).workers(), Runtime.getRuntime().availableProcessors());
            switch (mode) {
                case "overhead" -> overhead(g, req);
                case "memory" -> memory(g, req);
                case "file" -> report(FileTranslation.run(g, req, Progress.NONE));
                default -> throw new IllegalArgumentException("unknown mode " + mode);
            }
        }
    }

    private static void overhead(OnnxGenerator g, TranslateRequest req) throws Exception {
        Translator tr = new Translator(g);
        TranslationOptions opts;
        TilePlan plan;
        try (GeoRaster r = GeoTiffRasters.open(req.input())) {
            opts = TranslationOptions.defaults().withTileSize(req.tileSize()).withMargin(req.margin())
                    .withInputNodata(r.info().nodata());
            // warm-up: JIT, ORT kernels, file cache
            try (TranslatedImage img = tr.translate(r.image(), opts, Progress.NONE)) {
                img.computeAll();
                plan = img.plan();
            }
            // pipeline alone (read, normalise, infer, denormalise, stitch; no GeoTIFF write)
            long t0 = System.nanoTime();
            double c0 = cpuSeconds();
            TranslationStats ps;
            try (TranslatedImage img = tr.translate(r.image(), opts, Progress.NONE)) {
                img.computeAll();
                ps = img.stats();
            }
            long pipeWall = System.nanoTime() - t0;
            double pipeCpu = cpuSeconds() - c0;
            // end to end: open + translate + COG write + rename; twice, because the first file also pays for
            // compiling the writer's code, which the in-memory and pure-inference runs above had warmed up
            long coldWall = 0;
            double coldCpu = 0;
            TranslateResult fr = null;
            double e2eCpu = 0;
            for (int pass = 0; pass < 2; pass++) {
                Files.deleteIfExists(req.output());
                c0 = cpuSeconds();
                fr = FileTranslation.run(g, req, Progress.NONE);
                e2eCpu = cpuSeconds() - c0;
                if (pass == 0) {
                    coldWall = fr.wall().toNanos();
                    coldCpu = e2eCpu;
                }
            }
            long e2eWall = fr.wall().toNanos();
            // pure inference: the same number of runs of the same shape on the same number of threads
            c0 = cpuSeconds();
            long pureWall = pureInference(g, (int) ps.tilesRun(), plan.windowSize(), tr.workers());
            double pureCpu = cpuSeconds() - c0;
            System.out.printf(Locale.ROOT, "raster %dx%d, %s, tiles run %d, skipped %d%n", plan.width(), plan.height(),
                    plan, ps.tilesRun(), ps.tilesSkipped());
            System.out.printf(Locale.ROOT, "pure inference (%d runs of 1x%dx%d^2, %d threads): wall %.3f s, CPU %.2f s%n",
                    ps.tilesRun(), g.card().inputBands().size(), plan.windowSize(), tr.workers(), pureWall / 1e9, pureCpu);
            System.out.printf(Locale.ROOT, "pipeline in memory: wall %.3f s (%+.1f%%), CPU %.2f s (%+.1f%%); "
                    + "sum inside OrtSession.run %.3f s%n", pipeWall / 1e9, 100.0 * (pipeWall - pureWall) / pureWall,
                    pipeCpu, 100.0 * (pipeCpu - pureCpu) / pureCpu, ps.inferenceNanos() / 1e9);
            System.out.printf(Locale.ROOT, "end to end, first file (writer not yet compiled): wall %.3f s (%+.1f%%), "
                    + "CPU %.2f s (%+.1f%%)%n", coldWall / 1e9, 100.0 * (coldWall - pureWall) / pureWall,
                    coldCpu, 100.0 * (coldCpu - pureCpu) / pureCpu);
            System.out.printf(Locale.ROOT, "end to end file->file: wall %.3f s (%+.1f%%), CPU %.2f s (%+.1f%%); "
                    + "sum inside OrtSession.run %.3f s%n", e2eWall / 1e9, 100.0 * (e2eWall - pureWall) / pureWall,
                    e2eCpu, 100.0 * (e2eCpu - pureCpu) / pureCpu, fr.inference().toNanos() / 1e9);
            double inferPx = (double) ps.tilesRun() * plan.windowSize() * plan.windowSize();
            System.out.printf(Locale.ROOT, "margin cost: plan %.3f inference px per output px (all tiles); "
                    + "measured %.3f per output px, %.3f per valid-tile px%n", plan.inferenceRatio(),
                    inferPx / ((double) plan.width() * plan.height()),
                    (double) plan.windowSize() * plan.windowSize() / (plan.tileSize() * (double) plan.tileSize()));
        }
    }

    /** {@code runs} generator runs of one window on {@code threads} threads, each with its own buffers. */
    private static long pureInference(OnnxGenerator g, int runs, int ws, int threads) throws InterruptedException {
        int cin = g.card().inputBands().size();
        int cout = g.card().outputBands().size();
        AtomicLong next = new AtomicLong();
        List<Thread> ts = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int k = 0; k < threads; k++) {
            Thread t = new Thread(() -> {
                FloatBuffer in = direct(cin * ws * ws);
                FloatBuffer out = direct(cout * ws * ws);
                for (int i = 0; i < cin * ws * ws; i++) {
                    in.put(i, (float) Math.sin(i * 0.37) * 0.8f);
                }
                while (next.getAndIncrement() < runs) {
                    g.run(in, 1, ws, ws, out);
                }
            });
            t.start();
            ts.add(t);
        }
        for (Thread t : ts) {
            t.join();
        }
        return System.nanoTime() - t0;
    }

    private static void memory(OnnxGenerator g, TranslateRequest req) throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong peakHeap = new AtomicLong();
        AtomicLong live = liveSetPeak();
        double cpu0 = cpuSeconds();
        Thread sampler = new Thread(() -> {
            while (!done.get()) {
                long used = 0;
                for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                    if (p.getType() == MemoryType.HEAP) {
                        used += p.getUsage().getUsed();
                    }
                }
                peakHeap.accumulateAndGet(used, Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        AtomicLong lastPct = new AtomicLong(-1);
        TranslateResult r = FileTranslation.run(g, req, (d, t) -> {
            long pct = d * 10 / t;
            if (lastPct.getAndSet(pct) != pct) {
                System.out.printf(Locale.ROOT, "  %d/%d tiles%n", d, t);
            }
        });
        done.set(true);
        sampler.join();
        report(r);
        long peakPools = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                peakPools += p.getPeakUsage().getUsed();
            }
        }
        System.out.printf(Locale.ROOT, "max heap %d MiB; peak heap used: sampled %d MiB, sum of pool peaks %d MiB, "
                + "largest live set after GC %d MiB; peak RSS (VmHWM) %s; process CPU %.1f s%n",
                Runtime.getRuntime().maxMemory() >> 20, peakHeap.get() >> 20, peakPools >> 20, live.get() >> 20, vmHwm(),
                cpuSeconds() - cpu0);
    }

    private static void report(TranslateResult r) {
        System.out.printf(Locale.ROOT, "file %s %dx%d: wall %.3f s, inside OrtSession.run %.3f s (summed over workers), "
                + "tiles run %d, skipped %d%n", r.output().getFileName(), r.width(), r.height(), r.wall().toNanos() / 1e9,
                r.inference().toNanos() / 1e9, r.tilesRun(), r.tilesSkipped());
    }

    /** CPU seconds used by this process so far (all threads, incl. ONNX Runtime's); robust to other load on the box. */
    private static double cpuSeconds() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1e9;
        }
        return Double.NaN;
    }

    /** Tracks the largest heap occupancy right after a garbage collection: the live set. */
    private static AtomicLong liveSetPeak() {
        AtomicLong peak = new AtomicLong();
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof javax.management.NotificationEmitter em) {
                em.addNotificationListener((n, hb) -> {
                    if (!com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                        return;
                    }
                    var info = com.sun.management.GarbageCollectionNotificationInfo.from(
                            (javax.management.openmbean.CompositeData) n.getUserData());
                    long used = 0;
                    for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                        if (!e.getKey().contains("Metaspace") && !e.getKey().contains("CodeHeap")
                                && !e.getKey().contains("Compressed Class")) {
                            used += e.getValue().getUsed();
                        }
                    }
                    peak.accumulateAndGet(used, Math::max);
                }, null, null);
            }
        }
        return peak;
    }

    private static String vmHwm() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return line.substring(6).trim();
                }
            }
        } catch (java.io.IOException e) {
            return "n/a";
        }
        return "n/a";
    }

    private static FloatBuffer direct(int n) {
        return ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
