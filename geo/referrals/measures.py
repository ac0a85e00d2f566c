"""The referral log joined to the register of a period, and what a forum reads from it.

Per area (:func:`area_table`): ``rujukan`` (referrals from the area's residents),
``rujukan_per_1000`` (per 1.000 register households), ``terbuka`` (baru, dirujuk or
ditangani), ``median_hari_terbuka`` (days from the referral to the log's latest date, over
open referrals), ``dari_luar_register``
(the household matches none of the period's register), ``eksklusi`` (exclusion-error
households by :func:`geo.indicators.is_excluded`, the registry's rule), ``eksklusi_dirujuk``
(those with at least one referral) and ``eksklusi_tanpa_rujukan``. Referrals count where the log
places them; exclusion errors where the register places the household. Unknown stays unknown:
no households → no rate; no open referral → no median; too little known about exclusion
(``Settings.min_known_share``) → no exclusion counts. Never 0 for an unknown.

Filters: the sidebar's household part (desil, programs, groups; :meth:`Joined.kept`) keeps
the households it marks and their referrals, so every measure is over those households; a
referral from outside the register has no desil or program, so its count is then unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from geo import indicators, keyed_ids, snapshot_cache, store
from geo.codes import parent_codes
from geo.forum import FLAG, above_column, hidden_counts_levels
from geo.referrals import keys, matches, vocab
from geo.referrals.tables import ensure, referral_imports, referrals
from geo.suppression import level_sums

NO_OPD = "(tidak disebut)"  # a referral that names no OPD or institution to refer to
EXCLUSION = "eksklusi"  # the indicator registry's exclusion error (geo.indicators)
MEASURES = ("rujukan", "rujukan_per_1000", "terbuka", "median_hari_terbuka",
            "dari_luar_register", "eksklusi", "eksklusi_dirujuk", "eksklusi_tanpa_rujukan")
LABELS = {
    "rujukan": "Rujukan", "rujukan_per_1000": "Rujukan per 1.000 RT", "terbuka": "Terbuka",
    "median_hari_terbuka": "Median hari terbuka", "dari_luar_register": "Dari luar register",
    "eksklusi": "Kesalahan eksklusi (RT)", "eksklusi_dirujuk": "Eksklusi yang dirujuk",
    "eksklusi_tanpa_rujukan": "Eksklusi tanpa rujukan",
}
REFERRAL_COLUMNS = ("row_number", "id_rujukan", "tanggal", "kebutuhan", "dirujuk_ke", "status",
                    "tanggal_status", "petugas", "kunci_id", "kunci_kk", "kunci_nik",
                    "identitas_samaran", "region_code")
# what the page reads of the register; its ids only when a match must be made (matches)
REGISTER_COLUMNS = tuple(dict.fromkeys(("row_number", *indicators.RULE_COLUMNS)))


@dataclass(frozen=True, eq=False)
class Joined:
    """The log of referrals matched to one period's register."""

    referrals: pd.DataFrame  # one row per referral, with hh (register position, -1 outside)
    prepared: indicators.Prepared  # the register's indicators (exclusion error per household)
    referred: np.ndarray  # per register household: has at least one referral
    as_of: date | None  # days open are counted to this date (the log's latest)
    period: str
    source_file: str | None
    keep: np.ndarray | None = None  # register households the filters keep (None: all)

    def kept(self, keep: np.ndarray | None) -> Joined:
        """Only the register households ``keep`` marks (the sidebar's desil, program and group
        filters) and their referrals. A referral from outside the register has no desil or
        program, so a household filter leaves it out: its count is then unknown, not 0
        (:func:`area_table`)."""
        if keep is None:
            return self
        hh = self.referrals["hh"].to_numpy()
        mine = (hh >= 0) & keep[np.clip(hh, 0, None)] if len(keep) else np.zeros(len(hh), bool)
        return replace(self, referrals=self.referrals[mine], keep=keep)


