"""What every step of the boundary import shares: levels, the report, the error, and two
small helpers. Imports no other module of the package, so none of them import in a circle."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np

Progress = Callable[[float, str], None]

LEVELS = ("provinsi", "kota", "kecamatan", "kelurahan")  # coarse to fine
LEVEL_LABEL = {"kelurahan": "kelurahan/desa", "kecamatan": "kecamatan", "kota": "kabupaten/kota",
               "provinsi": "provinsi"}

# Lon/lat box around Indonesia, with a margin for its seas.
INDONESIA_BOUNDS = (94.0, -11.5, 142.0, 6.5)

# The display's accuracy promise, shared by cleaning and simplifying.
MAX_DISPLACEMENT_M = 10.0
ROUNDING_SLACK_M = 1.0  # what rounding to DISPLAY_DECIMALS may add to a displacement


class BoundaryImportFailed(Exception):
    """The file cannot be used; the message (Indonesian) says why and what to do."""


@dataclass
class BoundaryReport:
    """What an import did; ``to_dict()`` is the JSON of the command line and the app."""

    source: str
    format: str = ""
    layer: str | None = None
    features: int = 0  # features read from the file
    repaired: int = 0  # invalid geometries made valid
    levels: dict[str, int] = field(default_factory=dict)  # regions stored per level
    kelurahan: int = 0
    desa: int = 0
    fields: dict[str, str] = field(default_factory=dict)  # role -> column used
    source_crs: str = ""
    reprojected: bool = False
    dropped: list[dict] = field(default_factory=list)  # features not stored, with the reason
    duplicates: list[dict] = field(default_factory=list)  # codes merged from several features
    missing_names: list[dict] = field(default_factory=list)
    outside_indonesia: list[dict] = field(default_factory=list)
    parent_mismatch: list[dict] = field(default_factory=list)
    coverage: list[dict] = field(default_factory=list)  # overlaps and gaps per kota
    per_kecamatan: list[dict] = field(default_factory=list)
    display: dict[str, dict] = field(default_factory=dict)  # per level: bytes, displacement
    relink: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["quality"] = {key: data[key] for key in (
            "duplicates", "missing_names", "outside_indonesia", "parent_mismatch", "coverage",
            "per_kecamatan", "dropped")}
        return data


def say(progress: Progress | None, fraction: float, message: str) -> None:
    if progress is not None:
        progress(fraction, message)


def ragged(starts: np.ndarray, stops: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All ``range(starts[i], stops[i])`` concatenated, and the ``i`` of each element."""
    lengths = stops - starts
    which = np.repeat(np.arange(len(starts)), lengths)
    first = np.cumsum(lengths) - lengths
    return starts[which] + np.arange(lengths.sum()) - first[which], which
