"""Data quality per kelurahan: what a Dinas Sosial operator takes to verval.

Per area: households, how they were linked (code, name, point), code–point conflicts,
quarantined rows by reason, and for each indicator the share of the households it is about
whose value the register holds (``diketahui_<indikator>``, 0–1). Then the kelurahan to verify
first, each with its reasons. The page "Kualitas data" and ``python -m geo data-quality`` show
the same table (:func:`quality_table`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from geo import indicators, snapshot_cache, store
from geo.codes import normalize_code, parent_code
from geo.columns import columns
from geo.households import REASONS

LINK_COLUMNS_READ = ("link_method", "link_conflict")
UNLINKED_CODE = ""
UNLINKED_NAME = "(belum tertaut ke kelurahan)"

# When a kelurahan goes on the list to verify first (one definition each).
MIN_CODE_SHARE = 0.9  # fewer households than this linked by their own code
MAX_CONFLICT_SHARE = 0.05  # more code–point conflicts than this
MAX_QUARANTINE_SHARE = 0.05  # more quarantined rows than this, against households stored


@dataclass(frozen=True)
class Reason:
    kind: str
    label: str
    pattern: re.Pattern
    needle: str  # the template's longest fixed text: a text without it cannot match

    def found_in(self, text: str) -> bool:
        # the substring test first: a lazy ".*?" pattern that fails on a long text backtracks
        # for milliseconds (18 s for the 11.898 quarantined rows of a 1-million register)
        return self.needle in text and self.pattern.search(text) is not None


def _reason_patterns() -> list[Reason]:
    """A regular expression per quarantine reason template (placeholders match anything), so
    stored reason texts are counted by kind."""
    out = []
    for kind, template in REASONS.items():
        parts = re.split(r"\{[^}]*\}", template)
        body = ".*?".join(re.escape(p) for p in parts)
        label = re.sub(r"\{[^}]*\}", "…", template).split(". ")[0].removeprefix("…: ")
        out.append(Reason(kind, label, re.compile(body), max(parts, key=len)))
    return out


REASON_KINDS = _reason_patterns()


def reason_kinds(text: str) -> list[str]:
    """The reason kinds found in one quarantined row's ``reasons`` text ("; "-joined)."""
    return [r.kind for r in REASON_KINDS if r.found_in(text or "")] or ["lainnya"]


def quarantine_area(quarantine: pd.DataFrame, report: dict) -> pd.Series:
    """The kelurahan code each quarantined row names in its own code column (the column the
    import mapped to ``kode_kelurahan``), or "" when it names none that can be read."""
    mapping = report.get("mapping") or {}
    headers = [h for h, c in mapping.items() if c == "kode_kelurahan"]
    if not headers or quarantine.empty:
        return pd.Series(UNLINKED_CODE, index=quarantine.index, dtype=object)
    header = headers[0]

    def code_of(values_json: str) -> str:
        try:
            value = json.loads(values_json or "{}").get(header)
        except (ValueError, AttributeError):
            return UNLINKED_CODE
        return normalize_code(value) or UNLINKED_CODE

    return quarantine["values_json"].map(code_of)


