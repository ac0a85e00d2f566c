"""Which columns hold the codes and names (known aliases, overrides, or sniffed from the
values), and one normalised row per feature: dotted code, level, names."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.boundaries.base import LEVEL_LABEL, BoundaryImportFailed, BoundaryReport
from geo.codes import join_split_code, normalize_code

LEVEL_BY_DIGITS = {2: "provinsi", 4: "kota", 6: "kecamatan", 10: "kelurahan"}

# Field roles -> known column names (compared case-insensitively), preferred first. The one
# place the importer learns a new file convention: demo/cahyadsn (kode_kel...), BIG (KDEPUM,
# WADMKD...), BPS (IDDESA, NAMA_DESA...), plain kode/nama.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "kode": ("kode_kel", "kode_desa", "kode_kelurahan", "kode_desa_kel", "kd_desa_kel", "kdepum",
             "iddesa", "id_desa", "desa_id", "kode_wilayah", "kodewilayah", "kode_kemendagri",
             "kd_wilayah", "kode_wil", "kode", "kd_kel", "kdkel", "code"),
    "nama": ("nama_kel", "nama_desa", "nama_kelurahan", "nama_desa_kel", "nm_kel", "nmdesa",
             "nm_desa", "nama_des", "wadmkd", "desa", "kelurahan", "desa_kel", "namobj", "nama",
             "name"),
    "kode_kec": ("kode_kec", "kode_kecamatan", "kd_kec_full", "kdcpum", "idkec", "id_kec"),
    "nama_kec": ("nama_kec", "nama_kecamatan", "nm_kec", "nmkec", "wadmkc", "kecamatan"),
    "kode_kab": ("kode_kab", "kode_kota", "kode_kabkota", "kode_kabupaten", "kdpkab", "idkab",
                 "id_kab", "idkabkota"),
    "nama_kab": ("nama_kab", "nama_kota", "nama_kabkota", "nama_kabupaten", "nm_kab", "nmkab",
                 "wadmkk", "kabupaten", "kabkota", "kota"),
    "kode_prov": ("kode_prov", "kode_provinsi", "kdppum", "idprov", "id_prov"),
    "nama_prov": ("nama_prov", "nama_provinsi", "nm_prov", "nmprov", "wadmpr", "provinsi"),
}
# Kelurahan code split over four columns (BPS style), province first.
SPLIT_CODE_ALIASES: tuple[tuple[str, ...], ...] = (
    ("kdprov", "kd_prov"), ("kdkab", "kd_kab"), ("kdkec", "kd_kec"), ("kddesa", "kd_desa"),
)
# Role of the code and of the name of each level.
CODE_ROLE = {"kelurahan": "kode", "kecamatan": "kode_kec", "kota": "kode_kab",
             "provinsi": "kode_prov"}
NAME_ROLE = {"kelurahan": "nama", "kecamatan": "nama_kec", "kota": "nama_kab",
             "provinsi": "nama_prov"}


def detect_fields(columns: list[str], fields: dict[str, str] | None = None,
                  name: str = "berkas") -> dict[str, str]:
    """Role -> column. Known aliases first; ``fields`` (role -> column) overrides them."""
    lower = {str(c).strip().lower(): str(c) for c in columns}
    found: dict[str, str] = {}
    used: set[str] = set()
    for role, aliases in FIELD_ALIASES.items():
        for alias in aliases:
            col = lower.get(alias)
            if col is not None and col not in used:
                found[role] = col
                used.add(col)
                break
    if "kode" not in found:
        split = [next((lower[a] for a in aliases if a in lower), None)
                 for aliases in SPLIT_CODE_ALIASES]
        if all(split):
            found["kode"] = "+".join(split)  # joined in normalise()
    for role, col in (fields or {}).items():
        if role not in FIELD_ALIASES:
            raise BoundaryImportFailed(
                f"{name}: peran kolom '{role}' tidak dikenal; gunakan salah satu dari "
                f"{', '.join(FIELD_ALIASES)}.")
        if col not in columns:
            actual = lower.get(col.strip().lower())
            if actual is None:
                raise BoundaryImportFailed(
                    f"{name}: kolom '{col}' (untuk {role}) tidak ada. Kolom yang ada: "
                    f"{', '.join(map(str, columns))}.")
            col = actual
        found[role] = col
    return found


def _any_level_code(value: object) -> str | None:
    """The dotted code of whichever level ``value`` is written at."""
    for level in ("kelurahan", "kecamatan", "kota", "provinsi"):
        code = normalize_code(value, level)
        if code:
            return code
    return None


def _sniff_code_column(frame: pd.DataFrame) -> str | None:
    """A column whose values are mostly area codes, when no known name was found."""
    for col in frame.columns:
        if col == frame.geometry.name:
            continue
        values = frame[col].dropna()
        if len(values) and values.astype("object").map(_any_level_code).notna().mean() >= 0.9:
            return str(col)
    return None


def _column(frame: pd.DataFrame, spec: str) -> pd.Series:
    if "+" in spec and spec not in frame:
        parts = [frame[c].astype("object") for c in spec.split("+")]
        return pd.Series([join_split_code(*vals) for vals in zip(*parts)], index=frame.index,
                         dtype="object")
    return frame[spec].astype("object")


def _text(values: pd.Series) -> pd.Series:
    """Trimmed text; empty and missing become None."""
    out = values.astype("object").map(lambda v: None if v is None or pd.isna(v) else
                                      " ".join(str(v).split()) or None)
    return out.astype("object")


def normalise(frame: gpd.GeoDataFrame, mapping: dict[str, str], name: str,
              report: BoundaryReport) -> gpd.GeoDataFrame:
    """One row per usable feature: fitur (1-based), kode (dotted), level, nama, parents' names."""
    if not any(r in mapping for r in ("kode", "kode_kec", "kode_kab", "kode_prov")):
        sniffed = _sniff_code_column(frame)
        if sniffed:
            mapping["kode"] = sniffed
            report.warnings.append(f"Kolom kode dikenali dari isinya: {sniffed}.")
    code_role = next((r for r in ("kode", "kode_kec", "kode_kab", "kode_prov") if r in mapping),
                     None)
    columns = ", ".join(str(c) for c in frame.columns if c != frame.geometry.name)
    if code_role is None:
        raise BoundaryImportFailed(
            f"{name}: kolom kode wilayah tidak ditemukan. Kolom yang ada: {columns}. "
            "Sebutkan kolomnya: --field kode=KOLOM (atau pilih di aplikasi).")
    name_role = "nama" if "nama" in mapping else {
        "kode_kec": "nama_kec", "kode_kab": "nama_kab", "kode_prov": "nama_prov"}.get(code_role)
    if name_role not in mapping:
        raise BoundaryImportFailed(
            f"{name}: kolom nama wilayah tidak ditemukan. Kolom yang ada: {columns}. "
            "Sebutkan kolomnya: --field nama=KOLOM (atau pilih di aplikasi).")
    mapping_used = {code_role: mapping[code_role], name_role: mapping[name_role],
                    **{r: mapping[r] for r in ("nama_kec", "nama_kab", "nama_prov",
                                               "kode_kec", "kode_kab") if r in mapping}}
    report.fields = mapping_used
    raw = _column(frame, mapping[code_role])
    codes = raw.map(_any_level_code)
    out = gpd.GeoDataFrame({"fitur": np.arange(1, len(frame) + 1), "kode": codes.values},
                           geometry=frame.geometry.values, crs=frame.crs)
    out["level"] = out["kode"].map(lambda c: None if not isinstance(c, str) else
                                   LEVEL_BY_DIGITS[len(c.replace(".", ""))])
    out["nama"] = _text(frame[mapping[name_role]]).values
    for role in ("nama_kec", "nama_kab", "nama_prov"):
        out[role] = _text(frame[mapping[role]]).values if role in mapping else None
    empty = raw.map(lambda v: v is None or pd.isna(v) or not str(v).strip()).to_numpy()
    bad = codes.isna().to_numpy() & ~empty
    if bad.any():
        rows = [f"fitur {i + 1} ({raw.iat[i]!r})" for i in np.flatnonzero(bad)[:10]]
        raise BoundaryImportFailed(
            f"{name}: {int(bad.sum())} kode di kolom '{mapping[code_role]}' bukan kode wilayah "
            f"Kemendagri (mis. 36.74.01.1001 atau 3674011001): {'; '.join(rows)}. Perbaiki "
            "kodenya, atau pilih kolom lain dengan --field kode=KOLOM.")
    for i in np.flatnonzero(empty):
        report.dropped.append({"fitur": int(i + 1), "nama": out["nama"].iat[i],
                               "alasan": f"kolom '{mapping[code_role]}' kosong"})
    for role in ("kode_kec", "kode_kab"):  # parent columns that disagree with the code
        if role in mapping and code_role == "kode":
            given = _column(frame, mapping[role]).map(_any_level_code)
            derived = out["kode"].map(lambda c, r=role: _ancestor(c, r) if isinstance(c, str)
                                      else None)
            wrong = given.notna().to_numpy() & (given.to_numpy() != derived.to_numpy())
            for i in np.flatnonzero(wrong)[:20]:
                report.parent_mismatch.append({
                    "fitur": int(i + 1), "kode": out["kode"].iat[i], "kolom": mapping[role],
                    "isi": given.iat[i]})
    out = out[~empty].reset_index(drop=True)
    levels = out["level"].value_counts()
    if len(levels) > 1:
        usual = levels.index[0]
        odd = out[out["level"] != usual]
        report.warnings.append(
            f"{len(odd)} fitur bertingkat lain dari kebanyakan ({LEVEL_LABEL[usual]}): "
            + ", ".join(f"fitur {f} ({k}, {LEVEL_LABEL[lv]})" for f, k, lv in
                        zip(odd["fitur"][:10], odd["kode"][:10], odd["level"][:10]))
            + ". Periksa kodenya bila berkas ini seharusnya satu tingkat saja.")
    return out


def _ancestor(code: str, role: str) -> str:
    return ".".join(code.split(".")[: {"kode_kec": 3, "kode_kab": 2}[role]])

