"""Planning views for Forum OPD and Musrenbang: program coverage and targeting errors, the
verification list, needs per agency (gap matrix, overlapping needs) and a composite priority
index with adjustable weights, plus the Excel exports.

Every rule comes from :mod:`geo.indicators` (one definition each); this module only combines
indicator flags: which agency acts on which indicator, how rates are normalised and weighted,
how ties are ranked. Nothing here imports Streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Column, Engine, Integer, MetaData, Table, delete, insert, select

from geo import exports, household_dataset, indicators, store
from geo.columns import columns
from geo.fmt import fmt_num
from geo.indicators import CASH_AND_FOOD, Settings, flag_set
from geo.privacy import mask_id
from geo.schema import PROGRAMS
from geo.suppression import (  # noqa: F401  (the pages' names for the one rule)
    SMALL_COUNT,
    count_text,
    protected_texts,
    rate_text,
    small_count_note,
)
from geo.suppression import hide_small as suppress

# ------------------------------------------------------------------ agencies

# Which indicators call for which agency's action: the ONE place this is decided.
# A household "needs" an agency when any of the agency's indicators flags it. Inclusion errors
# are not a need (the household is not lacking anything; Dinsos verifies it on the coverage
# page), and plain "miskin" is everybody's context rather than one agency's task, so Dinsos acts
# on the extreme poor and on eligible households that receive no assistance.
AGENCIES: dict[str, tuple[str, ...]] = {
    "Dinsos": ("miskin_ekstrem", "eksklusi"),
    "Dinkes": ("belum_jkn", "tanpa_jamban"),
    "Disdik": ("anak_tidak_sekolah",),
    "Disnaker": ("krt_tidak_bekerja",),
    "Perkim/PUPR": ("rtlh", "air_minum_tidak_layak", "sanitasi_tidak_layak",
                    "tanpa_listrik_pln"),
}
AGENCY_INDICATORS: tuple[str, ...] = tuple(dict.fromkeys(
    ind for ids in AGENCIES.values() for ind in ids))

# Program column -> its coverage indicator in the registry.
COVERAGE: dict[str, str] = {program: f"cakupan_{program.removeprefix('penerima_')}"
                            for program in PROGRAMS}
ERROR_IDS = ("eksklusi", "inklusi")



def known_column(agency: str) -> str:
    """The gap matrix's column of households whose need of ``agency`` is known."""
    return f"{agency}_diketahui"


def agency_table() -> pd.DataFrame:
    """The agency mapping in words, for the page and the minutes."""
    rows = []
    for agency, ids in AGENCIES.items():
        for ind_id in ids:
            ind = indicators.get(ind_id)
            rows.append({"OPD": agency, "Indikator": ind.label, "Cara menghitung": ind.definition})
    return pd.DataFrame(rows)


def agency_indicators(agency: str, available: Iterable[str] | None = None) -> tuple[str, ...]:
    """The agency's indicators the register holds (all when ``available`` is None): one the
    whole period lacks cannot decide a need, so it is left out and the page says so."""
    ids = AGENCIES[agency]
    return ids if available is None else tuple(i for i in ids if i in set(available))


def agency_needs(flags: pd.DataFrame | Mapping[str, np.ndarray],
                 available: Iterable[str] | None = None) -> pd.DataFrame:
    """Boolean household × agency: does the household need this agency's action?

    ``flags`` is :func:`geo.indicators.evaluate`'s frame or a mapping of indicator id to a
    boolean array (``Prepared.hits``); ``available``: see :func:`agency_indicators`."""
    out = {}
    index = flags.index if isinstance(flags, pd.DataFrame) else None
    size = len(next(iter(flags.values())) if isinstance(flags, Mapping) else flags)
    available = None if available is None else list(available)
    for agency in AGENCIES:
        hit = np.zeros(size, dtype=bool)
        for ind_id in agency_indicators(agency, available):
            hit = hit | np.asarray(flags[ind_id], dtype=bool)
        out[agency] = hit
    return pd.DataFrame(out, index=index)