def log_info(engine: Engine) -> dict | None:
    """The log in force: source_file, imported_at, as_of, report (None when none)."""
    ensure(engine)
    with engine.connect() as conn:
        row = conn.execute(select(referral_imports)).mappings().first()
    return dict(row) if row else None


def load_referrals(engine: Engine) -> pd.DataFrame:
    ensure(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(*(referrals.c[c] for c in REFERRAL_COLUMNS))
                            .order_by(referrals.c.row_number)).all()
    return pd.DataFrame(rows, columns=list(REFERRAL_COLUMNS))


def match(referral_rows: pd.DataFrame, register: pd.DataFrame, key: bytes) -> np.ndarray:
    """Position of each referral's household in ``register`` (-1: outside it): keyed hashes
    of the register's ids (the slow part at a million households; settings do not change
    it)."""
    register = register.reset_index(drop=True)
    return keys.match(keys.register_index(key, register, keys.kinds_used(referral_rows)),
                      referral_rows, key)


def join(referral_rows: pd.DataFrame, register: pd.DataFrame, key: bytes, as_of: date | None,
         period: str, settings: indicators.Settings = indicators.DEFAULT_SETTINGS,
         source_file: str | None = None, hh: np.ndarray | None = None) -> Joined:
    """Match ``referral_rows`` (as stored) to ``register`` (household rows of one period);
    ``hh``: the match already made (:func:`match`), for other ``settings``."""
    register = register.reset_index(drop=True)
    prepared = indicators.prepare(register, settings)
    if hh is None:
        hh = match(referral_rows, register, key)
    refs = referral_rows.copy()
    refs["hh"] = hh
    refs["dari_luar_register"] = hh < 0
    refs["tanggal"] = pd.to_datetime(refs["tanggal"]).dt.date
    refs["terbuka"] = refs["status"].isin(vocab.OPEN_STATUSES).to_numpy()
    days = [(as_of - d).days if (as_of and open_) else np.nan
            for d, open_ in zip(refs["tanggal"], refs["terbuka"])]
    refs["hari_terbuka"] = np.asarray(days, dtype=float)
    desil = (register["desil"].to_numpy(dtype=float, na_value=np.nan) if "desil" in register
             else np.full(len(register), np.nan))
    refs["desil"] = np.where(hh >= 0, desil[np.clip(hh, 0, None)] if len(register) else np.nan,
                             np.nan)
    excluded = prepared.hits[EXCLUSION]
    refs["eksklusi"] = np.where(hh >= 0, excluded[np.clip(hh, 0, None)] if len(register)
                                else False, False)
    referred = np.zeros(len(register), dtype=bool)
    referred[hh[hh >= 0]] = True
    return Joined(refs, prepared, referred, as_of, period, source_file)


def load_joined(engine: Engine, period: str | None = None,
                settings: indicators.Settings = indicators.DEFAULT_SETTINGS,
                matched: Joined | None = None) -> Joined:
    """The stored log joined to the register of ``period`` (default: the newest), its
    exclusion errors counted under ``settings``; ``matched``: the same log already joined
    under other settings (its match to the register is reused)."""
    snapshot = store.snapshot_for(engine, period)
    if snapshot is None:
        raise LookupError(f"Tidak ada data untuk periode {period}." if period
                          else "Belum ada data rumah tangga di basis data.")
    info = log_info(engine)
    if info is None:
        raise LookupError("Belum ada log rujukan SLRT yang diimpor (python -m geo "
                          "import-referrals BERKAS, atau halaman Rujukan SLRT).")
    register = snapshot_cache.load_households_fast(engine, snapshot, list(REGISTER_COLUMNS))
    as_of = date.fromisoformat(info["as_of"]) if info["as_of"] else None
    if matched is not None:
        rows = matched.referrals[list(REFERRAL_COLUMNS)]
        return join(rows, register, b"", as_of, snapshot["period"], settings,
                    info["source_file"], hh=matched.referrals["hh"].to_numpy())
    rows = load_referrals(engine)
    return join(rows, register, b"", as_of, snapshot["period"], settings, info["source_file"],
                hh=_positions(engine, snapshot, info, rows, register))


