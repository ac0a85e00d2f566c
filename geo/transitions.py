"""Households across two periods: who moved between desil, left or fell into poverty, stopped
receiving PKH or BPNT, entered or left the register, per area.

Households are matched by a stable id: the register's ``id_keluarga`` (ID DTKS / ID keluarga);
where a row has none, by the head's NIK through a keyed hash (:mod:`geo.keyed_ids`,
:func:`household_keys`), so no raw NIK leaves the households
table and the key means nothing outside this database. A key found on more than one row of
either period is *ambiguous*: reported (``ambigu``), never guessed, and its rows are counted in
nothing else. Rows with neither id are reported as ``tanpa_id``.

Which area a household counts in: a household in both periods (``cocok``, every desil pair, the
moves and ``lulus_*``) and a new one (``baru``) count in their area of the **later** period (the
boundaries are today's for both, so a household that moved house counts where it lives now); a
household that left the register (``keluar``) counts in its area of the **earlier** period; an
ambiguous key counts where its row(s) of the later period are, else the earlier. Households not
linked to any kelurahan are in no row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import (
    Engine,
    and_,
    or_,
    select,
)

from geo import household_dataset, keyed_ids, snapshot_cache, store
from geo.answers import NO_DATA
from geo.codes import parent_codes
from geo.fmt import fmt_int
from geo.forum import column_texts
from geo.suppression import (
    HIDDEN_TOO,
    Whole,
    hidden_cells,
    level_of,
    linked_texts,
    protected_texts,
)

DESIL = tuple(range(1, 11))
POOR_MAX = 4  # desil 1-4 is poor, as geo.indicators.is_poor counts it
PROGRAM_COLUMNS = {"lulus_pkh": "penerima_pkh", "lulus_bpnt": "penerima_bpnt"}
COLUMNS = ["row_number", "id_keluarga", "desil", "penerima_pkh", "penerima_bpnt",
           "region_code"]
SUMMARY = ("cocok", "baru", "keluar", "keluar_miskin", "jatuh_miskin", "bersih_keluar_miskin",
           "lulus_pkh", "lulus_bpnt", "desil_tidak_diketahui", "ambigu", "tanpa_id")
LABELS: dict[str, str] = {
    "cocok": "ada di kedua periode", "baru": "baru masuk register",
    "keluar": "keluar dari register", "keluar_miskin": "keluar dari miskin (desil 1–4 → 5–10)",
    "jatuh_miskin": "jatuh miskin (desil 5–10 → 1–4)",
    "bersih_keluar_miskin": "bersih keluar dari miskin (keluar − jatuh)",
    "lulus_pkh": "berhenti menerima PKH", "lulus_bpnt": "berhenti menerima BPNT/Sembako",
    "desil_tidak_diketahui": "desil tidak diketahui di salah satu periode",
    "ambigu": "ID ganda (tidak dihitung)", "tanpa_id": "tanpa ID keluarga maupun NIK",
}

# every household of each period in the area: the main map's count of that period, which the
# moves add up to (a forum's table must not give a hidden move back from it: counts_shown)
HOUSEHOLDS = ("rumah_tangga_awal", "rumah_tangga_akhir")
ADD_UP_TO = {"rumah_tangga_awal": ("cocok", "keluar", "ambigu", "tanpa_id"),
             "rumah_tangga_akhir": ("cocok", "baru", "ambigu", "tanpa_id")}


def pair_column(d_from: int, d_to: int) -> str:
    """The column of a desil pair: ``desil_3_ke_6``."""
    return f"desil_{d_from}_ke_{d_to}"


PAIRS = [pair_column(a, b) for a in DESIL for b in DESIL]


def _nik_of_rows_without_id(engine: Engine, snapshot_id: int) -> pd.DataFrame:
    """``row_number``, ``nik_krt`` of the rows with no id_keluarga (read here, hashed at once)."""
    location = household_dataset.location_of(engine, snapshot_id)
    if location is not None:  # a period stored as a Parquet dataset: its personal dataset
        rows = household_dataset.read(location, ["row_number", "id_keluarga", "nik_krt"])
        ids = rows["id_keluarga"].astype("string").fillna("")
        nik = rows["nik_krt"].astype("string").fillna("")
        rows = rows.loc[ids.eq("").to_numpy() & nik.ne("").to_numpy(), ["row_number", "nik_krt"]]
        return rows.reset_index(drop=True)
    h = store.households.c
    query = select(h.row_number, h.nik_krt).where(
        h.snapshot_id == snapshot_id, h.nik_krt.is_not(None), h.nik_krt != "",
        or_(h.id_keluarga.is_(None), and_(h.id_keluarga == "")))
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).all(), columns=["row_number", "nik_krt"])


def household_keys(engine: Engine, snapshot: dict) -> pd.DataFrame:
    """One row per household of the snapshot: ``kunci`` (the match key, missing if the row has
    neither id), ``desil``, ``penerima_pkh``, ``penerima_bpnt``, ``region_code``."""
    frame = snapshot_cache.load_households_fast(engine, snapshot, COLUMNS)
    ids = frame["id_keluarga"].astype("string").str.strip()
    key = ("id:" + ids).where(ids.notna() & ids.ne(""))
    missing = key.isna().to_numpy()
    if missing.any():
        nik = _nik_of_rows_without_id(engine, int(snapshot["id"]))
        if len(nik):
            digests = keyed_ids.digests(keyed_ids.secret(engine), "nik", nik["nik_krt"])
            hashed = pd.Series(["nik:" + d if d else None for d in digests],
                               index=nik["row_number"].to_numpy())
            by_row = pd.Series(frame["row_number"].to_numpy()).map(hashed)
            key = key.where(~missing, by_row.to_numpy())
    return pd.DataFrame({"kunci": key.to_numpy(), "desil": frame["desil"].to_numpy(),
                         "penerima_pkh": frame["penerima_pkh"].to_numpy(),
                         "penerima_bpnt": frame["penerima_bpnt"].to_numpy(),
                         "region_code": frame["region_code"].to_numpy()})


@dataclass
class Transitions:
    """``table``: one row per area (``kode``, ``nama``, :data:`SUMMARY`, :data:`HOUSEHOLDS`,
    :data:`PAIRS`);
    ``totals``: the same counts for every household, also those in no area (unlinked)."""

    table: pd.DataFrame
    totals: dict[str, int]


def _snapshot(engine: Engine, period: str) -> dict:
    snapshot = store.snapshot_for(engine, period)
    if snapshot is None:
        raise LookupError(f"Tidak ada data untuk periode {period}.")
    return snapshot


def transitions(engine: Engine, period_from: str, period_to: str,
                level: str = "kelurahan") -> Transitions:
    """The moves of households from ``period_from`` to ``period_to`` per area of ``level``."""
    before = household_keys(engine, _snapshot(engine, period_from))
    after = household_keys(engine, _snapshot(engine, period_to))
    return count_transitions(before, after, level, store.region_list(engine))


def count_transitions(before: pd.DataFrame, after: pd.DataFrame, level: str,
                      regions: pd.DataFrame) -> Transitions:
    """:func:`transitions` on the frames of :func:`household_keys` (``regions``: kode, nama,
    level, as :func:`store.region_list` gives them).

    Keys and areas are turned into integers once (``pd.factorize``); everything after is
    counting with numpy (a million households: seconds, where ``isin`` on Arrow strings took a
    minute)."""
    n1 = len(before)
    keys, _ = pd.factorize(pd.concat([before["kunci"], after["kunci"]], ignore_index=True))
    k1, k2 = keys[:n1], keys[n1:]
    n_keys = int(keys.max()) + 1 if len(keys) else 0
    c1 = np.bincount(k1[k1 >= 0], minlength=n_keys)
    c2 = np.bincount(k2[k2 >= 0], minlength=n_keys)
    ambiguous = (c1 > 1) | (c2 > 1)
    codes, uniques = pd.factorize(pd.concat([before["region_code"], after["region_code"]],
                                            ignore_index=True))
    level_codes, level_uniques = pd.factorize(parent_codes(uniques.astype(str), level))
    area_all = np.where(codes >= 0, level_codes[np.maximum(codes, 0)] if len(uniques)
                        else -1, -1)
    area1, area2 = area_all[:n1], area_all[n1:]
    rows: dict[str, np.ndarray] = {}  # count name -> area id of each household counted
    # an ambiguous key counts where its row of the later period is, else the earlier one
    amb_area = np.full(n_keys, -1)
    amb_area[k1[k1 >= 0]] = area1[k1 >= 0]
    amb_area[k2[k2 >= 0]] = area2[k2 >= 0]
    rows["ambigu"] = amb_area[ambiguous]
    rows["tanpa_id"] = np.concatenate([area2[k2 < 0], area1[k1 < 0]])
    ok1 = (k1 >= 0) & ~ambiguous[np.maximum(k1, 0)]
    ok2 = (k2 >= 0) & ~ambiguous[np.maximum(k2, 0)]
    pos1, pos2 = np.full(n_keys, -1), np.full(n_keys, -1)
    pos1[k1[ok1]] = np.flatnonzero(ok1)
    pos2[k2[ok2]] = np.flatnonzero(ok2)
    rows["baru"] = area2[ok2 & (pos1[np.maximum(k2, 0)] < 0)]
    rows["keluar"] = area1[ok1 & (pos2[np.maximum(k1, 0)] < 0)]
    both = (pos1 >= 0) & (pos2 >= 0)
    r1, r2 = pos1[both], pos2[both]
    area = area2[r2]
    rows["cocok"] = area
    rows["rumah_tangga_awal"], rows["rumah_tangga_akhir"] = area1, area2

    def values(frame: pd.DataFrame, column: str, at: np.ndarray) -> np.ndarray:
        return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype="float64")[at]

    d1, d2 = values(before, "desil", r1), values(after, "desil", r2)
    known = np.isin(d1, DESIL) & np.isin(d2, DESIL)
    rows["desil_tidak_diketahui"] = area[~known]
    rows["keluar_miskin"] = area[known & (d1 <= POOR_MAX) & (d2 > POOR_MAX)]
    rows["jatuh_miskin"] = area[known & (d1 > POOR_MAX) & (d2 <= POOR_MAX)]
    knowable = {"keluar_miskin": area[known], "jatuh_miskin": area[known]}
    for name, column in PROGRAM_COLUMNS.items():
        got, now = values(before, column, r1), values(after, column, r2)
        rows[name] = area[(got == 1) & (now == 0)]  # unknown in either period: not counted
        knowable[name] = area[~np.isnan(got) & ~np.isnan(now)]
    pair = np.where(known, (np.nan_to_num(d1) - 1) * 10 + np.nan_to_num(d2) - 1, -1)
    return _per_area(rows, pair.astype("int64"), area, pd.Index(level_uniques), level,
                     regions, knowable)


def _per_area(rows: dict[str, np.ndarray], pair: np.ndarray, area: np.ndarray,
              area_codes: pd.Index, level: str, regions: pd.DataFrame,
              knowable: dict[str, np.ndarray]) -> Transitions:
    """The counts per area id (an index into ``area_codes``; -1: not linked) as the table.
    ``knowable``: per count, the areas of the matched households whose answer is known in
    both periods; an area with matched households but none known gets no count (missing,
    never 0)."""
    names = regions.loc[regions["level"] == level].set_index("kode")["nama"]
    n_areas = len(area_codes)
    totals = {name: int(len(ids)) for name, ids in rows.items()}
    counts = {name: np.bincount(ids[ids >= 0], minlength=n_areas) for name, ids in rows.items()}
    seen = area_codes[np.sum([c for c in counts.values()], axis=0) > 0] if n_areas else \
        area_codes
    codes = names.index.union(pd.Index(seen, dtype=object), sort=False).sort_values()
    where = area_codes.get_indexer(codes)  # -1: an area without any household counted
    out = pd.DataFrame({"kode": codes, "nama": names.reindex(codes).fillna("").to_numpy()})
    for name in (*SUMMARY, *HOUSEHOLDS):
        if name != "bersih_keluar_miskin":
            out[name] = np.where(where >= 0, counts[name][np.maximum(where, 0)]
                                 if n_areas else 0, 0).astype("int64")
    for name, ids in knowable.items():
        known = np.bincount(ids[ids >= 0], minlength=n_areas)
        known = np.where(where >= 0, known[np.maximum(where, 0)] if n_areas else 0, 0)
        out[name] = pd.array(out[name], dtype="Int64")
        out.loc[(out["cocok"].to_numpy() > 0) & (known == 0), name] = pd.NA
    out["bersih_keluar_miskin"] = out["keluar_miskin"] - out["jatuh_miskin"]
    totals["bersih_keluar_miskin"] = totals["keluar_miskin"] - totals["jatuh_miskin"]
    linked = (area >= 0) & (pair >= 0)
    grid = np.bincount(area[linked] * 100 + pair[linked], minlength=n_areas * 100)
    grid = grid.reshape(n_areas, 100) if n_areas else np.zeros((0, 100), dtype="int64")
    pairs = np.where((where >= 0)[:, None], grid[np.maximum(where, 0)] if n_areas else 0, 0)
    flat = np.bincount(pair[pair >= 0], minlength=100)
    totals.update(dict(zip(PAIRS, flat.tolist())))
    table = pd.concat([out[["kode", "nama", *SUMMARY, *HOUSEHOLDS]],
                       pd.DataFrame(pairs.astype("int64"), columns=PAIRS)], axis=1)
    return Transitions(table, totals)


def matrix(table: pd.DataFrame, code: str | None = None) -> pd.DataFrame:
    """The 10 x 10 desil transition matrix (rows: desil in the earlier period, columns: in the
    later) of one area of ``table``, or summed over all its areas; rows ``baru``/``keluar``
    are given beside it by the caller from the summary columns."""
    rows = table if code is None else table[table["kode"] == code]
    sums = rows[PAIRS].sum().to_numpy().reshape(10, 10)
    return pd.DataFrame(sums, index=pd.Index(DESIL, name="desil dulu"),
                        columns=pd.Index(DESIL, name="desil kini"))


COUNTED = tuple(k for k in SUMMARY if k != "bersih_keluar_miskin")  # the net is a difference


def counts_shown(table: pd.DataFrame, hide: bool) -> pd.DataFrame:
    """The moves of each area (``table``: :func:`transitions`' per kelurahan) as text, by
    kode, as every view of them shows them: with ``hide`` small ones "< 5", and one more in
    each row (an area's moves add up) and column (and kecamatan) as "–" so that none can be
    worked out; the net (``bersih_keluar_miskin``) "–" where either of its parts is hidden.

    The moves add up to each period's households, which the main map shows per kelurahan
    (:data:`ADD_UP_TO`: those matched, new or gone, and the two kinds not matched): exactly
    for the later period where the last two are 0 (the matched and the new count where they
    live now), and only nearly for the earlier one (a matched household that moved counts in
    its new kelurahan). With :data:`HOUSEHOLDS` in ``table`` they are suppressed together
    with the map's counts of them (:func:`geo.suppression.linked_texts`), so a period's
    households minus the matched ones never give a hidden number of new households back."""
    frame = table.set_index("kode")
    counts = frame[list(COUNTED)].astype(float)
    if hide and all(h in frame for h in HOUSEHOLDS):
        wholes = [Whole(parts, {level_of(counts.index): pd.Series(hidden_cells(column_texts(
            frame[h].astype(float))), index=counts.index)}, exact=h == "rumah_tangga_akhir")
            for h, parts in ADD_UP_TO.items()]
        texts = linked_texts(counts, wholes, rows_add_up=True)[level_of(counts.index)]
    else:
        texts = protected_texts(counts, hide, rows_add_up=True)
    net = table.set_index("kode")["bersih_keluar_miskin"]
    parts = hidden_cells(texts[["keluar_miskin", "jatuh_miskin"]]).any(axis=1)
    texts["bersih_keluar_miskin"] = [
        NO_DATA if pd.isna(v) else HIDDEN_TOO if x else ("+" if v > 0 else "") + fmt_int(v)
        for v, x in zip(net, parts)]
    return texts[list(SUMMARY)]