def agency_known(hits: Mapping[str, np.ndarray], dens: Mapping[str, np.ndarray],
                 bases: Mapping[str, np.ndarray], available: Iterable[str] | None = None
                 ) -> pd.DataFrame:
    """Boolean household × agency: is it known whether the household needs this agency?

    Yes when one of the agency's indicators flags it, or when every one of them is decided
    (its value known, or the household known to be outside that indicator's population, such
    as desil 8 for PBI-JKN). ``hits``/``dens``/``bases`` as in ``Prepared``."""
    out = {}
    size = len(next(iter(hits.values())))
    available = None if available is None else list(available)
    for agency in AGENCIES:
        ids = agency_indicators(agency, available)
        if not ids:  # nothing the register holds decides this agency's need
            out[agency] = np.zeros(size, dtype=bool)
            continue
        any_hit = np.logical_or.reduce([np.asarray(hits[i], dtype=bool) for i in ids])
        decided = np.logical_and.reduce([np.asarray(dens[i], dtype=bool)
                                         | ~np.asarray(bases[i], dtype=bool) for i in ids])
        out[agency] = any_hit | decided
    return pd.DataFrame(out)


@dataclass(frozen=True, eq=False)
class NeedCells:
    """Households × agency: needed, and whether the need is known; each row one household
    (``weight`` None) or a cell of alike households of a cube (:mod:`geo.cube`)."""

    codes: np.ndarray  # kelurahan codes; area id i ↔ codes[i], len(codes) = not linked
    area: np.ndarray  # area id per row
    attrs: pd.DataFrame  # the filter columns (as ``indicators.Prepared.attrs``)
    needs: pd.DataFrame  # row × agency, bool
    known: pd.DataFrame  # row × agency, bool
    weight: np.ndarray | None = None  # households per row (None: one)

    @classmethod
    def of_households(cls, prepared: indicators.Prepared, needs: pd.DataFrame,
                      known: pd.DataFrame) -> NeedCells:
        """Needs per household of a household-level evaluation."""
        return cls(prepared.codes, prepared.area, prepared.attrs, needs, known)


def _group_sums(values: dict[str, np.ndarray], keys: object,
                areas: Sequence[str] | None, labels: Sequence[str] | None = None
                ) -> pd.DataFrame:
    """Sum each array per key (NaN/None keys dropped), with ``np.bincount``; ``areas`` gives
    the rows (absent keys get zeros). With ``labels``, ``keys`` are integer positions in
    ``labels`` (others dropped), which spares factorising a million strings."""
    if labels is not None:
        codes, uniques = np.asarray(keys, dtype=np.intp), np.asarray(labels, dtype=object)
        codes = np.where(codes < len(uniques), codes, -1)
    else:
        codes, uniques = pd.factorize(np.asarray(keys, dtype=object))
    n = len(uniques)
    idx = np.where(codes >= 0, codes, n)  # dropped keys summed in a last bin, cut off (no copy
    # of every array through a mask: half of a province's rerun here)
    table = pd.DataFrame({name: np.bincount(idx, weights=np.asarray(v, dtype=float),
                                            minlength=n + 1)[:n].round().astype("int64")
                          for name, v in values.items()},
                         index=pd.Index(np.asarray(uniques, dtype=object), name="kode"))
    if areas is not None:
        table = table.reindex(pd.Index(list(areas), name="kode"), fill_value=0)
    return table


