package org.eo2sar.geoserver;

import java.awt.Color;
import java.awt.geom.AffineTransform;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Eo2SarException.Kind;
import org.eo2sar.core.model.DeviceSpec;
import org.eo2sar.core.model.ModelCard;
import org.eo2sar.core.model.OnnxGenerator;
import org.eo2sar.core.pipeline.OutputType;
import org.eo2sar.core.pipeline.Stitch;
import org.eo2sar.core.pipeline.TranslatedImage;
import org.eo2sar.core.pipeline.TranslationOptions;
import org.eo2sar.core.pipeline.Translator;
import org.geotools.api.coverage.grid.GridCoverage;
import org.geotools.api.coverage.grid.GridCoverageReader;
import org.geotools.api.coverage.grid.GridGeometry;
import org.geotools.api.data.Query;
import org.geotools.api.metadata.spatial.PixelOrientation;
import org.geotools.api.parameter.GeneralParameterValue;
import org.geotools.api.referencing.crs.CoordinateReferenceSystem;
import org.geotools.api.referencing.datum.PixelInCell;
import org.geotools.api.referencing.operation.MathTransform;
import org.geotools.api.util.ProgressListener;
import org.geotools.coverage.Category;
import org.geotools.coverage.GridSampleDimension;
import org.geotools.coverage.grid.GridCoverage2D;
import org.geotools.coverage.grid.GridCoverageFactory;
import org.geotools.coverage.grid.GridGeometry2D;
import org.geotools.coverage.grid.io.GridCoverage2DReader;
import org.geotools.coverage.util.CoverageUtilities;
import org.geotools.process.ProcessException;
import org.geotools.process.factory.DescribeParameter;
import org.geotools.process.factory.DescribeProcess;
import org.geotools.process.factory.DescribeResult;
import org.geotools.referencing.CRS;
import org.locationtech.jts.geom.Geometry;

/**
 * {@code eo2sar:Translate}: an optical coverage in, a SAR-like coverage out on exactly the same
 * grid. Also a rendering transformation: {@link #invertGridGeometry} reads WMS tiles at native
 * resolution plus the model margin; {@link #customizeReadParams} refuses views far coarser
 * than native and hands views up to that limit to a {@link CoarseView} (native translation, averaged down).
 */
@DescribeProcess(title = "EO to SAR translation",
        description = "Translates an optical (EO) raster into a SAR-like raster (e.g. VV backscatter in dB) with an "
                + "ONNX generator from the eo2sar model directory. The output has the input's grid and CRS.")
public class TranslateProcess implements Eo2SarProcess {
    private static final System.Logger LOG = System.getLogger(TranslateProcess.class.getName());
    // invertGridGeometry and customizeReadParams run back to back on the renderer's thread
    // (RenderingTransformationHelper.readFromRaster); the view's pixel size travels between them here.
    private static final ThreadLocal<View> VIEW = new ThreadLocal<>();
    // ... and customizeReadParams hands a view coarser than the data to execute, which follows on the same thread
    private static final ThreadLocal<CoarseView> COARSE = new ThreadLocal<>();
    private static final Color TRANSPARENT = new Color(0, 0, 0, 0);
    /**
     * Coverage property GeoTools' readers and operations use for nodata (NoDataContainer.GC_NODATA).
     * Its value class moved from JAI-ext (GeoTools 33) to ImageN (34+), so we never name it; a
     * {@code Double} is accepted by CoverageUtilities.getNoDataProperty in all three versions.
     */
    static final String GC_NODATA = "GC_NODATA";
    /** Coverage property holding the valid-pixel mask, a JAI (33) or ImageN (34+) ROI. */
    static final String GC_ROI = "GC_ROI";
    /** ProcessFunction's listener (package-private in GeoTools): set when a map renders us; it never cancels. */
    static final String RENDERING_LISTENER = "org.geotools.process.function.ExceptionProgressListener";

    private final ModelRegistry registry;
    private final GridCoverageFactory coverages = new GridCoverageFactory();

    public TranslateProcess(ModelRegistry registry) {
        this.registry = registry;
    }

