"""Households across two periods: who moved between desil, left or fell into poverty, stopped
receiving PKH or BPNT, entered or left the register, per area.

Households are matched by a stable id: the register's ``id_keluarga`` (ID DTKS / ID keluarga);
where a row has none, by the head's NIK through a keyed hash (HMAC-SHA256 with a secret made
once and kept in the database, :func:`household_keys`), so no raw NIK leaves the households
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

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    Text,
    and_,
    or_,
    select,
)

from geo import snapshot_cache, store
from geo.codes import parent_codes

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

_meta = MetaData()
_keys = Table("app_secrets", _meta,
              Column("name", String(40), primary_key=True),
              Column("value", Text, nullable=False),
              Column("created_at", DateTime(timezone=True), nullable=False))
_NIK_SECRET = "nik_hmac"


def pair_column(d_from: int, d_to: int) -> str:
    """The column of a desil pair: ``desil_3_ke_6``."""
    return f"desil_{d_from}_ke_{d_to}"


PAIRS = [pair_column(a, b) for a in DESIL for b in DESIL]


def nik_secret(engine: Engine) -> bytes:
    """The database's secret for hashing NIK, made once (random, 32 bytes) and kept."""
    _keys.create(engine, checkfirst=True)
    with engine.begin() as conn:
        value = conn.execute(select(_keys.c.value).where(_keys.c.name == _NIK_SECRET)).scalar()
        if value is None:
            value = secrets.token_hex(32)
            conn.execute(_keys.insert().values(name=_NIK_SECRET, value=value,
                                               created_at=datetime.now(UTC)))
    return bytes.fromhex(value)


def nik_key(secret: bytes, nik: str) -> str:
    """The keyed hash of a NIK: the same NIK gives the same key in this database only."""
    return "nik:" + hmac.new(secret, nik.encode(), hashlib.sha256).hexdigest()[:32]


def _nik_of_rows_without_id(engine: Engine, snapshot_id: int) -> pd.DataFrame:
    """``row_number``, ``nik_krt`` of the rows with no id_keluarga (read here, hashed at once)."""
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
            secret = nik_secret(engine)
            hashed = pd.Series([nik_key(secret, str(n).strip()) for n in nik["nik_krt"]],
                               index=nik["row_number"].to_numpy())
            by_row = pd.Series(frame["row_number"].to_numpy()).map(hashed)
            key = key.where(~missing, by_row.to_numpy())
    return pd.DataFrame({"kunci": key.to_numpy(), "desil": frame["desil"].to_numpy(),
                         "penerima_pkh": frame["penerima_pkh"].to_numpy(),
                         "penerima_bpnt": frame["penerima_bpnt"].to_numpy(),
                         "region_code": frame["region_code"].to_numpy()})


