package org.eo2sar.core;

import java.awt.Rectangle;
import java.awt.geom.Point2D;
import java.awt.image.RenderedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import javax.measure.Unit;
import org.apache.sis.measure.Units;
import org.eo2sar.core.model.ModelCard;
import org.eo2sar.core.raster.Georeferencing;
import org.eo2sar.core.raster.RasterDataType;
import org.eo2sar.core.raster.WindowSamples;
import org.opengis.referencing.crs.GeographicCRS;

/**
 * Does an input look like what the model was trained on? Compares a sample of the input's values
 * with the card's typical input range and its pixel size with the card's GSD, and describes what
 * differs. Advisory only: a model given 8-bit RGB when it expects reflectance x 10000, or 0.5 m
 * aerial pixels when it learnt 10 m Sentinel-2 ones, still runs, but its output means little,
 * and the user should hear that before reading the result.
 */
public final class InputCheck {
    /** The input's 98th percentile may differ from the training one by this factor either way. */
    public static final double VALUE_FACTOR = 4.0;
    /** The pixel size may differ from the card's GSD by this factor either way. */
    public static final double GSD_FACTOR = 2.0;
    private static final int WINDOW = 256;
    private static final int GRID = 3;
    /** Every STEP-th row and column of a full window: 4096 values per window are plenty for the 2nd and 98th
     *  percentiles, and sorting all 590 000 per band held up the start of every translation. */
    private static final int STEP = 4;

    private InputCheck() {
    }

    /**
     * What looks unlike the model's training input, as one line, or empty when nothing does.
     *
     * @param bands    0-based source bands in the model's input order
     * @param dataType the input's sample type (8-bit input for a model of reflectance x 10000 is flagged)
     * @param nodata   the input's nodata value, excluded from the statistics
     */
    public static Optional<String> check(ModelCard card, RenderedImage image, int[] bands, RasterDataType dataType,
                                         OptionalDouble nodata, Georeferencing georef) {
        List<String> problems = new ArrayList<>();
        eightBitProblem(card, dataType).ifPresent(problems::add);
        valueProblem(card, image, bands, nodata).ifPresent(problems::add);
        pixelSizeProblem(card, georef, image.getWidth(), image.getHeight()).ifPresent(problems::add);
        return problems.isEmpty() ? Optional.empty()
                : Optional.of("input may not suit model " + card.name() + ": " + String.join("; ", problems)
                        + "; the output may not mean much");
    }

    /** 8-bit samples cannot hold the raw values a card maps to +1 when that is 1000 or more (e.g. reflectance x 10000). */
    private static Optional<String> eightBitProblem(ModelCard card, RasterDataType dataType) {
        if (dataType != RasterDataType.UINT8) {
            return Optional.empty();
        }
        double[] scale = card.inputScale();
        double[] offset = card.inputOffset();
        double top = Double.POSITIVE_INFINITY;
        for (int i = 0; i < scale.length; i++) {
            top = Math.min(top, scale[i] > 0 ? (1 - offset[i]) / scale[i] : Double.POSITIVE_INFINITY);
        }
        return top >= 1000 && Double.isFinite(top)
                ? Optional.of("8-bit input, the model takes values up to " + number(top) + " (e.g. Sentinel-2 L2A reflectance x 10000)")
                : Optional.empty();
    }

    private static Optional<String> valueProblem(ModelCard card, RenderedImage image, int[] bands, OptionalDouble nodata) {
        double[] scale = card.inputScale();
        double[] offset = card.inputOffset();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < bands.length; i++) {
            double[] v = sample(image, bands[i], nodata);
            Arrays.sort(v); // once, for both percentiles
            if (v.length == 0) {
                return Optional.empty(); // all nodata: nothing to say
            }
            double p98 = percentile(v, 0.98);
            String name = card.inputBands().get(i);
            if (!card.inputRange().isEmpty()) {
                double typical = card.inputRange().get(i).high();
                if (typical > 0 && (p98 > typical * VALUE_FACTOR || p98 < typical / VALUE_FACTOR)) {
                    out.add(String.format(Locale.ROOT, "%s values reach %s (98th percentile), the model's training data %s",
                            name, number(p98), number(typical)));
                }
            } else {
                // Without a typical range, only values beyond what the card's scaling maps to [-1, 1] stand out.
                double model = p98 * scale[i] + offset[i];
                if (model > 1.5 || percentile(v, 0.02) * scale[i] + offset[i] < -1.5) {
                    out.add(String.format(Locale.ROOT, "%s values reach %s, beyond the card's input scaling", name, number(p98)));
                }
            }
        }
        if (out.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(String.join(", ", out) + " (check --bands and the value scale, e.g. 8-bit vs reflectance x 10000)");
    }