    @DescribeResult(name = "result", type = GridCoverage2D.class,
            description = "SAR-like coverage on the input grid: one band per model output (e.g. VV), float32 in the "
                    + "model's unit (dB) with NaN as nodata, or uint8 (-25..0 dB mapped to 1..255, 0 = nodata)")
    public GridCoverage2D execute(
            @DescribeParameter(name = "data", description = "Optical (EO) input coverage; any band count")
                    GridCoverage2D eo,
            @DescribeParameter(name = "model", description = "Model name: a file <name>.onnx in the eo2sar model "
                    + "directory (list them with eo2sar:Models)") String model,
            @DescribeParameter(name = "bands", min = 0, description = "Input bands in the model's band order, "
                    + "numbered from 1, comma-separated (e.g. 3,2,1); default: the first bands") String bands,
            @DescribeParameter(name = "device", min = 0, description = "cpu, cuda, cuda:N or auto; default: the "
                    + "server's eo2sar.geoserver.device (cpu)") String device,
            @DescribeParameter(name = "tile", min = 0, minValue = 0, description = "Tile size in pixels; default: "
                    + "the model card's") Integer tile,
            @DescribeParameter(name = "margin", min = 0, minValue = 0, description = "Context margin in pixels, "
                    + "a multiple of the model's tile multiple; 0 = no margin; default: the model card's") Integer margin,
            @DescribeParameter(name = "blend", min = 0, defaultValue = "false", description = "Feather-blend tile "
                    + "overlaps instead of cropping margins") Boolean blend,
            @DescribeParameter(name = "outputType", min = 0, defaultValue = "float32", description = "float32 "
                    + "(model unit, NaN nodata) or uint8 (display)") String outputType,
            @DescribeParameter(name = "roi", min = 0, description = "Region of interest in the coverage CRS; "
                    + "pixels outside are nodata and not computed") Geometry roi,
            ProgressListener listener)
            throws ProcessException {
        if (eo == null) {
            throw new ProcessException("eo2sar:Translate: the input coverage 'data' is required");
        }
        try {
            return translate(eo, model, bands, device, tile, margin, blend, outputType, roi, listener);
        } catch (Eo2SarException e) {
            throw failure(e);
        }
    }

    @SuppressWarnings("try") // the permit is held for the duration of the block
    private GridCoverage2D translate(GridCoverage2D eo, String model, String bands, String device, Integer tile,
                                     Integer margin, Boolean blend, String outputType, Geometry roi,
                                     ProgressListener listener) {
        boolean rendering = listener != null && RENDERING_LISTENER.equals(listener.getClass().getName());
        CoarseView coarse = rendering ? COARSE.get() : null;
        COARSE.remove();
        PluginSettings settings = registry.settings();
        checkSize(eo.getRenderedImage(), settings); // before any model is opened
        int[] bandIndices = Arguments.bands(bands);
        OutputType type = Arguments.outputType(outputType);
        OnnxGenerator generator = registry.generator(model, device(device));
        ModelCard card = generator.card();
        // a map view coarser than the data: translate the native pixels, average them down afterwards
        GridCoverage2D input = eo;
        if (coarse != null && coarse.isCoarser(eo)) {
            input = coarse.readNative(eo, card.tileMultiple());
            checkSize(input.getRenderedImage(), settings);
        }
        RenderedImage image = input.getRenderedImage();
        image = CoverageMask.apply(image, property(input, GC_ROI));
        TranslationOptions options = TranslationOptions.defaults()
                .withBands(bandIndices)
                .withTileSize(Arguments.tileSize(tile))
                .withMargin(Arguments.margin(margin))
                .withStitch(Boolean.TRUE.equals(blend) ? Stitch.FEATHER : Stitch.CROP)
                .withOutputType(input == eo ? type : OutputType.FLOAT32)
                .withInputNodata(inputNodata(input, bandIndices))
                .withRoi(roi == null ? null : PixelRoi.toPixels(roi, input.getGridGeometry()));
        ListenerProgress progress = new ListenerProgress(listener,
                rendering ? (long) Math.ceil(settings.renderTimeoutSeconds() * 1000) : 0);
        if (listener != null) {
            listener.started();
        }
        Raster data;
        ColorModel colorModel;
        try (TranslationGate.Permit permit = registry.gate().enter(progress::isCancelled);
             TranslatedImage translated = new Translator(generator).translate(image, options, progress)) {
            data = translated.getData();
            colorModel = translated.getColorModel();
            if (progress.isCancelled()) { // cancelled after the last batch: still no output
                throw new Eo2SarException(Kind.CANCELLED, "translation cancelled");
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "eo2sar:Translate " + model + ": " + translated.stats());
        } catch (Eo2SarException e) {
            progress.rethrowListenerFailure(); // GeoServer's own dismiss exception, unwrapped
            if (progress.timedOut() && e.kind() == Kind.CANCELLED) {
                throw new Eo2SarException(Kind.CANCELLED, "map translation stopped after "
                        + java.math.BigDecimal.valueOf(settings.renderTimeoutSeconds()).stripTrailingZeros()
                                .toPlainString() + " s (setting " + PluginSettings.RENDER_TIMEOUT
                        + "); zoom in or raise the limit", e);
            }
            throw e;
        }
        if (input != eo) {
            RenderedImage view = eo.getRenderedImage();
            data = CoarseView.averageDown(data, gridToWorld(input), gridToWorld(eo), view.getMinX(), view.getMinY(),
                    view.getWidth(), view.getHeight(), type);
            colorModel = TranslatedImage.colorModel(data.getNumBands(), type);
        }
        double nodata = type == OutputType.FLOAT32 ? Double.NaN : 0;
        GridCoverage2D out = coverages.create("eo2sar " + card.name() + " " + card.outputBands() + " ("
                        + card.outputUnit() + ")", new RasterImage(data, colorModel), eo.getGridGeometry(),
                sampleDimensions(card.outputBands(), type), new GridCoverage[] {eo},
                Map.of(GC_NODATA, nodata));
        if (listener != null) {
            listener.progress(100f);
            listener.complete();
        }
        return out;
    }