@dataclass
class Transitions:
    """``table``: one row per area (``kode``, ``nama``, :data:`SUMMARY`, :data:`PAIRS`);
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
    level, as :func:`store.region_list` gives them)."""
    rows: dict[str, pd.Series] = {}  # count name -> the area code of each household counted
    no_id_before, no_id_after = before["kunci"].isna(), after["kunci"].isna()
    twice = set(before.loc[before["kunci"].duplicated(keep=False) & ~no_id_before, "kunci"]) \
        | set(after.loc[after["kunci"].duplicated(keep=False) & ~no_id_after, "kunci"])
    ambiguous_before = before["kunci"].isin(twice).to_numpy()
    ambiguous_after = after["kunci"].isin(twice).to_numpy()
    amb_area = pd.concat([after.loc[ambiguous_after, ["kunci", "region_code"]],
                          before.loc[ambiguous_before, ["kunci", "region_code"]]])
    rows["ambigu"] = amb_area.drop_duplicates("kunci")["region_code"]
    rows["tanpa_id"] = pd.concat([after.loc[no_id_after, "region_code"],
                                  before.loc[no_id_before, "region_code"]])
    a = before[~ambiguous_before & ~no_id_before.to_numpy()].set_index("kunci")
    b = after[~ambiguous_after & ~no_id_after.to_numpy()].set_index("kunci")
    both = a.merge(b, how="inner", left_index=True, right_index=True, suffixes=("_1", "_2"))
    rows["baru"] = b.loc[~b.index.isin(a.index), "region_code"]
    rows["keluar"] = a.loc[~a.index.isin(b.index), "region_code"]
    area = both["region_code_2"]
    rows["cocok"] = area
    d1 = pd.to_numeric(both["desil_1"], errors="coerce").to_numpy(dtype="float64")
    d2 = pd.to_numeric(both["desil_2"], errors="coerce").to_numpy(dtype="float64")
    known = np.isin(d1, DESIL) & np.isin(d2, DESIL)
    rows["desil_tidak_diketahui"] = area[~known]
    rows["keluar_miskin"] = area[known & (d1 <= POOR_MAX) & (d2 > POOR_MAX)]
    rows["jatuh_miskin"] = area[known & (d1 > POOR_MAX) & (d2 <= POOR_MAX)]
    for name, column in PROGRAM_COLUMNS.items():
        got = pd.to_numeric(both[f"{column}_1"], errors="coerce").to_numpy(dtype="float64")
        now = pd.to_numeric(both[f"{column}_2"], errors="coerce").to_numpy(dtype="float64")
        rows[name] = area[(got == 1) & (now == 0)]  # unknown in either period: not counted
    pair = np.where(known, (np.nan_to_num(d1) - 1) * 10 + np.nan_to_num(d2) - 1, -1)
    return _per_area(rows, pd.Series(pair.astype("int64"), index=area.index), area, level,
                     regions)


def _per_area(rows: dict[str, pd.Series], pair: pd.Series, area: pd.Series, level: str,
              regions: pd.DataFrame) -> Transitions:
    names = regions.loc[regions["level"] == level].set_index("kode")["nama"]
    totals = {name: int(len(codes)) for name, codes in rows.items()}
    columns: dict[str, pd.Series] = {}
    for name, codes in rows.items():
        linked = codes.dropna().astype(str)
        columns[name] = pd.Series(parent_codes(linked, level)).value_counts()
    linked = area.notna().to_numpy() & (pair.to_numpy() >= 0)
    grid = pd.crosstab(parent_codes(area[linked].astype(str), level),
                       pair.to_numpy()[linked]) if linked.any() else pd.DataFrame()
    seen = pd.Index({c for s in columns.values() for c in s.index}, dtype=object)
    codes = names.index.union(seen, sort=False).sort_values()
    out = pd.DataFrame({"kode": codes, "nama": names.reindex(codes).fillna("").to_numpy()})
    for name in SUMMARY:
        if name == "bersih_keluar_miskin":
            continue
        out[name] = columns[name].reindex(codes).fillna(0).astype("int64").to_numpy()
    out["bersih_keluar_miskin"] = out["keluar_miskin"] - out["jatuh_miskin"]
    totals["bersih_keluar_miskin"] = totals["keluar_miskin"] - totals["jatuh_miskin"]
    counts = grid.reindex(index=codes, columns=range(100)).fillna(0).astype("int64")
    pairs = pd.DataFrame(counts.to_numpy(), columns=PAIRS)
    flat = np.zeros(100, dtype="int64")
    np.add.at(flat, pair.to_numpy()[pair.to_numpy() >= 0], 1)
    totals.update(dict(zip(PAIRS, flat.tolist())))
    table = pd.concat([out[["kode", "nama", *SUMMARY]], pairs], axis=1)
    return Transitions(table, totals)


def matrix(table: pd.DataFrame, code: str | None = None) -> pd.DataFrame:
    """The 10 x 10 desil transition matrix (rows: desil in the earlier period, columns: in the
    later) of one area of ``table``, or summed over all its areas; rows ``baru``/``keluar``
    are given beside it by the caller from the summary columns."""
    rows = table if code is None else table[table["kode"] == code]
    sums = rows[PAIRS].sum().to_numpy().reshape(10, 10)
    return pd.DataFrame(sums, index=pd.Index(DESIL, name="desil dulu"),
                        columns=pd.Index(DESIL, name="desil kini"))