def quality_table(households: pd.DataFrame, quarantine: pd.DataFrame, report: dict,
                  regions: pd.DataFrame, level: str = "kelurahan",
                  settings: indicators.Settings = indicators.DEFAULT_SETTINGS) -> pd.DataFrame:
    """One row per region of ``level`` (``regions``: kode, nama, level, kode_induk) plus one row
    for households and quarantined rows that name no known kelurahan.

    ``households`` holds :data:`indicators.RULE_COLUMNS` and ``link_method``,
    ``link_conflict``; ``quarantine`` holds ``reasons`` and ``values_json``; ``report`` is the
    snapshot's import report (for the header of the code column)."""
    prepared = indicators.prepare(households, settings)
    ids = tuple(ind.id for ind in indicators.INDICATORS)
    kel, unlinked = indicators.area_counts(prepared, ids=ids, detail=())
    method = households["link_method"].astype("string")
    region = households["region_code"].astype("string").fillna(UNLINKED_CODE)
    links = pd.DataFrame({
        "tertaut_kode": (method == "kode").fillna(False).to_numpy(),
        "tertaut_nama": (method == "nama").fillna(False).to_numpy(),
        "tertaut_titik": (method == "titik").fillna(False).to_numpy(),
        "konflik": pd.to_numeric(households["link_conflict"]).fillna(0).to_numpy() > 0,
    }).groupby(region.to_numpy()).sum()
    counts = indicators.counts_only(kel)
    counts.loc[UNLINKED_CODE] = indicators.counts_only(unlinked.to_frame().T).iloc[0]
    counts = counts.join(links, how="outer").fillna(0)

    where = quarantine_area(quarantine, report)
    kinds = quarantine["reasons"].map(reason_kinds) if len(quarantine) else pd.Series(
        [], dtype=object)
    quarantined = pd.Series(1, index=where.index).groupby(where.to_numpy()).sum()
    counts = counts.join(quarantined.rename("dikarantina"), how="outer").fillna(0)
    by_kind = (pd.DataFrame({"kode": where.to_numpy(), "kind": kinds.to_numpy()})
               .explode("kind").value_counts().unstack(fill_value=0)
               if len(quarantine) else pd.DataFrame())
    for kind in by_kind.columns:
        counts = counts.join(by_kind[kind].rename(f"karantina_{kind}"), how="outer").fillna(0)

    # quarantined rows whose code is not a kelurahan of the boundaries go to the unlinked row
    known_codes = set(regions.loc[regions["level"] == "kelurahan", "kode"])
    stray = [k for k in counts.index if k != UNLINKED_CODE and k not in known_codes]
    if stray:
        counts.loc[UNLINKED_CODE] = counts.loc[[UNLINKED_CODE, *stray]].sum() \
            if UNLINKED_CODE in counts.index else counts.loc[stray].sum()
        counts = counts.drop(index=stray)
    counts = counts.astype("int64")
    if level != "kelurahan":
        keys = [parent_code(k, level) if k else UNLINKED_CODE for k in counts.index]
        counts = counts.groupby(keys).sum()
    table = indicators.with_rates(counts.copy(), settings.min_known_share)

    names = regions[regions["level"] == level].set_index("kode")
    parents = regions.set_index("kode")["nama"]
    order = [*names.index, *([UNLINKED_CODE] if UNLINKED_CODE in table.index else [])]
    table = table.reindex(order)
    count_cols = [c for c in table.columns if not c.endswith(indicators.DERIVED_SUFFIXES)]
    table[count_cols] = table[count_cols].fillna(0).astype("int64")

    out = pd.DataFrame({"kode": order})
    out["nama"] = [names["nama"].get(k, UNLINKED_NAME) for k in order]
    if level == "kelurahan":
        out["kecamatan"] = [parents.get(names["kode_induk"].get(k), "") for k in order]
    stored = table["rumah_tangga"].to_numpy(dtype=float)
    out["rumah_tangga"] = table["rumah_tangga"].to_numpy()
    for column in ("tertaut_kode", "tertaut_nama", "tertaut_titik", "konflik",
                   "dikarantina", *[c for c in table.columns if c.startswith("karantina_")]):
        out[column] = table[column].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["tertaut_kode_bagian"] = np.where(stored > 0, table["tertaut_kode"] / stored, np.nan)
        out["konflik_bagian"] = np.where(stored > 0, table["konflik"] / stored, np.nan)
        out["karantina_bagian"] = np.where(
            stored + table["dikarantina"] > 0,
            table["dikarantina"] / (stored + table["dikarantina"]), np.nan)
    for column in ("tertaut_kode_bagian", "konflik_bagian", "karantina_bagian"):
        out[column] = out[column].round(4)
    for ind_id in ids:
        out[f"diketahui_{ind_id}"] = table[columns(ind_id).known].round(4).to_numpy()
    out.attrs["available"] = [i for i in ids if prepared.available(i)]
    return out


def verify_first(table: pd.DataFrame, min_known_share: float =
                 indicators.DEFAULT_SETTINGS.min_known_share) -> pd.DataFrame:
    """The areas of :func:`quality_table` to verify first: each with ``alasan`` (why, in
    Indonesian) and ``jumlah_alasan``; most reasons first, then most households. Indicators
    the whole period lacks are left out (that is the register's gap, not the area's)."""
    available = table.attrs.get("available", [])
    rows = []
    for _, row in table.iterrows():
        if not row["kode"]:
            continue
        reasons = []
        if row["rumah_tangga"] and row["tertaut_kode_bagian"] < MIN_CODE_SHARE:
            reasons.append(f"hanya {row['tertaut_kode_bagian']:.0%} tertaut lewat kode")
        if row["rumah_tangga"] and row["konflik_bagian"] > MAX_CONFLICT_SHARE:
            reasons.append(f"{int(row['konflik'])} konflik kode–titik")
        if row["karantina_bagian"] > MAX_QUARANTINE_SHARE:
            reasons.append(f"{int(row['dikarantina'])} baris dikarantina")
        little = [indicators.get(i).label for i in available
                  if row[f"diketahui_{i}"] < min_known_share]
        if little:
            reasons.append("sedikit diketahui: " + ", ".join(little))
        if row["rumah_tangga"] == 0 and row["dikarantina"] == 0:
            reasons.append("tidak ada rumah tangga dalam register")
        if reasons:
            rows.append({"kode": row["kode"], "nama": row["nama"],
                         "rumah_tangga": int(row["rumah_tangga"]),
                         "jumlah_alasan": len(reasons), "alasan": "; ".join(reasons)})
    out = pd.DataFrame(rows, columns=["kode", "nama", "rumah_tangga", "jumlah_alasan", "alasan"])
    return out.sort_values(["jumlah_alasan", "rumah_tangga"], ascending=False,
                           kind="stable").reset_index(drop=True)