    private static void checkSize(RenderedImage image, PluginSettings settings) {
        long pixels = (long) image.getWidth() * image.getHeight();
        if (pixels > settings.maxPixels()) {
            throw new Eo2SarException(Kind.INVALID_INPUT, "input is " + image.getWidth() + "x" + image.getHeight()
                    + " = " + pixels + " pixels, over the limit of " + settings.maxPixels() + " (setting "
                    + PluginSettings.MAX_PIXELS + "); request a smaller area or use the roi parameter on a subset");
        }
    }

    private static AffineTransform gridToWorld(GridCoverage2D coverage) {
        return (AffineTransform) coverage.getGridGeometry().getGridToCRS2D(PixelOrientation.UPPER_LEFT);
    }

    /** What WPS clients see: our one-line message, prefixed with the process name. */
    private static ProcessException failure(Eo2SarException e) {
        return new ProcessException("eo2sar:Translate: " + e.getMessage(), e);
    }

    private DeviceSpec device(String device) {
        return DeviceSpec.parse(device == null || device.isBlank() ? registry.settings().defaultDevice() : device);
    }

    /**
     * The input's nodata: the coverage's GC_NODATA property (where GeoTools' GeoTiffReader and
     * operations put it), else the first nodata value of the first selected band's sample dimension.
     */
    static OptionalDouble inputNodata(GridCoverage2D eo, int[] bands) {
        Object property = property(eo, GC_NODATA);
        if (property instanceof Number n) {
            return OptionalDouble.of(n.doubleValue());
        }
        if (property != null) { // a NoDataContainer: read through a call whose signature is the same in 33-35
            double[] values = CoverageUtilities.getBackgroundValues(eo);
            if (values.length > 0) {
                return OptionalDouble.of(values[0]);
            }
        }
        int band = bands == null || bands.length == 0 ? 0 : bands[0];
        if (band >= eo.getNumSampleDimensions()) {
            return OptionalDouble.empty(); // the translator reports the bad band
        }
        double[] nodata = eo.getSampleDimension(band).getNoDataValues();
        return nodata == null || nodata.length == 0 ? OptionalDouble.empty() : OptionalDouble.of(nodata[0]);
    }

    /** A coverage property, or null: GeoTools answers an absent one with {@code Image.UndefinedProperty}. */
    static Object property(GridCoverage2D coverage, String name) {
        Object value = coverage.getProperty(name);
        return value == java.awt.Image.UndefinedProperty ? null : value;
    }

