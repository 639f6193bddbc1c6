"""Benchmark baseline: the plain Python loop a user would write instead of the EO2SAR pipeline.

onnxruntime + rasterio windows, the same tiles as the Java pipeline (core tile T, margin M from
the model card unless given, reflection padding at the edges, batch 1, all-nodata tiles skipped),
the same number of threads (onnxruntime intra-op threads = --threads), writing a tiled Deflate
float32 GeoTIFF. Not product code.

    python bench/python_loop.py MODEL INPUT OUTPUT [--tile T] [--margin M] [--threads N]
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime as ort
import rasterio
from rasterio.windows import Window


@dataclass
class Config:
    model: Path
    input: Path
    output: Path
    tile: int = 0
    margin: int = -1  # -1 = the model card's margin, 0 = none (as the Java pipeline reads it)
    threads: int = 2


def main(cfg: Config) -> None:
    t_start = time.perf_counter()
    so = ort.SessionOptions()
    so.intra_op_num_threads = cfg.threads
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(str(cfg.model), so, providers=["CPUExecutionProvider"])
    card = sess.get_modelmeta().custom_metadata_map
    tile = cfg.tile or int(card["eo2sar.tile.size"])
    margin = cfg.margin if cfg.margin >= 0 else int(card["eo2sar.tile.margin"])
    in_scale = np.array(json.loads(card["eo2sar.input.scale"]), np.float32)[:, None, None]
    in_offset = np.array(json.loads(card["eo2sar.input.offset"]), np.float32)[:, None, None]
    out_scale = float(json.loads(card["eo2sar.output.scale"])[0])
    out_offset = float(json.loads(card["eo2sar.output.offset"])[0])
    nbands = len(json.loads(card["eo2sar.input.bands"]))
    in_name = sess.get_inputs()[0].name

    infer = 0.0
    run = skipped = 0
    with rasterio.open(cfg.input) as src:
        w, h, nodata = src.width, src.height, src.nodata
        profile = dict(driver="GTiff", width=w, height=h, count=1, dtype="float32", crs=src.crs,
                       transform=src.transform, tiled=True, blockxsize=256, blockysize=256,
                       compress="deflate", nodata=float("nan"), BIGTIFF="IF_SAFER")
        with rasterio.open(cfg.output, "w", **profile) as dst:
            for y in range(0, h, tile):
                for x in range(0, w, tile):
                    cw, ch = min(tile, w - x), min(tile, h - y)
                    x0, y0 = max(0, x - margin), max(0, y - margin)
                    x1, y1 = min(w, x + tile + margin), min(h, y + tile + margin)
                    a = src.read(list(range(1, nbands + 1)), window=Window(x0, y0, x1 - x0, y1 - y0))
                    pad = ((0, 0), (y0 - (y - margin), (y + tile + margin) - y1), (x0 - (x - margin), (x + tile + margin) - x1))
                    a = np.pad(a, pad, mode="reflect").astype(np.float32)
                    mask = np.all(a == nodata, axis=0) if nodata is not None else np.zeros(a.shape[1:], bool)
                    core = (slice(margin, margin + ch), slice(margin, margin + cw))
                    if mask[core].all():
                        skipped += 1
                        out = np.full((ch, cw), np.nan, np.float32)
                    else:
                        t0 = time.perf_counter()
                        y_model = sess.run(None, {in_name: (a * in_scale + in_offset)[None]})[0]
                        infer += time.perf_counter() - t0
                        run += 1
                        out = y_model[0, 0][core] * out_scale + out_offset
                        out[mask[core]] = np.nan
                    dst.write(out.astype(np.float32), 1, window=Window(x, y, cw, ch))
    wall = time.perf_counter() - t_start
    print(f"python loop {w}x{h}, tile {tile} margin {margin}, {cfg.threads} threads: wall {wall:.3f} s, "
          f"inside sess.run {infer:.3f} s, tiles run {run}, skipped {skipped}")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", type=Path)
    p.add_argument("input", type=Path)
    p.add_argument("output", type=Path)
    p.add_argument("--tile", type=int, default=0)
    p.add_argument("--margin", type=int, default=-1, help="context margin; -1 (default) = the model card's, 0 = none")
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    main(Config(a.model, a.input, a.output, a.tile, a.margin, a.threads))