READ_COLUMNS = (*indicators.RULE_COLUMNS, *LINK_COLUMNS_READ)

# What the page can map: column -> (label, higher is better)
MEASURES: dict[str, tuple[str, bool]] = {
    "tertaut_kode_bagian": ("Tertaut lewat kode", True),
    "konflik_bagian": ("Konflik kode–titik", False),
    "karantina_bagian": ("Baris dikarantina", False),
    **{f"diketahui_{ind.id}": (f"Diketahui: {ind.label}", True)
       for ind in indicators.INDICATORS},
}


def load(engine: Engine, period: str | None = None, level: str = "kelurahan",
         settings: indicators.Settings = indicators.DEFAULT_SETTINGS
         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(quality table, areas to verify first) of ``period`` (default: the newest); raises
    LookupError when there is no such period."""
    snapshot = store.snapshot_for(engine, period)
    if snapshot is None:
        raise LookupError(f"Tidak ada data untuk periode {period}." if period
                          else "Belum ada data rumah tangga di basis data.")
    households = snapshot_cache.load_households_fast(engine, snapshot, list(READ_COLUMNS))
    quarantine = store.load_quarantine(engine, int(snapshot["id"]))
    report = json.loads(snapshot.get("report") or "{}")
    table = quality_table(households, quarantine, report, store.region_list(engine), level,
                          settings)
    return table, verify_first(table, settings.min_known_share)


FIXED_LABELS = {
    "kode": "Kode", "nama": "Wilayah", "kecamatan": "Kecamatan", "rumah_tangga": "Rumah tangga",
    "tertaut_kode": "Tertaut lewat kode", "tertaut_nama": "Tertaut lewat nama",
    "tertaut_titik": "Tertaut lewat titik", "konflik": "Konflik kode–titik",
    "dikarantina": "Dikarantina", "tertaut_kode_bagian": "Tertaut lewat kode (%)",
    "konflik_bagian": "Konflik (%)", "karantina_bagian": "Dikarantina (%)",
}


def _is_share(column: str) -> bool:
    return column.endswith("_bagian") or column.startswith("diketahui_")


def column_label(column: str) -> str:
    """The Indonesian header of a quality-table column (shares: with "(%)")."""
    if column.startswith("diketahui_"):
        return f"Diketahui: {indicators.get(column.removeprefix('diketahui_')).label} (%)"
    if column.startswith("karantina_") and column != "karantina_bagian":
        kind = column.removeprefix("karantina_")
        return f"Karantina: {dict((r.kind, r.label) for r in REASON_KINDS).get(kind, kind)}"
    return FIXED_LABELS.get(column, column)


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The table for the page: Indonesian headers, counts as ``1.234``, shares as ``95,0%``,
    an empty share as "tidak ada data"."""
    from geo.fmt import fmt_int, fmt_pct

    out = pd.DataFrame(index=table.index)
    for column in table.columns:
        values = table[column]
        label = column_label(column).removesuffix(" (%)") if column.startswith(
            "diketahui_") else column_label(column)
        if _is_share(column):
            out[label] = [indicators.NO_DATA if v != v else fmt_pct(100 * v) for v in values]
        elif values.dtype.kind in "iuf":
            out[label] = [fmt_int(v) for v in values]
        else:
            out[label] = values.to_numpy()
    return out


def export_table(table: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str], list[str]]:
    """(the table for Excel: shares as percentages 0–100 rounded to 0,1 as on the page, an
    unknown share empty; its headers by column id; the percentage columns). The machine CSV
    keeps the table itself (shares 0–1)."""
    out = table.copy()
    shares = [c for c in table.columns if _is_share(c)]
    for column in shares:
        out[column] = (100 * table[column].astype(float)).round(1)
    return out, {c: column_label(c) for c in table.columns}, shares
