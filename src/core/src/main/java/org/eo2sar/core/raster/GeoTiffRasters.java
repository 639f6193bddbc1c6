package org.eo2sar.core.raster;

import java.awt.geom.AffineTransform;
import java.awt.image.RenderedImage;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.SimpleFormatter;
import org.apache.sis.coverage.grid.GridCoverage;
import org.apache.sis.coverage.grid.GridExtent;
import org.apache.sis.coverage.grid.GridGeometry;
import org.apache.sis.coverage.grid.PixelInCell;
import org.apache.sis.referencing.CRS;
import org.apache.sis.referencing.operation.transform.MathTransforms;
import org.apache.sis.setup.OptionKey;
import org.apache.sis.storage.DataStoreException;
import org.apache.sis.storage.GridCoverageResource;
import org.apache.sis.storage.IncompatibleResourceException;
import org.apache.sis.storage.RasterLoadingStrategy;
import org.apache.sis.storage.StorageConnector;
import org.apache.sis.storage.event.WarningEvent;
import org.apache.sis.storage.geotiff.Compression;
import org.apache.sis.storage.geotiff.FormatModifier;
import org.apache.sis.storage.geotiff.GeoTiffStore;
import org.apache.sis.storage.geotiff.GeoTiffStoreProvider;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Eo2SarException.Kind;
import org.opengis.referencing.crs.CoordinateReferenceSystem;
import org.opengis.referencing.operation.Matrix;

/**
 * Reads and writes GeoTIFF / BigTIFF / COG with Apache SIS, filling SIS's gaps: undecodable
 * encodings and corrupt blocks are rejected at open time from our own header check, a CRS SIS
 * cannot decode is an error (never a silent null), and outputs get the GDAL_NODATA tag and the
 * input's GeoKeys, which SIS does not write.
 */
public final class GeoTiffRasters {
    /** Uncompressed size above which AUTO writes BigTIFF (4 GiB less room for directories). */
    static final long BIG_TIFF_THRESHOLD = (1L << 32) - (64L << 20);
    private static final SecureRandom RANDOM = new SecureRandom();

    private GeoTiffRasters() {
    }

    /**
     * Opens a GeoTIFF lazily: only the header and directories are read now.
     *
     * @throws Eo2SarException INVALID_INPUT naming the file and the problem when it does not exist,
     *         is not a TIFF, is corrupt, uses an undecodable encoding, has no usable CRS or absurd size;
     *         IO when reading fails
     */
    public static GeoRaster open(Path file) {
        return open(file, ReadGuard.DEFAULT_TIMEOUT);
    }