def _positions(engine: Engine, snapshot: dict, info: dict, rows: pd.DataFrame,
               register: pd.DataFrame) -> np.ndarray:
    """Position in ``register`` of each referral's household (-1: outside it): the match
    stored for this period and log (:mod:`geo.referrals.matches`), or made now from the
    register's ids and stored for the next server process."""
    household_rows = _household_rows(engine, snapshot, info, rows)
    position = pd.Series(np.arange(len(register)),
                         index=register["row_number"].to_numpy(dtype=np.int64))
    return position.reindex(household_rows).fillna(-1).to_numpy(dtype=np.int64)


def _household_rows(engine: Engine, snapshot: dict, info: dict, rows: pd.DataFrame
                    ) -> np.ndarray:
    """Household row number of each referral (-1: outside the register): stored, or made
    from the register's ids and stored."""
    referral_rows = rows["row_number"].to_numpy()
    household_rows = matches.stored(engine, snapshot, info["imported_at"], referral_rows)
    if household_rows is None:
        ids = snapshot_cache.load_households_fast(
            engine, snapshot, ["row_number", *keys.REGISTER_COLUMN.values()])
        household_rows = matches.row_numbers(match(rows, ids, keyed_ids.secret(engine)),
                                             ids["row_number"])
        matches.save(engine, snapshot, info["imported_at"], referral_rows, household_rows)
    return household_rows


def match_after_import(engine: Engine, period: str, info: dict) -> bool:
    """After a period's register import: the log in force (``info``: :func:`log_info`)
    matched to it and stored, so the Rujukan page's first open reads the match instead of
    hashing the register's ids (about 19 s at 3 million households, paid by whoever opened the
    page first, often in a forum). The import pays it instead, and only where a log exists.
    False: no such period."""
    snapshot = store.snapshot_for(engine, period)
    if snapshot is None:
        return False
    _household_rows(engine, snapshot, info, load_referrals(engine))
    return True


def _group(codes: pd.Series, level: str) -> pd.Series:
    linked = codes.notna()
    out = pd.Series(None, index=codes.index, dtype=object)
    if linked.any():
        out[linked] = parent_codes(codes[linked], level).to_numpy()
    return out


