package org.eo2sar.app;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.eo2sar.core.model.DeviceSpec;
import org.eo2sar.core.model.ModelCard;
import org.eo2sar.core.model.OnnxGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code eo2sar info FILE}: a model's card (.onnx) or a raster's size, bands, type, CRS, grid and nodata. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print a model's card (.onnx) or a raster's description (GeoTIFF).")
final class InfoCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "An ONNX model or a GeoTIFF.")
    Path file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
            try (OnnxGenerator g = OnnxGenerator.open(file, DeviceSpec.CPU)) {
                out.print(formatCard(file, g.card()));
            }
        } else {
            out.print(CoreBridge.rasterInfo(file));
        }
        out.flush();
        return ExitCode.OK;
    }

    static String formatCard(Path file, ModelCard c) {
        StringBuilder b = new StringBuilder();
        b.append("Model:        ").append(file).append('\n');
        b.append("Name:         ").append(c.name()).append(" (version ").append(c.version()).append(")\n");
        if (!c.description().isBlank()) {
            b.append("Description:  ").append(c.description()).append('\n');
        }
        b.append("Input bands:  ").append(c.inputBands()).append('\n');
        b.append("Input scale:  ").append(java.util.Arrays.toString(c.inputScale()))
                .append("  offset: ").append(java.util.Arrays.toString(c.inputOffset())).append('\n');
        if (!c.inputRange().isEmpty()) {
            b.append("Input range:  ").append(c.inputRange().stream()
                    .map(v -> String.format(java.util.Locale.ROOT, "%.0f..%.0f", v.low(), v.high())).toList())
                    .append(" (2nd..98th percentile of the training inputs)\n");
        }
        b.append("Output bands: ").append(c.outputBands()).append(" in ").append(c.outputUnit()).append('\n');
        b.append("Output scale: ").append(java.util.Arrays.toString(c.outputScale()))
                .append("  offset: ").append(java.util.Arrays.toString(c.outputOffset())).append('\n');
        b.append("Tiles:        size ").append(c.tileSize()).append(", margin ").append(c.tileMargin())
                .append(", multiple of ").append(c.tileMultiple()).append('\n');
        b.append("Tile-invariant: ").append(c.tileInvariant()
                ? "yes (frozen normalization: tiled output matches whole-image output)"
                : "no (per-tile normalization: seams possible; use a margin and --blend)").append('\n');
        b.append("GSD:          ").append(Double.isNaN(c.gsd()) ? "unknown" : c.gsd() + " m").append('\n');
        if (c.trainingJson() != null) {
            b.append("Training:     ").append(c.trainingJson()).append('\n');
        }
        return b.toString();
    }
}