def gap_matrix(needs: pd.DataFrame, keys: object, areas: Sequence[str] | None = None,
               labels: Sequence[str] | None = None, known: pd.DataFrame | None = None,
               weights: np.ndarray | None = None) -> pd.DataFrame:
    """Area × agency: households needing each agency, plus ``rumah_tangga`` and
    ``dua_opd_atau_lebih`` (households needing two or more agencies, where agencies should act
    together). ``keys`` is the kelurahan code per household; ``areas`` reindexes the result
    (areas without households get zeros); ``labels``: see :func:`_group_sums`. With ``known``
    (:func:`agency_known`), also ``<agency>_diketahui``: households whose need is known.
    ``weights``: households per row when rows are cells of a cube (:mod:`geo.cube`)."""
    w = np.ones(len(needs)) if weights is None else np.asarray(weights, dtype=float)
    values = {"rumah_tangga": w}
    for agency in needs.columns:
        values[agency] = w * needs[agency].to_numpy(dtype=float)
        if known is not None:
            values[known_column(agency)] = w * known[agency].to_numpy(dtype=float)
    values["dua_opd_atau_lebih"] = w * (needs.to_numpy().sum(axis=1) >= 2)
    return _group_sums(values, keys, areas, labels)


def agency_rates(matrix: pd.DataFrame, agencies: Sequence[str],
                 min_known_share: float = indicators.DEFAULT_SETTINGS.min_known_share
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(counts, percentages) per area × agency from :func:`gap_matrix` with ``known``: the
    percentage is over the households whose need is known; both are NaN ("tidak ada data")
    where that is less than ``min_known_share`` of the area's households."""
    households = matrix["rumah_tangga"].to_numpy(dtype=float)
    counts, rates = {}, {}
    for agency in agencies:
        known = matrix[known_column(agency)].to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            enough = (known > 0) & (known >= min_known_share * households - 1e-9)
            counts[agency] = np.where(enough, matrix[agency].to_numpy(dtype=float), np.nan)
            rates[agency] = np.where(enough, 100 * matrix[agency] / known, np.nan)
    return (pd.DataFrame(counts, index=matrix.index), pd.DataFrame(rates, index=matrix.index))


def overlap_pairs(needs: pd.DataFrame, weights: np.ndarray | None = None) -> pd.DataFrame:
    """Agency × agency: households needing both (the diagonal: households needing the agency).
    ``weights``: households per row (cube cells)."""
    values = needs.to_numpy(dtype="int64")
    weighted = values if weights is None else values * np.asarray(weights).round().astype(
        "int64")[:, None]
    return pd.DataFrame(weighted.T @ values, index=needs.columns, columns=needs.columns)


def overlapping_needs(needs: pd.DataFrame, keys: object,
                      areas: Sequence[str] | None = None,
                      labels: Sequence[str] | None = None,
                      weights: np.ndarray | None = None) -> pd.DataFrame:
    """Per area: ``rumah_tangga``, ``dua_opd_atau_lebih``, its ``persen`` and the agency pair
    most often needed together (``pasangan_terbanyak``, ``pasangan_jumlah``). ``weights``:
    households per row (cube cells)."""
    agencies = list(needs.columns)
    pairs = [(a, b) for i, a in enumerate(agencies) for b in agencies[i + 1:]]
    w = np.ones(len(needs)) if weights is None else np.asarray(weights, dtype=float)
    values = {"rumah_tangga": w, "dua_opd_atau_lebih": w * (needs.to_numpy().sum(axis=1) >= 2)}
    for a, b in pairs:
        values[f"{a} + {b}"] = w * (needs[a].to_numpy() & needs[b].to_numpy())
    table = _group_sums(values, keys, areas, labels)
    both = table[[f"{a} + {b}" for a, b in pairs]]
    base = table[["rumah_tangga", "dua_opd_atau_lebih"]].copy()
    rt = base["rumah_tangga"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        base["persen"] = np.where(rt > 0, 100 * base["dua_opd_atau_lebih"] / rt, np.nan)
    if len(both.columns) and len(both):
        top = both.to_numpy().argmax(axis=1)
        best = both.to_numpy().max(axis=1)
        base["pasangan_terbanyak"] = np.where(best > 0, np.array(both.columns)[top], "")
        base["pasangan_jumlah"] = best.astype("int64")
    else:
        base["pasangan_terbanyak"] = ""
        base["pasangan_jumlah"] = 0
    return base


# ------------------------------------------------------------------ coverage and errors

def coverage_long(table: pd.DataFrame) -> pd.DataFrame:
    """Per area and program: eligible, receiving, coverage % (from an
    :func:`geo.indicators.aggregate` table holding the ``cakupan_*`` indicators)."""
    rows = []
    for program, ind_id in COVERAGE.items():
        if ind_id not in table:
            continue
        part = pd.DataFrame({
            "kode": table.index,
            "program": PROGRAMS[program],
            "layak": table[columns(ind_id).denominator].to_numpy(),
            "menerima": table[ind_id].to_numpy(),
            "cakupan_persen": table[columns(ind_id).rate].to_numpy(),
        })
        rows.append(part)
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
        columns=["kode", "program", "layak", "menerima", "cakupan_persen"])


def verification_reasons(households: pd.DataFrame, flags: pd.DataFrame,
                         settings: Settings) -> pd.DataFrame:
    """For every household flagged by ``eksklusi`` or ``inklusi``: ``jenis`` (Eksklusi,
    Inklusi) and ``alasan`` (why, in Indonesian). The flags decide who is listed; the reason
    only spells out which part of the registry's rule applied."""
    excl = flags["eksklusi"].to_numpy(dtype=bool)
    incl = flags["inklusi"].to_numpy(dtype=bool)
    listed = excl | incl
    hh = households[listed]  # texts are built for the listed households only
    excl, incl = excl[listed], incl[listed]
    desil = (hh["desil"].to_numpy(dtype=float, na_value=np.nan)
             if "desil" in hh else np.full(len(hh), np.nan))
    desil_text = pd.Series(desil).map(
        lambda d: "tidak diketahui" if np.isnan(d) else str(int(d))).to_numpy(dtype=object)
    parts: list[np.ndarray] = [np.where(
        excl, "Layak bantuan (desil " + desil_text + ") tetapi tidak menerima BPNT, PKH "
              "maupun PBI-JKN", "")]
    receives_any = np.zeros(len(hh), dtype=bool)
    for program in CASH_AND_FOOD:
        got = flag_set(hh, program)
        receives_any |= got
        outside = got & indicators.not_(indicators.eligible_for(program)(hh, settings)).yes
        lo, hi = settings.eligible_range(program)
        text = (f"Menerima {PROGRAMS[program]} pada desil " + desil_text
                + f" (layak desil {lo}–{hi})")
        parts.append(np.where(incl & outside, text, ""))
    car = incl & receives_any & flag_set(hh, "punya_mobil")
    parts.append(np.where(car, "Menerima BPNT/PKH dan memiliki mobil", ""))
    reason = ["; ".join(p for p in row if p) for row in zip(*parts)]
    kind = np.where(excl & incl, "Eksklusi dan inklusi", np.where(excl, "Eksklusi", "Inklusi"))
    return pd.DataFrame({"jenis": kind, "alasan": reason}, index=hh.index)


IDENTITY_COLUMNS = ("id_keluarga", "rt", "rw", "nik_krt", "no_kk", "alamat")


def load_identity(engine: Engine, snapshot_id: int, row_numbers: Iterable[int],
                  kelurahan: Sequence[str] | None = None) -> pd.DataFrame:
    """Register id, RT/RW, masked NIK and No. KK and the address of the given rows only,
    indexed by ``row_number``. Full numbers never leave this function.

    The wanted row numbers go into a temporary table joined in one pass, so the database
    returns only those rows however many there are. A period stored as a Parquet dataset is
    read from it; ``kelurahan`` (the codes the rows are linked to, when all are) lets it open
    only their partitions."""
    wanted = sorted({int(r) for r in row_numbers})
    columns = ["row_number", *IDENTITY_COLUMNS]
    frame = pd.DataFrame(columns=columns)
    location = household_dataset.location_of(engine, snapshot_id)
    if wanted and location is not None:
        frame = household_dataset.read(location, columns, kelurahan, rows=wanted)
    elif wanted:
        t = store.households
        temp = Table("_peta_wanted_rows", MetaData(),
                     Column("row_number", Integer, primary_key=True), prefixes=["TEMPORARY"])
        with engine.begin() as conn:
            temp.create(conn, checkfirst=True)
            conn.execute(delete(temp))
            conn.execute(insert(temp), [{"row_number": r} for r in wanted])
            query = (select(*[t.c[c] for c in columns])
                     .join(temp, temp.c.row_number == t.c.row_number)
                     .where(t.c.snapshot_id == snapshot_id))
            rows = conn.execute(query).all()
            temp.drop(conn)
        frame = pd.DataFrame(rows, columns=columns)
    frame["nik_krt"] = frame["nik_krt"].map(mask_id).astype(object)
    frame["no_kk"] = frame["no_kk"].map(mask_id).astype(object)
    return frame.set_index("row_number")


VERIFICATION_COLUMNS = ["Jenis", "Alasan", "Kecamatan", "Kelurahan", "Kode wilayah",
                        "ID keluarga", "NIK KRT (disamarkan)", "No. KK (disamarkan)", "Alamat",
                        "RT", "RW", "Desil"]


def verification_list(households: pd.DataFrame, reasons: pd.DataFrame,
                      identity: pd.DataFrame, names: pd.DataFrame) -> pd.DataFrame:
    """The by-address list for verval: one row per flagged household, NIK/No. KK masked, no
    names. ``households`` has row_number, region_code, desil for (at least) the rows of
    ``reasons``; ``identity`` is :func:`load_identity`'s frame; ``names`` has kode, nama,
    kode_induk of kelurahan and kecamatan."""
    hh = households.loc[reasons.index]
    lookup = names.set_index("kode")
    kel = hh["region_code"].astype("object")
    kec = kel.map(lookup["kode_induk"]) if len(lookup) else kel
    ident = identity.reindex(hh["row_number"].to_numpy())
    desil = hh["desil"].to_numpy(dtype=float, na_value=np.nan)

    def text(column: str) -> np.ndarray:
        return ident[column].astype(object).where(ident[column].notna(), "").to_numpy()

    out = pd.DataFrame({
        "Jenis": reasons["jenis"].to_numpy(),
        "Alasan": reasons["alasan"].to_numpy(),
        "Kecamatan": kec.map(lookup["nama"]).fillna("(tidak tertaut)").to_numpy(),
        "Kelurahan": kel.map(lookup["nama"]).fillna("(tidak tertaut)").to_numpy(),
        "Kode wilayah": kel.fillna("").to_numpy(),  # tells apart kelurahan of one name
        "ID keluarga": text("id_keluarga"),
        "NIK KRT (disamarkan)": text("nik_krt"),
        "No. KK (disamarkan)": text("no_kk"),
        "Alamat": text("alamat"),
        "RT": text("rt"),
        "RW": text("rw"),
        "Desil": pd.array([None if np.isnan(d) else int(d) for d in desil], dtype="Int64"),
    })
    return out.sort_values(["Kecamatan", "Kelurahan", "Jenis", "RW", "RT"],
                           kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------ composite index

NORMALISATION_METHOD = (
    "Normalisasi min–maks: untuk tiap indikator, persentase wilayah (kelurahan atau kecamatan) "
    "diubah ke skala 0–1 dengan (nilai − terendah) / (tertinggi − terendah) di antara wilayah "
    "yang tampil (setelah filter) dan punya data (untuk indikator yang makin tinggi makin "
    "baik, seperti cakupan program, dibalik: (tertinggi − nilai) / (tertinggi − terendah)). "
    "Bila semua wilayah bernilai sama, indikator itu bernilai 0 di semua wilayah. Skor = "
    "rata-rata tertimbang nilai normal × 100 (0 = paling ringan, 100 = paling berat di semua "
    "indikator terpilih). Indikator tanpa penyebut di suatu wilayah dilewati dan bobotnya "
    "dibagi ke indikator lain. Skor bersifat relatif: menunjukkan urutan antar-wilayah, bukan "
    "besaran kebutuhan mutlak."
)
SCORE_DECIMALS = 1
TIES_METHOD = ("Skor dibulatkan ke 1 desimal; skor yang sama mendapat peringkat sama (peringkat "
               "'min': dua wilayah di peringkat 3 diikuti peringkat 5).")
NO_DATA_NOTE = ("Wilayah tanpa rumah tangga dalam data (setelah filter), dan wilayah yang "
                "nilai suatu indikator terpilihnya terlalu sedikit diketahui (“tidak ada "
                "data”), tidak diberi skor dan didaftar terpisah beserta alasannya.")


def normalise(rates: pd.DataFrame, ids: Sequence[str], valid: np.ndarray) -> pd.DataFrame:
    """Min–max normalised rates (0 = least need, 1 = most) among ``valid`` areas; others NaN."""
    out = {}
    for ind_id in ids:
        values = rates[columns(ind_id).rate].to_numpy(dtype=float).copy()
        values[~valid] = np.nan
        ok = ~np.isnan(values)
        norm = np.full(len(values), np.nan)
        if ok.any():
            lo, hi = values[ok].min(), values[ok].max()
            if hi > lo:
                norm[ok] = (values[ok] - lo) / (hi - lo)
                if not indicators.get(ind_id).higher_is_worse:
                    norm[ok] = 1 - norm[ok]
            else:
                norm[ok] = 0.0
        out[ind_id] = norm
    return pd.DataFrame(out, index=rates.index)


def composite_index(table: pd.DataFrame, weights: Mapping[str, float]) -> pd.DataFrame:
    """Score 0–100 and rank per area (rank 1 = greatest need; ties share the lowest rank).

    ``table`` is an aggregate table reindexed to every area (areas with no households have
    ``rumah_tangga`` 0 or NaN); ``weights`` maps indicator id -> weight ≥ 0. Areas with no
    households, or with no rate for any weighted indicator, get no score and no rank.
    """
    ids = [i for i, w in weights.items() if w and w > 0]
    households = table["rumah_tangga"].fillna(0).to_numpy(dtype=float) \
        if "rumah_tangga" in table else np.zeros(len(table))
    valid = households > 0
    norm = normalise(table, ids, valid)
    w = np.array([float(weights[i]) for i in ids])
    values = norm.to_numpy(dtype=float) if ids else np.zeros((len(table), 0))
    present = ~np.isnan(values)
    weight_sum = (present * w).sum(axis=1) if ids else np.zeros(len(table))
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(weight_sum > 0, np.nansum(values * w, axis=1) / weight_sum * 100, np.nan)
    # an area where a weighted indicator applies but too little is known is not ranked: its
    # score would rest on a guess (an indicator with no population there is skipped instead)
    unknown = np.zeros((len(table), len(ids)), dtype=bool)
    for j, ind_id in enumerate(ids):
        if columns(ind_id).population in table:
            applies = table[columns(ind_id).population].fillna(0).to_numpy(dtype=float) > 0
            unknown[:, j] = applies & table[columns(ind_id).rate].isna().to_numpy()
    score = np.where(valid & ~unknown.any(axis=1), score, np.nan)
    # ranked on the score as shown (1 decimal): areas the forum sees as equal share a rank
    score = pd.Series(np.round(score, SCORE_DECIMALS), index=table.index)
    rank = score.rank(method="min", ascending=False).astype("Int64")
    out = pd.DataFrame({"skor": score, "peringkat": rank}, index=table.index)
    for ind_id in ids:
        out[f"norm_{ind_id}"] = norm[ind_id]
    labels = [indicators.get(i).label for i in ids]
    missing = [", ".join(lab for lab, u in zip(labels, row) if u) for row in unknown]
    out["tanpa_skor"] = np.where(
        ~valid, "Tidak ada rumah tangga dalam data",
        np.where([bool(m) for m in missing],
                 [f"Tidak ada data untuk {m} (terlalu sedikit rumah tangga yang nilainya "
                  "diketahui)" for m in missing],
                 np.where(np.isnan(score), "Tidak ada penyebut indikator", "")))
    return out


def ranking(table: pd.DataFrame, weights: Mapping[str, float]) -> pd.DataFrame:
    """The composite index under ``weights`` beside the same indicators with equal weights:
    ``skor``, ``peringkat``, ``skor_sama``, ``peringkat_sama`` and ``perubahan``
    (= peringkat_sama − peringkat: positive means the area moved up the list)."""
    chosen = composite_index(table, weights)
    equal = composite_index(table, {i: 1.0 for i, w in weights.items() if w and w > 0})
    chosen["skor_sama"] = equal["skor"]
    chosen["peringkat_sama"] = equal["peringkat"]
    chosen["perubahan"] = (equal["peringkat"] - chosen["peringkat"]).astype("Int64")
    return chosen


def movement(change: object) -> str:
    """``▲ 3`` (moved up 3 places), ``▼ 2``, ``=`` or ``–`` (no rank)."""
    if change is None or change is pd.NA or (isinstance(change, float) and np.isnan(change)):
        return "–"
    change = int(change)
    return f"▲ {change}" if change > 0 else f"▼ {-change}" if change < 0 else "="


# ------------------------------------------------------------------ display helpers

def score_text(value: float) -> str:
    return fmt_num(value, 1)


# ------------------------------------------------------------------ Excel

def priority_notes(weights: Mapping[str, float], period: str, settings: Settings,
                   filters_text: str = "", extra: Sequence[tuple[str, str]] = ()
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The minutes' sheet: (key/value notes, one row per indicator with weight and definition)."""
    notes = [
        ("Periode data", period),
        ("Filter", filters_text or "Tanpa filter (semua rumah tangga)"),
        ("Metode normalisasi", NORMALISATION_METHOD),
        ("Peringkat sama", TIES_METHOD),
        ("Wilayah tanpa data", NO_DATA_NOTE),
        ("Sel persentase kosong", "Tidak ada data: nilai indikator itu diketahui untuk terlalu "
                                  "sedikit rumah tangga wilayah itu (bukan 0)."),
        ("Perubahan peringkat", "Selisih peringkat dengan bobot sama dan peringkat dengan bobot "
                                "terpilih; ▲ naik (lebih prioritas), ▼ turun."),
        *[("Pengaturan definisi", line) for line in settings.describe()],
        *extra,
    ]
    rows = []
    for ind_id, weight in weights.items():
        ind = indicators.get(ind_id)
        rows.append({
            "Indikator": ind.label,
            "Kode indikator": ind.id,
            "Bobot": float(weight),
            "Arah": "makin tinggi makin berat" if ind.higher_is_worse
                    else "makin tinggi makin baik (dibalik)",
            "Definisi": ind.definition,
            "Penyebut": ind.denominator_label,
            "OPD": ind.opd,
        })
    return (pd.DataFrame(notes, columns=["Keterangan", "Isi"]),
            pd.DataFrame(rows, columns=["Indikator", "Kode indikator", "Bobot", "Arah",
                                        "Definisi", "Penyebut", "OPD"]))


def priority_export(table: pd.DataFrame, ranked: pd.DataFrame, labels: pd.DataFrame,
                    hide_small: bool = True, area: str = "Kelurahan",
                    parent: str | None = "Kecamatan", secret: pd.DataFrame | None = None,
                    households_texts: pd.Series | None = None) -> pd.DataFrame:
    """Sheet 1 of the minutes: scored areas in rank order, numbers kept as numbers.

    ``table`` is the aggregate table, ``ranked`` :func:`ranking`'s result, ``labels`` has
    ``nama`` (and ``induk``, the parent's name, shown as column ``parent`` unless None) per
    kode; ``area`` names the areas' column. Small household counts become ``< 5`` and rates
    with a small denominator are left empty when ``hide_small``; ``secret`` (per area: an
    indicator id or ``rumah_tangga`` -> hidden, as the screen hides them: geo.forum) hides the
    same cells as the screen; ``households_texts`` (per kode) the households as it shows them
    (else suppressed over ``table``'s areas)."""
    scored = ranked[ranked["skor"].notna()].sort_values(["peringkat", "skor_sama"],
                                                        ascending=[True, False])
    idx = scored.index
    households = table.loc[idx, "rumah_tangga"].fillna(0).to_numpy(dtype=float)
    out = pd.DataFrame({
        "Peringkat": scored["peringkat"].astype("Int64").to_numpy(),
        "Peringkat (bobot sama)": scored["peringkat_sama"].astype("Int64").to_numpy(),
        "Perubahan": [movement(v) for v in scored["perubahan"]],
        "Kode": idx.to_numpy(),
        area: labels["nama"].reindex(idx).to_numpy(),
        "_induk": labels["induk"].reindex(idx).to_numpy() if parent else None,
        "Skor (0-100)": scored["skor"].round(2).to_numpy(),
        "Rumah tangga": (protected_texts(pd.DataFrame({"n": households}))["n"].tolist()
                         if hide_small else [int(v) for v in households]),
    })
    if hide_small and secret is not None:  # the screen's: over every ranked area
        every = (protected_texts(table[["rumah_tangga"]].fillna(0))["rumah_tangga"]
                 if households_texts is None else households_texts)
        out["Rumah tangga"] = np.where(secret.loc[idx, "rumah_tangga"].to_numpy(),
                                       every.reindex(idx).to_numpy(),
                                       [int(v) for v in households]).tolist()
    out = out.rename(columns={"_induk": parent}) if parent else out.drop(columns="_induk")
    ids = [c.removeprefix("norm_") for c in ranked.columns if c.startswith("norm_")]
    for ind_id in ids:
        rate = suppress(table.loc[idx, columns(ind_id).rate].astype(float).round(2),
                        table.loc[idx, columns(ind_id).denominator], hide_small)
        if hide_small and secret is not None:
            rate = rate.where(~secret.loc[idx, ind_id].to_numpy())
        out[exports.label(columns(ind_id).rate)] = rate.to_numpy()
    return out


def priority_workbook(export: pd.DataFrame, notes: tuple[pd.DataFrame, pd.DataFrame]) -> bytes:
    """The minutes' workbook: sheet ``Peringkat`` (the ranked table), sheet ``Catatan``
    (period, filters, normalisation method, weights and definitions), through
    :mod:`geo.exports` (numbers as numbers, text neutralised)."""
    formats = {c: "0.0" for c in export.columns if c.endswith(", %") or c.startswith("Skor")}
    return exports.xlsx([exports.Table(export, "Peringkat", formats=formats)], notes)


def reveal_identity(engine: Engine, snapshot_id: int, id_keluarga: str) -> dict[str, str]:
    """The full NIK KRT and No. KK of one household: an explicit, recorded action of a role
    allowed to (``geo.access``, "reveal_nik"); every list shows them masked."""
    location = household_dataset.location_of(engine, snapshot_id)
    if location is not None:  # a period stored as a Parquet dataset: its personal dataset
        found = household_dataset.read(location, ["nik_krt", "no_kk"],
                                       id_keluarga=str(id_keluarga))
        row = next(found.itertuples(index=False), None)
    else:
        t = store.households.c
        with engine.connect() as conn:
            row = conn.execute(select(t.nik_krt, t.no_kk).where(
                t.snapshot_id == snapshot_id, t.id_keluarga == str(id_keluarga))).first()
    if row is None:
        raise LookupError(f"ID keluarga {id_keluarga} tidak ada di periode ini.")
    return {"NIK KRT": row.nik_krt or "", "No. KK": row.no_kk or ""}
