"""A fictional register over real boundaries: ``python -m geo demo --boundaries FILE``.

The boundaries (a province: Banten's 1.552 kelurahan/desa, or any city) go through the user's
boundary import; then ``n`` households are placed inside the imported kelurahan/desa, given the
demo city's values (:mod:`geo.demo_households`), written as a register CSV with the demo's
Indonesian headers and imported through the user's household import, marked as demo data, so
linking and the view cache happen as for a real import. The people are fictional; only the
boundaries are the file's.

How many households each kelurahan/desa holds: half by area, half the same for every one, and
twice that in a kelurahan (the 4th code segment starting with 1: urban) than in a desa, so a
small dense kelurahan is not left with a handful while a large rural desa gets thousands.
Desa are poorer and use more wells than kelurahan, with a random local effect per area. The
register is written in chunks of areas, so 3 million households need little memory.

Then, as in the demo city, an SLRT referral log, service points and Musrenbang proposals made
from the stored register (:mod:`geo.referrals.demo`, :mod:`geo.proposals.demo`) go through
their own imports, so every planning page (Rujukan, Usulan) has data at a province's size.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from sqlalchemy import Engine

from geo import store
from geo.demo import DEMO_PERIOD, register_frame
from geo.demo_households import household_values, place_households

CHUNK_HOUSEHOLDS = 250_000  # households generated and written at once
URBAN_WEIGHT = 2.0  # a kelurahan holds this many times the households of a desa of equal area
REGISTER_NAME = "register_demo_wilayah.csv"

Progress = Callable[[float, str], None]


@dataclass
class ProvinceDemo:
    """What the province demo stored: the boundary report, the household import's result,
    the households generated per kelurahan/desa (``kode`` -> count), and the import results
    of the referral log, the service points and the proposals."""

    boundaries: object  # geo.boundaries.BoundaryReport
    households: object  # geo.households.ImportResult
    per_area: pd.Series
    period: str
    referrals: object = None  # geo.referrals.log.ReferralImport
    service_points: object = None  # geo.referrals.points.PointImport
    proposals: object = None  # geo.proposals.ImportResult


def is_urban(codes: pd.Series) -> np.ndarray:
    """Kelurahan (urban) by Kemendagri code: the 4th segment starts with 1; desa with 2."""
    fourth = codes.astype(str).str.split(".").str[3].fillna("")
    return fourth.str.startswith("1").to_numpy()


def household_counts(area_km2: np.ndarray, urban: np.ndarray, n: int,
                     rng: np.random.Generator) -> np.ndarray:
    """``n`` households shared among the areas: half by area, half alike, urban twice (a
    multinomial draw, so the counts sum to ``n`` exactly)."""
    area = np.nan_to_num(np.asarray(area_km2, dtype=float), nan=0.0).clip(0, None)
    by_area = area / area.sum() if area.sum() > 0 else np.full(len(area), 1 / len(area))
    weight = (0.5 * by_area + 0.5 / len(area)) * np.where(urban, URBAN_WEIGHT, 1.0)
    return rng.multinomial(n, weight / weight.sum())


def demo_areas(engine: Engine) -> gpd.GeoDataFrame:
    """The stored kelurahan/desa (full geometry) with ``kode_kel``, ``nama_kel``, ``nama_kec``
    and ``area_km2``, as the household generator takes them."""
    kel = store.load_regions(engine, level="kelurahan")
    regions = store.region_list(engine)
    kec_name = regions[regions["level"] == "kecamatan"].set_index("kode")["nama"]
    return gpd.GeoDataFrame({
        "kode_kel": kel["kode"], "nama_kel": kel["nama"],
        "nama_kec": kel["kode_induk"].map(kec_name).fillna(""),
        "area_km2": kel["area_km2"]}, geometry=kel.geometry.values, crs=4326)


def _chunks(counts: np.ndarray, kecamatan: np.ndarray, size: int) -> list[tuple[int, int]]:
    """Consecutive ranges of areas holding about ``size`` households each, cut only between
    kecamatan (so each kecamatan's NIKs are made unique in one piece)."""
    starts = np.flatnonzero(np.r_[True, kecamatan[1:] != kecamatan[:-1]])
    ends = np.r_[starts[1:], len(counts)]
    out, first, held = [], 0, 0
    for start, end in zip(starts, ends):
        held += int(counts[start:end].sum())
        if held >= size:
            out.append((first, int(end)))
            first, held = int(end), 0
    if first < len(counts):
        out.append((first, len(counts)))
    return out


def unique_niks(nik: pd.Series, rng: np.random.Generator) -> pd.Series:
    """``nik`` with the repeats given other serial numbers (the last 4 digits) until every NIK
    is unique: with thousands of households per kecamatan, random birth dates and serials
    repeat, and the import would quarantine both rows as one person heading two households."""
    nik = nik.copy()
    while (repeated := nik.duplicated(keep="first")).any():
        serials = [f"{v:04d}" for v in rng.integers(1, 9999, int(repeated.sum()))]
        nik[repeated] = nik[repeated].str[:12] + pd.Series(serials, index=nik.index[repeated])
    return nik


def write_register(areas: gpd.GeoDataFrame, n: int, path: Path, seed: int = 7,
                   progress: Progress | None = None) -> pd.Series:
    """Write ``n`` fictional households over ``areas`` (:func:`demo_areas`) to the CSV
    ``path``; return the households per area (``kode`` -> count, every area listed)."""
    rng = np.random.default_rng(seed + 3000)
    urban = is_urban(areas["kode_kel"])
    local = rng.normal(0, 0.12, len(areas))
    poverty_k = np.clip(0.22 + np.where(urban, 0.0, 0.18) + local, 0.02, 0.95)
    counts = household_counts(areas["area_km2"].to_numpy(), urban, n, rng)
    province = str(areas["kode_kel"].iat[0]).split(".")[0] if len(areas) else "99"
    written = 0
    kecamatan = areas["kode_kel"].astype(str).str.rsplit(".", n=1).str[0].to_numpy()
    for a, b in _chunks(counts, kecamatan, CHUNK_HOUSEHOLDS):
        part = areas.iloc[a:b]
        hh = place_households(part, counts[a:b], rng)
        k = a + hh["_k"].to_numpy()
        m = len(hh)
        poverty = np.clip(poverty_k[k] + rng.normal(0, 0.05, m), 0.01, 0.99)
        edge_h = np.clip(np.where(urban[k], 0.3, 0.95) + rng.normal(0, 0.15, m), 0, 1.2)
        hh = household_values(hh, part, poverty, edge_h, np.zeros(m), rng,
                              id_prefix=f"{province}9", id_offset=written)
        hh["nik_krt"] = unique_niks(hh["nik_krt"], rng)
        register_frame(hh).to_csv(path, mode="w" if written == 0 else "a",
                                  header=written == 0, index=False)
        written += m
        if progress:
            progress(written / max(n, 1), f"Menulis register contoh: {written:,} rumah tangga"
                     .replace(",", "."))
    return pd.Series(counts, index=areas["kode_kel"].to_numpy(), name="rumah_tangga")


def load_province_demo(engine: Engine, boundaries: object, n: int, *, seed: int = 7,
                       period: str = DEMO_PERIOD, progress: Progress | None = None,
                       out_dir: Path | None = None) -> ProvinceDemo:
    """Import ``boundaries`` (replacing all regions), then a fictional register of ``n``
    households over its kelurahan/desa as the demo period ``period``.

    Raises :class:`geo.boundaries.BoundaryImportFailed` or :class:`geo.households.ImportFailed`
    (Indonesian messages naming the file) when a file cannot be used. The register CSV is
    written to ``out_dir`` (kept), or to a temporary folder removed afterwards.
    """
    from geo.boundaries import import_boundaries
    from geo.households import ImportFailed, import_households
    from geo.periods import PeriodError, parse
    from geo.proposals.demo import load_demo_proposals
    from geo.referrals.demo import load_demo_referrals

    def step(start: float, span: float) -> Progress:
        return lambda f, text: progress(start + span * f, text) if progress else None

    try:
        period = parse(period)
    except PeriodError as err:
        raise ImportFailed(str(err)) from None
    report = import_boundaries(engine, boundaries, progress=step(0.0, 0.3))
    areas = demo_areas(engine)
    if areas.empty:
        raise ImportFailed(f"{report.source}: tidak ada kelurahan/desa tersimpan untuk diisi "
                           "rumah tangga contoh.")
    with tempfile.TemporaryDirectory(prefix="peta-demo-") as tmp:
        folder = Path(out_dir or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        register = folder / REGISTER_NAME
        per_area = write_register(areas, n, register, seed, step(0.3, 0.3))
        result = import_households(engine, register, period, is_demo=True,
                                   progress=step(0.6, 0.35))
        if progress:
            progress(0.95, "Membuat log rujukan SLRT, titik layanan dan usulan contoh…")
        referrals, points = load_demo_referrals(engine, folder, seed)
        proposals = load_demo_proposals(engine, folder, seed=seed)
    return ProvinceDemo(report, result, per_area, period, referrals, points, proposals)