def area_table(joined: Joined, regions: pd.DataFrame, level: str = "kelurahan",
               forum: bool = False) -> pd.DataFrame:
    """One row per region of ``level`` (``regions``: kode, nama, level as in
    :func:`geo.store.region_list`) with ``kode``, ``nama``, ``rumah_tangga`` and
    :data:`MEASURES` (unknown: NaN / <NA>, never 0). ``forum``: with the forum flags of the
    exclusion error's count, denominator and population and of the households (what the main
    map of the same households hides: :func:`geo.forum.hidden_counts`,
    ``<column>_disembunyikan``)."""
    p, keep = joined.prepared, joined.keep
    settings = p.settings
    kel, _ = indicators.area_counts(p, keep, ids=(EXCLUSION,), detail=())
    size = len(p.codes) + 1
    referred = joined.referred if keep is None else joined.referred & keep
    dirujuk = np.bincount(p.area, weights=p.hits[EXCLUSION] & referred, minlength=size)[:-1]
    kel["eksklusi_dirujuk"] = np.round(dirujuk).astype("int64")
    table = indicators.roll_up(kel, level, settings.min_known_share)
    if level != "kelurahan":
        table["eksklusi_dirujuk"] = kel["eksklusi_dirujuk"].groupby(
            parent_codes(kel.index, level).to_numpy()).sum()
    names = regions[regions["level"] == level].set_index("kode")["nama"]
    codes = names.index.union(table.index)
    counts = table.reindex(codes)
    out = pd.DataFrame({"kode": codes, "nama": names.reindex(codes).fillna("").to_numpy()})
    hh = counts["rumah_tangga"].fillna(0).to_numpy(dtype=float)
    out["rumah_tangga"] = hh.astype("int64")

    refs = joined.referrals
    where = _group(refs["region_code"], level)
    grouped = refs.assign(_kode=where).dropna(subset=["_kode"]).groupby("_kode")
    n = grouped.size().reindex(codes).fillna(0).to_numpy()
    out["rujukan"] = n.astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["rujukan_per_1000"] = np.where(hh > 0, 1000 * n / hh, np.nan).round(2)
    out["terbuka"] = grouped["terbuka"].sum().reindex(codes).fillna(0).to_numpy().astype("int64")
    out["median_hari_terbuka"] = grouped["hari_terbuka"].median().reindex(codes).to_numpy()
    outside = grouped["dari_luar_register"].sum().reindex(codes).fillna(0).to_numpy()
    # a household filter leaves out referrals from outside the register: not 0, unknown
    out["dari_luar_register"] = pd.array(outside.astype("int64"), dtype="Int64")
    if keep is not None:
        out["dari_luar_register"] = pd.array([pd.NA] * len(out), dtype="Int64")
    known = np.asarray(indicators.is_known(counts.fillna({
        f"{EXCLUSION}_penyebut": 0}), EXCLUSION, settings.min_known_share), dtype=bool)
    for column, values in (
            ("eksklusi", counts[EXCLUSION]),
            ("eksklusi_dirujuk", counts["eksklusi_dirujuk"]),
            ("eksklusi_tanpa_rujukan", counts[EXCLUSION] - counts["eksklusi_dirujuk"])):
        out[column] = pd.array(np.where(known, values.fillna(0), 0).astype("int64"),
                               dtype="Int64")
        out.loc[~known, column] = pd.NA
    # the rate's denominator, as the main map holds it (a forum's map hides the rate where
    # this count is hidden: geo.forum.rate_hidden)
    out["eksklusi_penyebut"] = counts[f"{EXCLUSION}_penyebut"].fillna(0).to_numpy().astype(
        "int64")
    out["eksklusi_persen"] = counts[f"{EXCLUSION}_persen"].round(2).to_numpy()
    out["eksklusi_diketahui"] = counts[f"{EXCLUSION}_diketahui"].round(4).to_numpy()
    if forum:
        flags = hidden_counts_levels(kel, (EXCLUSION,), settings.min_known_share,
                                     _level_and_above(kel.index, level), population=True)
        for column, values in flags[level].reindex(codes, fill_value=False).items():
            out[f"{column}{FLAG}"] = values.to_numpy(dtype=bool)
        # the map of each level above: its exclusion count's flag, on each row of its area
        # (the referrals' two exclusion parts add up to it there too: geo.suppression.Whole)
        for lv in list(flags)[1:]:
            out[above_column(EXCLUSION, lv)] = flags[lv][EXCLUSION].reindex(
                parent_codes(codes, lv), fill_value=False).to_numpy(dtype=bool)
    return out.reset_index(drop=True)


def _level_and_above(codes: pd.Index, level: str) -> tuple[str, ...]:
    """``level`` and the levels above it that kelurahan ``codes`` sum up to."""
    above = ("kelurahan", *level_sums(pd.DataFrame({"n": 0.0}, index=codes)))
    return tuple(above[above.index(level):])


def need_counts(joined: Joined, area: pd.DataFrame, level: str = "kelurahan",
                by: str = "kebutuhan") -> pd.DataFrame:
    """Referrals per area (rows, ``area``'s ``kode`` order) and need (columns), or OPD with
    ``by="dirujuk_ke"``. A need or OPD the log does not give is "tidak_diketahui"."""
    refs = joined.referrals
    where = _group(refs["region_code"], level)
    need = refs[by].fillna("tidak_diketahui")
    return pd.crosstab(where, need).reindex(area["kode"]).fillna(0).astype("int64")


def by_need(joined: Joined, area: pd.DataFrame, level: str = "kelurahan",
            by: str = "kebutuhan") -> pd.DataFrame:
    """:func:`need_counts` per 1.000 register households of the area; NaN where the area has
    no households."""
    counts = need_counts(joined, area, level, by)
    return per_1000(counts, area.set_index("kode")["rumah_tangga"])