    /**
     * One sample dimension per model output band, named after it, with the output type's nodata as a
     * category named like GeoTools' own ({@code Category.NODATA}): CoverageUtilities.getBackgroundValues,
     * and so GeoTiffWriter's nodata tag, find it by that name.
     */
    static GridSampleDimension[] sampleDimensions(List<String> outputBands, OutputType type) {
        GridSampleDimension[] dims = new GridSampleDimension[outputBands.size()];
        for (int i = 0; i < dims.length; i++) {
            Category nodata = type == OutputType.FLOAT32
                    ? new Category(Category.NODATA.getName(), TRANSPARENT, Double.NaN)
                    : new Category(Category.NODATA.getName(), TRANSPARENT, 0); // integer category for the byte band
            // GeoTools has no decibel Unit; the unit is in the coverage name and the model listing
            dims[i] = new GridSampleDimension(outputBands.get(i), new Category[] {nodata}, null);
        }
        return dims;
    }

    /**
     * Rendering transformation: the grid to read for a map request. GeoTools hands us the request's
     * grid capped at native resolution; we grow it by the model margin (request's value, else the
     * card's) so edge tiles get context, snap it to the model's tile multiple so all tiles share one
     * stride phase, and remember its pixel size for {@link #customizeReadParams}.
     */
    public GridGeometry invertGridGeometry(
            @DescribeParameter(name = "model", description = "Model name") String model,
            @DescribeParameter(name = "device", min = 0, description = "Device") String device,
            @DescribeParameter(name = "margin", min = 0, description = "Context margin in pixels; 0 = no margin; "
                    + "default: the model card's") Integer margin,
            Query targetQuery, GridGeometry targetGridGeometry)
            throws ProcessException {
        COARSE.remove(); // a new map request: nothing of an earlier one that never reached execute
        if (!(targetGridGeometry instanceof GridGeometry2D read)) {
            return targetGridGeometry;
        }
        try {
            ModelCard card = registry.generator(model, device(device)).card();
            int m = Arguments.margin(margin);
            if (m == TranslationOptions.DEFAULT_MARGIN) {
                m = card.tileMargin();
            }
            VIEW.set(new View(NativeResolutionRead.pixelSize(read.getGridToCRS2D(PixelOrientation.UPPER_LEFT)),
                    read.getCoordinateReferenceSystem()));
            return NativeResolutionRead.withMargin(read, m, card.tileMultiple());
        } catch (Eo2SarException e) {
            throw failure(e);
        }
    }

    /** Pixel size and CRS of the grid a map request reads. */
    private record View(double pixelSize, CoordinateReferenceSystem crs) {
    }

    /**
     * Rendering transformation: called right after {@link #invertGridGeometry} with the layer's
     * reader, the only place that knows the native resolution. Refuses views more than
     * {@code eo2sar.geoserver.maxCoarsening} times coarser than native; for a coarser view within that
     * limit, leaves the reader to {@link #execute}, which reads and translates the native pixels
     * ({@link CoarseView}). Read parameters pass unchanged.
     */
    public GeneralParameterValue[] customizeReadParams(GridCoverageReader reader, GeneralParameterValue[] params)
            throws ProcessException {
        View view = VIEW.get();
        VIEW.remove();
        if (view == null || !(reader instanceof GridCoverage2DReader r2d)) {
            return params;
        }
        if (!CRS.equalsIgnoreMetadata(view.crs(), r2d.getCoordinateReferenceSystem())) {
            return params; // reprojected view: pixel sizes are in different units, GeoTools decides the read
        }
        MathTransform nativeGridToWorld = r2d.getOriginalGridToWorld(PixelInCell.CELL_CORNER);
        double nativePixel = NativeResolutionRead.pixelSize(nativeGridToWorld);
        try {
            NativeResolutionRead.checkCoarsening(view.pixelSize(), nativePixel, registry.settings().maxCoarsening());
        } catch (Eo2SarException e) {
            throw failure(e);
        }
        if (NativeResolutionRead.isCoarser(view.pixelSize(), nativePixel) && nativeGridToWorld instanceof AffineTransform at) {
            COARSE.set(new CoarseView(r2d, params, at));
        }
        return params;
    }
}
