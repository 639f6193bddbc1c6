"""The model card embedded in every exported ONNX file (DESIGN §6).

All values are strings in ONNX ``metadata_props``; lists and the training summary are strict JSON
(no NaN/Infinity, which Java's JSON parsers reject: ``to_metadata`` raises ValueError naming the key).
Java reads them with ``OrtSession.getMetadata().getCustomMetadata()``.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

FORMAT_VERSION = "1"
REQUIRED_KEYS = (
    "eo2sar.format", "eo2sar.name", "eo2sar.version", "eo2sar.description",
    "eo2sar.input.bands", "eo2sar.input.scale", "eo2sar.input.offset",
    "eo2sar.output.bands", "eo2sar.output.unit", "eo2sar.output.scale", "eo2sar.output.offset",
    "eo2sar.tile.multiple", "eo2sar.tile.size", "eo2sar.tile.margin",
    "eo2sar.gsd", "eo2sar.tile_invariant", "eo2sar.training",
)


@dataclass
class ModelCard:
    """What a consumer needs to run the generator correctly (DESIGN §6)."""

    name: str
    version: str
    description: str
    input_bands: list[str]
    input_scale: list[float]
    input_offset: list[float]
    output_bands: list[str] = field(default_factory=lambda: ["VV"])
    output_unit: str = "dB"
    # SAR dB in -25..0 is mapped to [-1, 1]: dB = y*12.5 - 12.5
    output_scale: list[float] = field(default_factory=lambda: [12.5])
    output_offset: list[float] = field(default_factory=lambda: [-12.5])
    tile_multiple: int = 4
    tile_size: int = 512
    tile_margin: int = 64
    gsd: float = 10.0
    tile_invariant: bool = False
    training: dict[str, Any] = field(default_factory=dict)
    #: optional per input band [low, high] raw values: a typical training scene's 2nd and 98th percentile
    #: (``eo2sar translate`` warns when an input's values are far from them)
    input_range: list[list[float]] | None = None

    def __post_init__(self) -> None:
        n_in, n_out = len(self.input_bands), len(self.output_bands)
        if n_in == 0 or n_out == 0:
            raise ValueError("model card needs at least one input and one output band")
        if len(self.input_scale) != n_in or len(self.input_offset) != n_in:
            raise ValueError(f"model card input.scale/offset must have {n_in} values (one per input band)")
        if len(self.output_scale) != n_out or len(self.output_offset) != n_out:
            raise ValueError(f"model card output.scale/offset must have {n_out} values (one per output band)")
        if self.tile_multiple < 1 or self.tile_size % self.tile_multiple or self.tile_margin % self.tile_multiple:
            raise ValueError(f"tile.size {self.tile_size} and tile.margin {self.tile_margin} must be multiples of "
                             f"tile.multiple {self.tile_multiple}")
        if self.input_range is not None and (len(self.input_range) != n_in or any(
                len(r) != 2 or not r[0] < r[1] for r in self.input_range)):
            raise ValueError(f"model card input.range must be {n_in} [low, high] pairs with low < high")

    def to_metadata(self) -> dict[str, str]:
        """The ``metadata_props`` dict: every value a string, lists as JSON."""
        optional = {} if self.input_range is None else {
            "eo2sar.input.range": _json("eo2sar.input.range", [[float(a), float(b)] for a, b in self.input_range])}
        return {
            "eo2sar.format": FORMAT_VERSION,
            "eo2sar.name": self.name,
            "eo2sar.version": self.version,
            "eo2sar.description": self.description,
            "eo2sar.input.bands": _json("eo2sar.input.bands", list(self.input_bands)),
            "eo2sar.input.scale": _json("eo2sar.input.scale", [float(v) for v in self.input_scale]),
            "eo2sar.input.offset": _json("eo2sar.input.offset", [float(v) for v in self.input_offset]),
            "eo2sar.output.bands": _json("eo2sar.output.bands", list(self.output_bands)),
            "eo2sar.output.unit": self.output_unit,
            "eo2sar.output.scale": _json("eo2sar.output.scale", [float(v) for v in self.output_scale]),
            "eo2sar.output.offset": _json("eo2sar.output.offset", [float(v) for v in self.output_offset]),
            "eo2sar.tile.multiple": str(int(self.tile_multiple)),
            "eo2sar.tile.size": str(int(self.tile_size)),
            "eo2sar.tile.margin": str(int(self.tile_margin)),
            "eo2sar.gsd": _number("eo2sar.gsd", self.gsd),
            "eo2sar.tile_invariant": "true" if self.tile_invariant else "false",
            "eo2sar.training": _json("eo2sar.training", self.training, sort_keys=True),
            **optional,
        }

    @staticmethod
    def from_metadata(meta: dict[str, str]) -> "ModelCard":
        missing = [k for k in REQUIRED_KEYS if k not in meta]
        if missing:
            raise ValueError(f"model card is missing {', '.join(missing)}")
        if meta["eo2sar.format"] != FORMAT_VERSION:
            raise ValueError(f"unsupported eo2sar.format '{meta['eo2sar.format']}' (expected {FORMAT_VERSION})")
        return ModelCard(
            name=meta["eo2sar.name"], version=meta["eo2sar.version"], description=meta["eo2sar.description"],
            input_bands=json.loads(meta["eo2sar.input.bands"]), input_scale=json.loads(meta["eo2sar.input.scale"]),
            input_offset=json.loads(meta["eo2sar.input.offset"]), output_bands=json.loads(meta["eo2sar.output.bands"]),
            output_unit=meta["eo2sar.output.unit"], output_scale=json.loads(meta["eo2sar.output.scale"]),
            output_offset=json.loads(meta["eo2sar.output.offset"]), tile_multiple=int(meta["eo2sar.tile.multiple"]),
            tile_size=int(meta["eo2sar.tile.size"]), tile_margin=int(meta["eo2sar.tile.margin"]),
            gsd=float(meta["eo2sar.gsd"]), tile_invariant=meta["eo2sar.tile_invariant"] == "true",
            training=json.loads(meta["eo2sar.training"]),
            input_range=json.loads(meta["eo2sar.input.range"]) if "eo2sar.input.range" in meta else None,
        )


def _number(key: str, v: float) -> str:
    if not math.isfinite(float(v)):
        raise ValueError(f"model card {key} is {v}: NaN/Infinity cannot be written")
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def _json(key: str, value: Any, sort_keys: bool = False) -> str:
    """Strict JSON: NaN/Infinity is an error naming the card key (and the path inside it)."""
    try:
        return json.dumps(value, sort_keys=sort_keys, allow_nan=False)
    except ValueError:
        where = _non_finite_path(value) or ""
        raise ValueError(f"model card {key}{where} is not finite: NaN/Infinity is not valid JSON "
                         f"(Java's parsers reject it)") from None


def _non_finite_path(value: Any, path: str = "") -> str | None:
    """``.a.b[2]``-style path to the first NaN/Infinity inside ``value`` ('' if it is the value itself)."""
    if isinstance(value, float) and not math.isfinite(value):
        return path
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, (list, tuple)) else ()
    for k, v in items:
        found = _non_finite_path(v, f"{path}.{k}" if isinstance(value, dict) else f"{path}[{k}]")
        if found is not None:
            return found
    return None