    private static Optional<String> pixelSizeProblem(ModelCard card, Georeferencing georef, int width, int height) {
        if (Double.isNaN(card.gsd())) {
            return Optional.empty();
        }
        double metres = pixelSizeMetres(georef, width, height);
        if (Double.isNaN(metres) || metres <= 0) {
            return Optional.empty();
        }
        double ratio = metres / card.gsd();
        if (ratio > GSD_FACTOR || ratio < 1 / GSD_FACTOR) {
            return Optional.of(String.format(Locale.ROOT, "pixel size %s m, the model was trained at %s m",
                    number(metres), number(card.gsd())));
        }
        return Optional.empty();
    }

    /** Mean of the pixel width and height in metres; NaN when the CRS unit is not a length or degree. */
    static double pixelSizeMetres(Georeferencing georef, int width, int height) {
        double sx = georef.pixelSizeX();
        double sy = georef.pixelSizeY();
        if (georef.crs() instanceof GeographicCRS) {
            Point2D centre = georef.gridToCrs().transform(new Point2D.Double(width / 2.0, height / 2.0), null);
            double lat = Math.toRadians(Math.max(-89.0, Math.min(89.0, centre.getY())));
            return (sx * 111_320.0 * Math.cos(lat) + sy * 110_574.0) / 2;
        }
        Unit<?> unit = georef.crs().getCoordinateSystem().getAxis(0).getUnit();
        if (unit == null || !unit.isCompatible(Units.METRE)) {
            return Double.NaN;
        }
        try {
            return unit.getConverterToAny(Units.METRE).convert((sx + sy) / 2);
        } catch (javax.measure.IncommensurableException | javax.measure.UnconvertibleException e) {
            return Double.NaN;
        }
    }

    /** Valid values of one band in up to GRID x GRID windows spread over the image (every STEP-th row and
     *  column of a full-size window). */
    static double[] sample(RenderedImage image, int band, OptionalDouble nodata) {
        int w = Math.min(WINDOW, image.getWidth());
        int h = Math.min(WINDOW, image.getHeight());
        int step = w == WINDOW && h == WINDOW ? STEP : 1; // small images: every pixel
        double[] all = new double[GRID * GRID * w * h];
        int n = 0;
        float[][] buf = new float[1][w * h];
        for (int gy = 0; gy < GRID; gy++) {
            for (int gx = 0; gx < GRID; gx++) {
                int x = image.getMinX() + (image.getWidth() - w) * gx / (GRID - 1);
                int y = image.getMinY() + (image.getHeight() - h) * gy / (GRID - 1);
                // straight from the source tiles: getData would copy the window through an int[] first
                WindowSamples.read(image, new Rectangle(x, y, w, h), new int[] {band}, buf);
                for (int yy = 0; yy < h; yy += step) {
                    for (int xx = 0; xx < w; xx += step) {
                        double d = buf[0][yy * w + xx];
                        if (Double.isFinite(d) && (nodata.isEmpty() || d != nodata.getAsDouble())) {
                            all[n++] = d;
                        }
                    }
                }
                if (image.getWidth() <= w && image.getHeight() <= h) {
                    return Arrays.copyOf(all, n); // one window covers the image
                }
            }
        }
        return Arrays.copyOf(all, n);
    }

    /** The q-quantile of ascending {@code sorted} values. */
    static double percentile(double[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    }

    private static String number(double v) {
        return Math.abs(v) >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.3g", v);
    }
}