def per_1000(counts: pd.DataFrame, households: pd.Series) -> pd.DataFrame:
    """Counts per area (rows) per 1.000 of the area's households (NaN where it has none)."""
    hh = households.reindex(counts.index).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = counts.div(hh.where(hh > 0), axis=0) * 1000
    return rate.round(2)


def opd_backlog(joined: Joined) -> pd.DataFrame:
    """Per OPD or institution referred to: ``rujukan``, ``terbuka``, ``median_hari_terbuka``,
    ``terlama_hari`` (the oldest open referral), ``lebih_30_hari`` (open for more than 30
    days); the largest backlog first. A referral naming no OPD is under :data:`NO_OPD`."""
    refs = joined.referrals.assign(dirujuk_ke=joined.referrals["dirujuk_ke"].fillna(
        NO_OPD))
    g = refs.groupby("dirujuk_ke")
    out = pd.DataFrame({
        "rujukan": g.size(),
        "terbuka": g["terbuka"].sum().astype("int64"),
        "median_hari_terbuka": g["hari_terbuka"].median(),
        "terlama_hari": g["hari_terbuka"].max(),
        "lebih_30_hari": g["hari_terbuka"].apply(lambda s: int((s > 30).sum())),
    })
    out.index.name = "dirujuk_ke"
    return out.sort_values(["terbuka", "median_hari_terbuka"], ascending=False).reset_index()


def outreach_gap(table: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """Kelurahan where exclusion error is high but few come forward: exclusion rate at or above
    the median of areas where it is known, referrals per 1.000 households at or below the
    median, ranked by exclusion-error households without a referral."""
    known = table[table["eksklusi_persen"].notna() & table["rujukan_per_1000"].notna()]
    if known.empty:
        return known
    gap = known[(known["eksklusi_persen"] >= known["eksklusi_persen"].median())
                & (known["rujukan_per_1000"] <= known["rujukan_per_1000"].median())]
    return gap.sort_values(["eksklusi_tanpa_rujukan", "eksklusi_persen"],
                           ascending=False).head(n)


def follow_up(joined: Joined, names: dict[str, str], kelurahan: set[str] | None = None,
              opd: str | None = None, open_only: bool = True) -> pd.DataFrame:
    """The follow-up list per OPD: one row per referral, masked identity, the household's
    kelurahan, need, days open; ``kelurahan`` limits it to an area scope."""
    refs = joined.referrals
    keep = refs["terbuka"] if open_only else pd.Series(True, index=refs.index)
    if kelurahan is not None:
        keep &= refs["region_code"].isin(kelurahan)
    if opd is not None:
        keep &= refs["dirujuk_ke"].fillna(NO_OPD) == opd
    r = refs[keep.to_numpy()]
    out = pd.DataFrame({
        "ID rujukan": r["id_rujukan"],
        "NIK/No. KK/ID DTKS (disamarkan)": r["identitas_samaran"].fillna(""),
        "Kelurahan": r["region_code"].map(names).fillna("(tidak tertaut)"),
        "Kebutuhan": r["kebutuhan"].map({k: v[0] for k, v in vocab.NEEDS.items()}).fillna(
            indicators.NO_DATA),
        "Dirujuk ke": r["dirujuk_ke"].fillna(NO_OPD),
        "Status": r["status"].map({k: v[0] for k, v in vocab.STATUSES.items()}),
        "Tanggal rujukan": r["tanggal"].astype(str),
        "Hari terbuka": r["hari_terbuka"].astype("Int64"),
        "Di register": np.where(r["dari_luar_register"], "tidak", "ya"),
        "Desil": pd.array(r["desil"].round(), dtype="Int64"),
    })
    return out.sort_values("Hari terbuka", ascending=False, na_position="last").reset_index(
        drop=True)


def facilitators(joined: Joined) -> pd.Series:
    """Distinct facilitators or posts named in the log per kelurahan (empty when the log names
    none: unknown, not 0)."""
    refs = joined.referrals.dropna(subset=["petugas", "region_code"])
    return refs.groupby("region_code")["petugas"].nunique()