    /**
     * As {@link #open(Path)}, with the deadline of each pixel read of the image (a read that takes
     * longer fails with INVALID_INPUT instead of hanging on a corrupt block).
     */
    public static GeoRaster open(Path file, java.time.Duration readTimeout) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(readTimeout, "readTimeout");
        if (readTimeout.isNegative() || readTimeout.isZero()) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "read timeout must be positive, got " + readTimeout);
        }
        if (!Files.exists(file)) {
            throw invalid(file, "does not exist");
        }
        if (Files.isDirectory(file)) {
            throw invalid(file, "is a directory, not a GeoTIFF file");
        }
        if (!Files.isRegularFile(file)) {
            // a FIFO or device would block or never end; only plain files have a size we can check
            throw invalid(file, "is not a regular file (a pipe, device or socket); give a GeoTIFF file");
        }
        if (!Files.isReadable(file)) {
            throw invalid(file, "is not readable (permission denied)");
        }
        TiffInspector.Facts facts;
        try {
            facts = TiffInspector.inspect(file);
        } catch (TiffFormatException e) {
            throw invalid(file, e.getMessage());
        } catch (IOException e) {
            throw new Eo2SarException(Kind.IO, file + ": cannot be read: " + e, e);
        }
        GeoTiffStore store = null;
        GeoTiffStore mask = null;
        try {
            store = new GeoTiffStore(new GeoTiffStoreProvider(), new StorageConnector(file));
            List<String> warnings = new CopyOnWriteArrayList<>();
            // A listener also stops SIS from logging the warnings itself: we report them in our errors.
            store.addListener(WarningEvent.class,
                    e -> warnings.add(new SimpleFormatter().formatMessage(e.getDescription())));
            List<GridCoverageResource> images = store.components();
            if (images.isEmpty()) {
                throw invalid(file, "contains no image");
            }
            GridCoverageResource resource = images.get(0);
            Georeferencing georef = georeferencing(file, resource.getGridGeometry(), facts, warnings);
            // Default strategy reads every tile at read() time; we want tiles read on getTile().
            resource.setLoadingStrategy(RasterLoadingStrategy.AT_GET_TILE_TIME);
            GridCoverage coverage = resource.read(null);
            RenderedImage ours = decodedPixels(file, facts);
            RenderedImage pixels = ours != null ? ours : coverage.render(null);
            RenderedImage image = new GuardedImage(pixels, file, readTimeout);
            if (image.getWidth() != facts.width() || image.getHeight() != facts.height()
                    || image.getSampleModel().getNumBands() != facts.bands()) {
                throw invalid(file, "decodes to " + image.getWidth() + "x" + image.getHeight() + "x"
                        + image.getSampleModel().getNumBands() + " instead of " + facts.width() + "x"
                        + facts.height() + "x" + facts.bands());
            }
            RasterInfo info = new RasterInfo(file, facts.width(), facts.height(), facts.bands(),
                    facts.dataType(), facts.nodata(), georef, facts.alphaBand(), facts.bandLabels());
            if (facts.alphaBand().isEmpty()) { // an alpha band is the mask already, as for GDAL
                int internal = TiffInspector.maskComponent(file);
                Path sidecar = file.resolveSibling(file.getFileName() + ".msk");
                if (internal > 0 && internal < images.size()) {
                    image = withMask(image, images.get(internal), file, readTimeout);
                    info = withMaskBand(info, "Mask (GDAL internal mask)");
                } else if (Files.isRegularFile(sidecar)) {
                    mask = new GeoTiffStore(new GeoTiffStoreProvider(), new StorageConnector(sidecar));
                    List<GridCoverageResource> m = mask.components();
                    if (m.isEmpty()) {
                        throw invalid(sidecar, "contains no image");
                    }
                    image = withMask(image, m.get(0), sidecar, readTimeout);
                    info = withMaskBand(info, "Mask (" + sidecar.getFileName() + ")");
                }
            }
            GeoRaster raster = new GeoRaster(info, image, store, mask);
            store = null;
            mask = null;
            return raster;
        } catch (DataStoreException | RuntimeException e) {
            if (e instanceof Eo2SarException ee) {
                throw ee;
            }
            throw invalid(file, "cannot be read: " + oneLine(e), e);
        } catch (IOException e) {
            throw new Eo2SarException(Kind.IO, file + ": cannot be read: " + oneLine(e), e);
        } finally {
            for (GeoTiffStore s : new GeoTiffStore[] {store, mask}) {
                if (s != null) {
                    try {
                        s.close();
                    } catch (DataStoreException ignored) {
                        // already failing; the original error matters
                    }
                }
            }
        }
    }

    /** The image with the mask resource's pixels appended as a last band (0 = nodata), read lazily and guarded. */
    private static RenderedImage withMask(RenderedImage image, GridCoverageResource mask, Path maskFile,
                                          java.time.Duration readTimeout) throws DataStoreException {
        mask.setLoadingStrategy(RasterLoadingStrategy.AT_GET_TILE_TIME);
        RenderedImage m = new GuardedImage(mask.read(null).render(null), maskFile, readTimeout);
        try {
            return new MaskBandImage(image, m);
        } catch (IllegalArgumentException e) {
            throw invalid(maskFile, "has a mask that does not fit the image: " + e.getMessage());
        }
    }

    /** GDAL shows a per-dataset mask beside the bands; we add it as the last band, marked as the alpha (nodata) band. */
    private static RasterInfo withMaskBand(RasterInfo info, String label) {
        List<String> labels = new ArrayList<>(info.bandLabels());
        labels.add(label);
        return new RasterInfo(info.path(), info.width(), info.height(), info.bandCount() + 1, info.dataType(),
                info.nodata(), info.georef(), OptionalInt.of(info.bandCount()), labels);
    }

    /** Reads just the description of a raster (opens and closes it). */
    public static RasterInfo info(Path file) {
        try (GeoRaster r = open(file)) {
            return r.info();
        }
    }

    private static Georeferencing georeferencing(Path file, GridGeometry grid, TiffInspector.Facts facts,
                                                 List<String> warnings) {
        if (!grid.isDefined(GridGeometry.GRID_TO_CRS)) {
            throw invalid(file, "is not georeferenced (no GeoTIFF transform or tie points)");
        }
        GeoTiffKeys keys = facts.geoKeys();
        if (!grid.isDefined(GridGeometry.CRS)) {
            OptionalInt code = keys == null ? OptionalInt.empty() : keys.epsg();
            if (keys == null) {
                throw invalid(file, "has no coordinate reference system (no GeoTIFF keys); assign one, "
                        + "e.g. gdal_edit.py -a_srs EPSG:<code> FILE");
            } else if (code.isPresent()) {
                throw invalid(file, "uses CRS EPSG:" + code.getAsInt() + ", which Apache SIS cannot decode"
                        + " without the EPSG database; reproject it, e.g. gdalwarp -t_srs EPSG:4326 IN OUT");
            }
            throw invalid(file, "has a coordinate reference system Apache SIS cannot decode"
                    + (warnings.isEmpty() ? "" : " (" + String.join("; ", warnings) + ")"));
        }
        int[] dims = grid.getExtent().getSubspaceDimensions(2);
        GridGeometry horizontal = grid.selectDimensions(dims);
        Matrix m = MathTransforms.getMatrix(horizontal.getGridToCRS(PixelInCell.CELL_CORNER));
        if (m == null || m.getNumRow() != 3 || m.getNumCol() != 3) {
            throw invalid(file, "has a non-affine grid-to-CRS transform, which is not supported");
        }
        CoordinateReferenceSystem crs = horizontal.getCoordinateReferenceSystem();
        if (crs.getCoordinateSystem().getDimension() != 2) {
            crs = CRS.getHorizontalComponent(crs);
            if (crs == null) {
                throw invalid(file, "has no horizontal coordinate reference system");
            }
        }
        var g2c = new AffineTransform(m.getElement(0, 0), m.getElement(1, 0), m.getElement(0, 1),
                m.getElement(1, 1), m.getElement(0, 2), m.getElement(1, 2));
        double[] e = new double[6];
        g2c.getMatrix(e);
        for (double v : e) {
            if (!Double.isFinite(v)) {
                throw invalid(file, "has a non-finite pixel size or origin in its georeferencing " + g2c);
            }
        }
        double det = g2c.getDeterminant();
        if (det == 0 || !Double.isFinite(det)) {
            throw invalid(file, "has a zero pixel size (degenerate grid-to-CRS transform " + g2c + ")");
        }
        // GDAL reads the EPSG code from the keys, so that is the code we report.
        OptionalInt epsg = keys != null && keys.epsg().isPresent() ? keys.epsg() : Georeferencing.lookupEpsg(crs);
        return new Georeferencing(g2c, null, epsg, crs, keys);
    }

    /** {@link #write(RenderedImage, Georeferencing, Path, WriteOptions)} with {@link WriteOptions#defaults()}. */
    public static void write(RenderedImage image, Georeferencing georef, Path output) {
        write(image, georef, output, WriteOptions.defaults());
    }

    /**
     * Writes a Deflate GeoTIFF, pulling the image one tile at a time. {@link WriteOptions.Layout#COG}:
     * a Cloud Optimized GeoTIFF with overviews ({@link CogWriter}). {@link WriteOptions.Layout#TILED}:
     * Apache SIS's tiled GeoTIFF (tiles whose size is not a multiple of 16 are re-tiled lazily by SIS;
     * single-column-of-tiles images are written as strips, their tiles first fitted to the image width
     * when they are wider). Tiles may overhang the image.
     * The file is written next to {@code output} under a temporary name and renamed atomically; on
     * any failure nothing is left behind. Pixel (col, row) of the image maps through
     * {@code georef.gridToCrs()} exactly as in the source (image minX/minY are honoured).
     *
     * @throws Eo2SarException IO when writing fails, INVALID_ARGUMENT when the output folder does not
     *         exist or the CRS cannot be encoded; an Eo2SarException thrown while computing tiles
     *         (e.g. CANCELLED) propagates unchanged
     */
    public static void write(RenderedImage image, Georeferencing georef, Path output, WriteOptions options) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(georef, "georef");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(options, "options");
        Path out = output.toAbsolutePath();
        Path dir = out.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, output + ": output folder " + dir + " does not exist");
        }
        if (Files.isDirectory(out)) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, output + ": is a directory");
        }
        Path tmp = dir.resolve("." + out.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
        try {
            if (options.layout() == WriteOptions.Layout.COG) {
                writeCog(image, georef, tmp, options);
            } else {
                writeWithSis(image, georef, tmp, options);
                TiffPatcher.setTags(tmp, extraTags(image, georef, options));
            }
            moveAtomically(tmp, out);
        } catch (Throwable t) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                t.addSuppressed(e);
            }
            throw writeFailure(output, t);
        }
    }

    /**
     * The COG path: the georeferencing tags are the ones Apache SIS writes for the same grid (a 1x1
     * image whose pixel (0, 0) is the image's (minX, minY)), with the source GeoKeys over them as in
     * the tiled path; pixels, overviews and layout are {@link CogWriter}'s.
     */
    private static void writeCog(RenderedImage image, Georeferencing georef, Path tmp, WriteOptions options)
            throws IOException, DataStoreException, TiffFormatException {
        Map<Integer, TiffPatcher.Tag> main = new TreeMap<>();
        sisGeoTags(image, georef, tmp.resolveSibling(tmp.getFileName() + ".geo")).forEach(t -> main.put(t.tag(), t));
        List<TiffPatcher.Tag> everyLevel = new ArrayList<>();
        for (TiffPatcher.Tag t : extraTags(image, georef, options)) {
            if (t.tag() == TiffDirectory.TAG_GDAL_NODATA) {
                everyLevel.add(t);
            } else {
                main.put(t.tag(), t);
            }
        }
        boolean isByte = image.getSampleModel().getDataType() == java.awt.image.DataBuffer.TYPE_BYTE;
        double nodata = options.nodata().orElse(Double.NaN);
        double scale = 1;
        double offset = 0;
        if (isByte) {
            double[] s = options.metadata().scale();
            if (s == null || options.nodata().isEmpty()) {
                throw new IllegalArgumentException("uint8 COG output needs its dB scale/offset and nodata 0");
            }
            scale = s[0];
            offset = options.metadata().offset()[0];
        }
        Boolean big = options.bigTiff() == WriteOptions.BigTiff.AUTO ? null : options.bigTiff() == WriteOptions.BigTiff.YES;
        CogWriter.write(image, new ArrayList<>(main.values()), everyLevel, tmp, nodata, scale, offset,
                options.compression(), options.deflateLevel(), big);
    }

    /**
     * The pixels of a file that DecodedTiffImage decodes instead of Apache SIS: those SIS cannot (JPEG, ZSTD,
     * predictor 3) and pixel-interleaved Deflate, which it decodes with less CPU; null for the rest (SIS's).
     */
    private static RenderedImage decodedPixels(Path file, TiffInspector.Facts facts) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            TiffDirectory d = TiffDirectory.read(channel);
            return DecodedTiffImage.decodesFile(d, facts) ? DecodedTiffImage.open(file, d, facts) : null;
        } catch (TiffFormatException e) {
            throw invalid(file, e.getMessage());
        }
    }

    private static List<TiffPatcher.Tag> sisGeoTags(RenderedImage image, Georeferencing georef, Path scratch)
            throws IOException, DataStoreException, TiffFormatException {
        AffineTransform g2c = georef.gridToCrs();
        g2c.translate(image.getMinX(), image.getMinY());
        var atOrigin = new Georeferencing(g2c, georef.crsWkt(), georef.epsg(), georef.crs(), georef.geoTiffKeys());
        try {
            writeWithSis(new java.awt.image.BufferedImage(1, 1, java.awt.image.BufferedImage.TYPE_BYTE_GRAY), atOrigin,
                    scratch, WriteOptions.defaults().withBigTiff(WriteOptions.BigTiff.NO));
            List<TiffPatcher.Tag> tags = new ArrayList<>();
            try (FileChannel ch = FileChannel.open(scratch, StandardOpenOption.READ)) {
                TiffDirectory d = TiffDirectory.read(ch);
                for (int tag : new int[] {TiffDirectory.TAG_MODEL_PIXEL_SCALE, TiffDirectory.TAG_MODEL_TIEPOINT,
                    TiffDirectory.TAG_MODEL_TRANSFORMATION, TiffDirectory.TAG_GEO_DOUBLE_PARAMS}) {
                    if (d.has(tag)) {
                        tags.add(TiffPatcher.doubles(tag, d.doubles(tag)));
                    }
                }
                if (d.has(TiffDirectory.TAG_GEO_KEY_DIRECTORY)) {
                    long[] keys = d.longs(TiffDirectory.TAG_GEO_KEY_DIRECTORY);
                    int[] shorts = new int[keys.length];
                    for (int i = 0; i < keys.length; i++) {
                        shorts[i] = (int) keys[i];
                    }
                    tags.add(TiffPatcher.shorts(TiffDirectory.TAG_GEO_KEY_DIRECTORY, shorts));
                }
                if (d.has(TiffDirectory.TAG_GEO_ASCII_PARAMS)) {
                    tags.add(TiffPatcher.ascii(TiffDirectory.TAG_GEO_ASCII_PARAMS, d.ascii(TiffDirectory.TAG_GEO_ASCII_PARAMS)));
                }
            }
            return tags;
        } finally {
            Files.deleteIfExists(scratch);
        }
    }

    private static void writeWithSis(RenderedImage image, Georeferencing georef, Path tmp, WriteOptions options)
            throws DataStoreException {
        var connector = new StorageConnector(tmp);
        connector.setOption(OptionKey.OPEN_OPTIONS, new OpenOption[] {
            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ});
        connector.setOption(Compression.OPTION_KEY, Compression.DEFLATE.withLevel(options.deflateLevel()));
        if (useBigTiff(image, options)) {
            connector.setOption(FormatModifier.OPTION_KEY, new FormatModifier[] {FormatModifier.BIG_TIFF});
        }
        // With source GeoKeys we copy them afterwards; SIS then only writes the transform.
        boolean sisWritesCrs = georef.geoTiffKeys() == null;
        try (var store = new GeoTiffStore(new GeoTiffStoreProvider(), connector)) {
            // SIS shears a single tile column whose tiles overhang the image: hand it fitted tiles.
            store.append(FittedTileImage.forWriting(image), gridGeometry(image, georef, sisWritesCrs), null);
        }
    }

    /** The grid of the image's own pixel coordinates (minX/minY included), mapped by the georeferencing. */
    private static GridGeometry gridGeometry(RenderedImage image, Georeferencing georef, boolean withCrs) {
        GridGeometry g = georef.gridGeometry(1, 1, withCrs);
        var extent = new GridExtent(null, new long[] {image.getMinX(), image.getMinY()},
                new long[] {(long) image.getMinX() + image.getWidth(), (long) image.getMinY() + image.getHeight()},
                false);
        return new GridGeometry(extent, PixelInCell.CELL_CORNER, g.getGridToCRS(PixelInCell.CELL_CORNER),
                withCrs ? georef.crs() : null);
    }

    static boolean useBigTiff(RenderedImage image, WriteOptions options) {
        switch (options.bigTiff()) {
            case YES: return true;
            case NO: return false;
            default:
                var sm = image.getSampleModel();
                long bytesPerPixel = 0;
                for (int size : sm.getSampleSize()) {
                    bytesPerPixel += (size + 7) / 8;
                }
                return (long) image.getWidth() * image.getHeight() * bytesPerPixel > BIG_TIFF_THRESHOLD;
        }
    }

    private static List<TiffPatcher.Tag> extraTags(RenderedImage image, Georeferencing georef, WriteOptions options) {
        List<TiffPatcher.Tag> tags = new ArrayList<>();
        GeoTiffKeys keys = georef.geoTiffKeys();
        if (keys != null) {
            keys = keys.withPixelIsArea();
            tags.add(TiffPatcher.shorts(TiffDirectory.TAG_GEO_KEY_DIRECTORY, keys.directory()));
            if (keys.doubleParams().length > 0) {
                tags.add(TiffPatcher.doubles(TiffDirectory.TAG_GEO_DOUBLE_PARAMS, keys.doubleParams()));
            }
            if (!keys.asciiParams().isEmpty()) {
                tags.add(TiffPatcher.ascii(TiffDirectory.TAG_GEO_ASCII_PARAMS, keys.asciiParams()));
            }
        }
        int type = image.getSampleModel().getDataType();
        boolean isFloat = type == java.awt.image.DataBuffer.TYPE_FLOAT || type == java.awt.image.DataBuffer.TYPE_DOUBLE;
        if (options.nodata().isPresent()) {
            tags.add(TiffPatcher.ascii(TiffDirectory.TAG_GDAL_NODATA, nodataText(options.nodata().getAsDouble())));
        } else if (isFloat) {
            tags.add(TiffPatcher.ascii(TiffDirectory.TAG_GDAL_NODATA, "nan"));
        }
        if (!options.metadata().isEmpty()) {
            tags.add(TiffPatcher.ascii(TiffDirectory.TAG_GDAL_METADATA,
                    options.metadata().xml(image.getSampleModel().getNumBands())));
        }
        return tags;
    }

    /** GDAL's spelling: integers without a fraction, "nan" for NaN. */
    static String nodataText(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private static void moveAtomically(Path tmp, Path out) throws IOException {
        try {
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // Same folder, so this only happens on odd file systems; fail rather than expose a partial file.
            throw new IOException("the file system cannot rename atomically: " + e.getMessage(), e);
        }
    }

    private static RuntimeException writeFailure(Path output, Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof Eo2SarException e) {
                return e;       // e.g. CANCELLED from inside getTile: keep its kind and message
            }
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t instanceof IncompatibleResourceException) {
            return new Eo2SarException(Kind.INVALID_ARGUMENT,
                    output + ": cannot be written as GeoTIFF: " + oneLine(t), t);
        }
        return new Eo2SarException(Kind.IO, output + ": cannot be written: " + oneLine(t), t);
    }

    private static Eo2SarException invalid(Path file, String problem) {
        return new Eo2SarException(Kind.INVALID_INPUT, file + " " + problem);
    }

    private static Eo2SarException invalid(Path file, String problem, Throwable cause) {
        return new Eo2SarException(Kind.INVALID_INPUT, file + " " + problem, cause);
    }

    /** The message of the deepest cause that has one (usually the most specific), on one line. */
    static String oneLine(Throwable t) {
        // Files.* exceptions carry only the path as message: say what went wrong with it.
        for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
            if (c instanceof java.nio.file.AccessDeniedException a) {
                return a.getFile() + ": permission denied" + (a.getReason() == null ? "" : " (" + a.getReason() + ")");
            }
            if (c instanceof java.nio.file.NoSuchFileException n) {
                return n.getFile() + ": no such file or directory";
            }
            if (c instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
                return f.getFile() + ": " + f.getReason().replaceAll("\\s+", " ").trim();
            }
        }
        String msg = null;
        for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) {
                msg = c.getMessage();
            }
        }
        return msg == null ? t.getClass().getSimpleName() : msg.replaceAll("\\s+", " ").trim();
    }
}
