"""The indicator registry: one definition per indicator, read by every map, table and export.

Each indicator says which households count (its *rule*), which households form its rate's
denominator, who owns it, and whether a higher value is worse. Rules follow
``../shared/docs/household-data.md``; where official definitions differ, the choice is a
:class:`Settings` field, shown on the page, never a silent guess.

Every indicator is available as a household count, a person count (sum of ``jumlah_art``)
and a rate (count / denominator households, in percent).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.answers import (  # noqa: F401  (flag_set, not_, NO_DATA: used through this module)
    NO_DATA,
    Answer,
    all_of,
    answer_is,
    any_of,
    column_of,
    flag,
    flag_set,
    not_,
)
from geo.codes import are_desa, area_ids, parent_codes
from geo.columns import Columns, columns, known_text, known_texts, rates_of  # noqa: F401
from geo.indicator_settings import DEFAULT_SETTINGS, Settings
from geo.schema import PROGRAMS

# Rule building blocks, each named for what it means.
UNIMPROVED_WATER = ("sumur_tak_terlindung", "mata_air_tak_terlindung", "air_permukaan", "lainnya")
BOTTLED_WATER = ("air_kemasan", "isi_ulang")
IMPROVED_DISPOSAL = ("tangki_septik", "ipal")
UNFIT_WALLS = ("anyaman_bambu", "bambu", "batang_kayu")
UNFIT_ROOF = ("jerami_ijuk_rumbia",)
NO_PLN = ("listrik_non_pln", "bukan_listrik")
SOCIAL_ASSISTANCE = ("penerima_bpnt", "penerima_pkh", "penerima_pbi_jkn")  # for exclusion
CASH_AND_FOOD = ("penerima_bpnt", "penerima_pkh")  # for inclusion


# ------------------------------------------------------------------ three values
# Every rule answers yes, no or unknown per household (geo.answers); rates are over the known
# households, and an area where too little is known shows "tidak ada data"
# (``Settings.min_known_share``).


def _desil_between(df: pd.DataFrame, low: int, high: int) -> Answer:
    desil = column_of(df, "desil").to_numpy(dtype=float, na_value=np.nan)
    known = ~np.isnan(desil)
    with np.errstate(invalid="ignore"):
        return Answer(known & (desil >= low) & (desil <= high), known)


def _in_desa(df: pd.DataFrame) -> np.ndarray:
    return are_desa(column_of(df, "region_code"))  # unlinked: not a desa


# ------------------------------------------------------------------ rules

def is_poor(df: pd.DataFrame, s: Settings) -> Answer:
    """Desil 1–4 (the poorest 40%)."""
    return _desil_between(df, 1, 4)


def is_extreme_poor(df: pd.DataFrame, s: Settings) -> Answer:
    """Desil 1."""
    return _desil_between(df, 1, 1)


def lacks_improved_water(df: pd.DataFrame, s: Settings) -> Answer:
    """Unprotected well or spring, surface water or other; bottled/refill per settings."""
    unimproved = UNIMPROVED_WATER if s.bottled_water_improved else UNIMPROVED_WATER + BOTTLED_WATER
    return answer_is(df, "sumber_air_minum", unimproved)


def lacks_improved_sanitation(df: pd.DataFrame, s: Settings) -> Answer:
    """No or public toilet, or a toilet not of the gooseneck type, or disposal not into a septic
    tank / IPAL (in a desa a pit also counts as improved). One bad answer decides yes; "no"
    needs all three answers (a gooseneck alone does not make sanitation improved)."""
    disposal = answer_is(df, "pembuangan_tinja", IMPROVED_DISPOSAL)
    pit_in_desa = _in_desa(df) & answer_is(df, "pembuangan_tinja", ("lubang_tanah",)).yes
    improved_disposal = Answer(disposal.yes | pit_in_desa, disposal.known)
    return any_of(answer_is(df, "fasilitas_bab", ("tidak_ada", "umum")),
                  not_(answer_is(df, "jenis_kloset", ("leher_angsa",))),
                  not_(improved_disposal))


def has_no_toilet(df: pd.DataFrame, s: Settings) -> Answer:
    """No toilet facility at all (open-defecation risk)."""
    return answer_is(df, "fasilitas_bab", ("tidak_ada",))


def lives_in_unfit_house(df: pd.DataFrame, s: Settings) -> Answer:
    """Floor area per member under the threshold, earth floor, bamboo/log walls or thatch roof;
    "no" needs all four answers."""
    area = column_of(df, "luas_lantai").to_numpy(dtype=float, na_value=np.nan)
    members = column_of(df, "jumlah_art").to_numpy(dtype=float, na_value=np.nan)
    known = ~np.isnan(area) & ~np.isnan(members) & (np.nan_to_num(members) > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        cramped = Answer(known & ((area / members) < s.rtlh_floor_per_person), known)
    return any_of(cramped, answer_is(df, "jenis_lantai", ("tanah",)),
                  answer_is(df, "jenis_dinding", UNFIT_WALLS),
                  answer_is(df, "jenis_atap", UNFIT_ROOF))


def lacks_pln_electricity(df: pd.DataFrame, s: Settings) -> Answer:
    """Lighting from non-PLN electricity or no electricity."""
    return answer_is(df, "sumber_penerangan", NO_PLN)


def lacks_jkn(df: pd.DataFrame, s: Settings) -> Answer:
    """Eligible for PBI-JKN (desil range per settings) but not receiving it."""
    return all_of(eligible_for("penerima_pbi_jkn")(df, s), not_(flag(df, "penerima_pbi_jkn")))


def has_child_out_of_school(df: pd.DataFrame, s: Settings) -> Answer:
    """At least one child not in school."""
    values = column_of(df, "jumlah_anak_tidak_sekolah").to_numpy(dtype=float, na_value=np.nan)
    known = ~np.isnan(values)
    return Answer(known & (np.nan_to_num(values) > 0), known)


def head_not_working(df: pd.DataFrame, s: Settings) -> Answer:
    """Head of household does not work (krt_bekerja = 0)."""
    return not_(flag(df, "krt_bekerja"))


def eligible_for(program: str) -> Callable[[pd.DataFrame, Settings], Answer]:
    def rule(df: pd.DataFrame, s: Settings) -> Answer:
        return _desil_between(df, *s.eligible_range(program))
    return rule


def eligible_for_any_assistance(df: pd.DataFrame, s: Settings) -> Answer:
    """Eligible for at least one of BPNT, PKH, PBI-JKN."""
    return any_of(*[eligible_for(p)(df, s) for p in SOCIAL_ASSISTANCE])


def is_excluded(df: pd.DataFrame, s: Settings) -> Answer:
    """Exclusion error: eligible, but receives none of BPNT, PKH, PBI-JKN (all three known)."""
    receives_any = any_of(*[flag(df, p) for p in SOCIAL_ASSISTANCE])
    return all_of(eligible_for_any_assistance(df, s), not_(receives_any))


def receives_cash_or_food(df: pd.DataFrame, s: Settings) -> Answer:
    return any_of(*[flag(df, p) for p in CASH_AND_FOOD])


def is_included_wrongly(df: pd.DataFrame, s: Settings) -> Answer:
    """Inclusion error: receives BPNT or PKH outside its eligible desil range (desil ≥ 5 by
    default), or receives either while owning a car."""
    outside = [all_of(flag(df, p), not_(eligible_for(p)(df, s))) for p in CASH_AND_FOOD]
    with_car = all_of(receives_cash_or_food(df, s), flag(df, "punya_mobil"))
    return any_of(*outside, with_car)


def receives(program: str) -> Callable[[pd.DataFrame, Settings], Answer]:
    def rule(df: pd.DataFrame, s: Settings) -> Answer:
        return all_of(eligible_for(program)(df, s), flag(df, program))
    return rule


def everyone(df: pd.DataFrame, s: Settings) -> Answer:
    ones = np.ones(len(df), dtype=bool)
    return Answer(ones, ones)


# ------------------------------------------------------------------ registry

@dataclass(frozen=True)
class Indicator:
    id: str
    label: str  # Indonesian, for the page
    opd: str  # owning agency
    higher_is_worse: bool
    rule: Callable[[pd.DataFrame, Settings], Answer]
    definition: str  # the rule in words, shown as "cara menghitung"
    inputs: tuple[str, ...]  # household columns the rule reads (named when none is known)
    denominator: Callable[[pd.DataFrame, Settings], Answer] = field(default=everyone)
    denominator_label: str = "rumah tangga dalam register"
    group: str = "Kemiskinan"
    unit: str = "% rumah tangga"


SANITATION_INPUTS = ("fasilitas_bab", "jenis_kloset", "pembuangan_tinja")
RTLH_INPUTS = ("luas_lantai", "jumlah_art", "jenis_lantai", "jenis_dinding", "jenis_atap")

INDICATORS: tuple[Indicator, ...] = (
    Indicator("miskin", "Rumah tangga miskin (desil 1–4)", "Dinsos", True, is_poor,
              "Desil kesejahteraan 1 sampai 4.", ("desil",)),
    Indicator("miskin_ekstrem", "Miskin ekstrem (desil 1)", "Dinsos", True, is_extreme_poor,
              "Desil kesejahteraan 1.", ("desil",)),
    Indicator("air_minum_tidak_layak", "Air minum tidak layak", "Perkim / PUPR", True,
              lacks_improved_water,
              "Sumber air minum: sumur tak terlindung, mata air tak terlindung, air permukaan "
              "(sungai/danau/waduk) atau lainnya.", ("sumber_air_minum",), group="Infrastruktur"),
    Indicator("sanitasi_tidak_layak", "Sanitasi tidak layak", "Perkim / PUPR, Dinkes", True,
              lacks_improved_sanitation,
              "Tidak punya jamban atau memakai jamban umum, atau kloset bukan leher angsa, atau "
              "pembuangan tinja bukan ke tangki septik/IPAL (di desa lubang tanah dihitung layak).",
              SANITATION_INPUTS, group="Infrastruktur"),
    Indicator("tanpa_jamban", "Tanpa jamban (risiko BABS)", "Dinkes, Perkim", True,
              has_no_toilet, "Fasilitas BAB: tidak ada.", ("fasilitas_bab",),
              group="Infrastruktur"),
    Indicator("rtlh", "Rumah tidak layak huni (RTLH)", "Perkim", True, lives_in_unfit_house,
              "Luas lantai per orang di bawah ambang, atau lantai tanah, atau dinding bambu/"
              "anyaman bambu/batang kayu, atau atap jerami/ijuk/rumbia.", RTLH_INPUTS,
              group="Infrastruktur"),
    Indicator("tanpa_listrik_pln", "Tanpa listrik PLN", "ESDM / Perkim", True,
              lacks_pln_electricity, "Penerangan: listrik non-PLN atau bukan listrik.",
              ("sumber_penerangan",), group="Infrastruktur"),
    Indicator("belum_jkn", "Miskin belum PBI-JKN", "Dinkes", True, lacks_jkn,
              "Layak PBI-JKN (desil sesuai pengaturan) tetapi tidak menerima PBI-JKN.",
              ("desil", "penerima_pbi_jkn"), denominator=eligible_for("penerima_pbi_jkn"),
              denominator_label="rumah tangga layak PBI-JKN", group="Layanan"),
    Indicator("anak_tidak_sekolah", "Ada anak tidak sekolah", "Disdik", True,
              has_child_out_of_school, "Jumlah anak tidak sekolah lebih dari 0.",
              ("jumlah_anak_tidak_sekolah",), group="Layanan"),
    Indicator("krt_tidak_bekerja", "Kepala rumah tangga tidak bekerja", "Disnaker", True,
              head_not_working, "Status bekerja kepala rumah tangga: tidak.", ("krt_bekerja",),
              group="Layanan"),
    Indicator("eksklusi", "Kesalahan eksklusi (layak, tidak menerima)", "Dinsos", True,
              is_excluded,
              "Layak bantuan (desil sesuai program) tetapi tidak menerima BPNT, PKH maupun "
              "PBI-JKN.", ("desil", *SOCIAL_ASSISTANCE), denominator=eligible_for_any_assistance,
              denominator_label="rumah tangga layak bantuan", group="Ketepatan sasaran"),
    Indicator("inklusi", "Kesalahan inklusi (menerima, tidak layak)", "Dinsos", True,
              is_included_wrongly,
              "Menerima BPNT atau PKH di luar desil layak (desil ≥ 5 secara bawaan), atau "
              "menerima BPNT/PKH padahal memiliki mobil.", ("desil", *CASH_AND_FOOD, "punya_mobil"),
              denominator=receives_cash_or_food,
              denominator_label="rumah tangga penerima BPNT/PKH", unit="% penerima",
              group="Ketepatan sasaran"),
    *[
        Indicator(f"cakupan_{program.removeprefix('penerima_')}", f"Cakupan {label}",
                  "Dinsos" if program not in ("penerima_pbi_jkn", "penerima_kip",
                                              "penerima_rtlh")
                  else {"penerima_pbi_jkn": "Dinkes", "penerima_kip": "Disdik",
                        "penerima_rtlh": "Perkim"}[program],
                  False, receives(program),
                  f"Di antara rumah tangga layak {label} (desil sesuai pengaturan), yang "
                  f"menerima {label}.", ("desil", program), denominator=eligible_for(program),
                  denominator_label=f"rumah tangga layak {label}", unit="% rumah tangga layak",
                  group="Cakupan program")
        for program, label in PROGRAMS.items()
    ],
)

BY_ID: dict[str, Indicator] = {ind.id: ind for ind in INDICATORS}

# The household-count columns of ``python -m geo indicators`` and the map's table.
NEED_INDICATORS = ("miskin", "miskin_ekstrem", "air_minum_tidak_layak", "sanitasi_tidak_layak",
                   "tanpa_jamban", "rtlh", "tanpa_listrik_pln", "belum_jkn",
                   "anak_tidak_sekolah", "krt_tidak_bekerja", "eksklusi", "inklusi")


def get(indicator_id: str) -> Indicator:
    return BY_ID[indicator_id]


# Counts a reader can subtract from each other, so that a forum's suppression protects their
# difference too (geo.forum): a part counted within a whole over the same households (the
# whole minus the part is a count: desil 2–4 = desil 1–4 minus desil 1) ...
NESTED: tuple[tuple[str, str], ...] = (("miskin", "miskin_ekstrem"),
                                       ("sanitasi_tidak_layak", "tanpa_jamban"))
# ... and two counts of one denominator that add up to it (receiving PBI-JKN and not): either
# is the denominator minus the other.
COMPLEMENTS: tuple[tuple[str, str], ...] = (("cakupan_pbi_jkn", "belum_jkn"),)


def related(ids: tuple[str, ...]) -> tuple[str, ...]:
    """``ids`` and every indicator a forum's suppression of them reads (:data:`NESTED`,
    :data:`COMPLEMENTS`), in registry order."""
    wanted = set(ids)
    for pair in (*NESTED, *COMPLEMENTS):
        if wanted & set(pair):
            wanted |= set(pair)
    return tuple(i.id for i in INDICATORS if i.id in wanted) + tuple(
        i for i in ids if i not in BY_ID)


# ------------------------------------------------------------------ evaluation
#
# Per household and indicator three facts are kept: ``hit`` (counted), ``den`` (in the rate's
# denominator: in the indicator's population *and* decided) and ``base`` (is or may be in the
# population: everyone whose denominator answer is not a known "no"). Per area then
# ``<id>_penyebut`` = sum of den (the known), ``<id>_semesta`` = sum of base and
# ``<id>_diketahui`` = penyebut / semesta, the share known.

NOT_IN_REGISTER = "tidak tersedia di register ini"


def _answers(ind: Indicator, households: pd.DataFrame, settings: Settings
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(hit, den, base) of one indicator per household."""
    rule = ind.rule(households, settings)
    pop = ind.denominator(households, settings)
    den = pop.known & pop.yes & rule.known
    return den & rule.yes, den, ~(pop.known & ~pop.yes)


def evaluate(households: pd.DataFrame, settings: Settings = DEFAULT_SETTINGS,
             ids: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Boolean columns per household: ``<id>`` (counted), ``<id>__den`` (in the denominator,
    value known) and ``<id>__base`` (in the population, known or not)."""
    out = {}
    for ind in INDICATORS:
        if ids is not None and ind.id not in ids:
            continue
        out[ind.id], out[f"{ind.id}__den"], out[f"{ind.id}__base"] = _answers(
            ind, households, settings)
    return pd.DataFrame(out, index=households.index)


def aggregate(households: pd.DataFrame, flags: pd.DataFrame, by: str | pd.Series,
              ids: tuple[str, ...] | None = None,
              min_known_share: float = DEFAULT_SETTINGS.min_known_share) -> pd.DataFrame:
    """Per area: ``rumah_tangga``, ``jiwa`` and for each indicator ``<id>`` (households),
    ``<id>_jiwa`` (persons), ``<id>_penyebut`` (denominator households whose value is known),
    ``<id>_semesta`` (households the indicator is about, known or not), ``<id>_diketahui``
    (share known, 0–1) and ``<id>_persen`` (empty where too little is known).

    The slow reference of :func:`area_counts`. ``by`` is a column of ``households`` (e.g.
    ``region_code``) or a Series aligned with it.
    """
    keys = households[by] if isinstance(by, str) else by
    members = households["jumlah_art"].fillna(0).to_numpy(dtype=float) if len(households) else []
    ids = ids or tuple(ind.id for ind in INDICATORS if ind.id in flags)
    data = {"rumah_tangga": np.ones(len(households)), "jiwa": members}
    for ind_id in ids:
        hit = flags[ind_id].to_numpy()
        data[ind_id] = hit
        data[columns(ind_id).persons] = np.where(hit, members, 0)
        data[columns(ind_id).denominator] = flags[f"{ind_id}__den"].to_numpy()
        data[columns(ind_id).population] = flags[f"{ind_id}__base"].to_numpy()
    frame = pd.DataFrame(data, index=households.index)
    table = frame.groupby(keys.to_numpy() if hasattr(keys, "to_numpy") else keys).sum()
    table = table.astype("int64")
    table.index.name = "kode"
    return with_rates(table, min_known_share)


# ------------------------------------------------------------------ fast path for the map
#
# A filter change must not re-evaluate rules over a million households. :func:`prepare` runs
# every rule once per (snapshot, settings) and keeps plain numpy arrays with an integer area
# id per household; :func:`area_counts` then counts with ``np.bincount`` on the filter's
# boolean mask, which takes milliseconds.

FILTER_COLUMNS = ("desil", *PROGRAMS, "jumlah_lansia", "jumlah_balita", "jumlah_disabilitas")
# Every household column a rule, a filter or the counting reads (load only these at scale).
RULE_COLUMNS = tuple(dict.fromkeys((
    "region_code", "jumlah_art", *FILTER_COLUMNS,
    *[c for ind in INDICATORS for c in ind.inputs])))


@dataclass(frozen=True, eq=False)
class Prepared:
    """Rules evaluated once for one snapshot and one set of settings."""

    codes: np.ndarray  # kelurahan codes (object), area id i ↔ codes[i]
    area: np.ndarray  # area id per household; len(codes) for households not linked
    members: np.ndarray  # jumlah_art per household (float, missing = 0)
    hits: dict[str, np.ndarray]  # indicator id -> bool per household (counted)
    dens: dict[str, np.ndarray]  # indicator id -> bool per household (denominator, known)
    bases: dict[str, np.ndarray]  # indicator id -> bool per household (population)
    attrs: pd.DataFrame  # the columns filters read (region_code categorical, numeric others)
    settings: Settings
    known_columns: frozenset[str] = frozenset()  # columns holding at least one value
    # a cube (geo.cube): each row a cell of households alike in kelurahan and every filter
    # column; then hits/dens/bases hold counts, ``weight`` households and ``members`` persons
    weight: np.ndarray | None = None  # households per row (None: one household per row)
    hit_members: dict[str, np.ndarray] | None = None  # id -> persons counted per row
    decided: frozenset[str] | None = None  # what the period decides (None: from ``dens``)

    def __len__(self) -> int:
        return len(self.area)

    @property
    def households(self) -> int:
        """Households in the period (rows, or the cube's summed cells)."""
        return len(self.area) if self.weight is None else int(self.weight.sum())

    @property
    def unlinked_id(self) -> int:
        return len(self.codes)

    def available(self, ind_id: str) -> bool:
        """Whether the period decides the indicator for at least one household."""
        return ind_id in self.decided if self.decided is not None else bool(
            self.dens[ind_id].any())

    def missing_inputs(self, ind_id: str) -> list[str]:
        """The columns the indicator reads that hold no value in this period."""
        return [c for c in get(ind_id).inputs if c not in self.known_columns]


def prepare(households: pd.DataFrame, settings: Settings = DEFAULT_SETTINGS) -> Prepared:
    """Evaluate every indicator once and index households by kelurahan (see module note)."""
    region = (households["region_code"] if "region_code" in households
              else pd.Series(pd.NA, index=households.index, dtype="string"))
    codes, area, cat = area_ids(region)
    members = (households["jumlah_art"].to_numpy(dtype=float, na_value=0.0)
               if "jumlah_art" in households else np.ones(len(households)))
    attrs = pd.DataFrame({"region_code": cat}, index=range(len(households)))
    for column in FILTER_COLUMNS:  # compact: a million rows stay a few MB
        if column not in households:
            continue
        values = households[column].to_numpy(dtype=float, na_value=np.nan)
        attrs[column] = (values.astype(np.float32) if column == "desil"
                         else np.clip(np.nan_to_num(values), 0, 127).astype(np.int8))
    hits, dens, bases = {}, {}, {}
    for ind in INDICATORS:
        hits[ind.id], dens[ind.id], base = _answers(ind, households, settings)
        # the same array when all is known: area_counts then counts it once
        bases[ind.id] = dens[ind.id] if np.array_equal(base, dens[ind.id]) else base
    known = frozenset(c for c in households.columns if households[c].notna().any())
    return Prepared(codes, area, members, hits, dens, bases, attrs, settings, known)


def with_rates(table: pd.DataFrame, min_known_share: float = DEFAULT_SETTINGS.min_known_share
               ) -> pd.DataFrame:
    """Add ``<id>_diketahui`` (share known, 0–1) and ``<id>_persen`` for every indicator with
    a ``<id>_penyebut`` column; the rate is left empty where less than ``min_known_share`` of
    the population is known (never 0 for an unknown). Columns are added at once (a filter
    change builds this for every area on every rerun)."""
    ids = [c.removesuffix("_penyebut") for c in table.columns if c.endswith("_penyebut")]
    added = rates_of({c: table[c].to_numpy(dtype=float) for c in table.columns
                    if not c.endswith(DERIVED_SUFFIXES)}, ids, min_known_share)
    if not added:
        return table
    kept = table.drop(columns=[c for c in added if c in table.columns])
    return pd.concat([kept, pd.DataFrame(added, index=table.index)], axis=1)


def is_known(table: pd.DataFrame | pd.Series, ind_id: str,
             min_known_share: float = DEFAULT_SETTINGS.min_known_share) -> np.ndarray | bool:
    """Where the indicator's numbers may be shown, coloured and ranked (enough is known)."""
    share = np.asarray(table[columns(ind_id).known], dtype=float)
    den = np.asarray(table[columns(ind_id).denominator], dtype=float)
    with np.errstate(invalid="ignore"):
        ok = (den > 0) & (share >= min_known_share - 1e-12)
    return bool(ok) if ok.ndim == 0 else ok


def known_count(table: pd.DataFrame, column: str, ind_id: str,
                min_known_share: float = DEFAULT_SETTINGS.min_known_share) -> pd.Series:
    """``table[column]`` (a count of ``ind_id``) as floats, NaN where too little is known."""
    values = table[column].astype(float)
    return values.where(is_known(table, ind_id, min_known_share))


def area_counts(prepared: Prepared, keep: np.ndarray | None = None,
                ids: tuple[str, ...] | None = None, detail: tuple[str, ...] | None = None,
                ) -> tuple[pd.DataFrame, pd.Series]:
    """Counts per kelurahan over the households in ``keep`` (all when None).

    Returns (table indexed by kelurahan code, counts of households not linked to a kelurahan).
    Columns as :func:`aggregate`: ``rumah_tangga``, ``jiwa``, and for every id in ``ids``
    ``<id>``, ``<id>_penyebut``, ``<id>_semesta``, ``<id>_diketahui`` and ``<id>_persen``;
    ``<id>_jiwa`` only for the ids in ``detail`` (default: all of ``ids``).
    """
    ids = tuple(ids) if ids is not None else tuple(ind.id for ind in INDICATORS)
    detail = ids if detail is None else tuple(d for d in detail if d in ids)
    area, members, weight = prepared.area, prepared.members, prepared.weight
    if keep is not None and not keep.all():
        sel = np.flatnonzero(keep)
        area, members = area[sel], members[sel]
        weight = None if weight is None else weight[sel]
    else:
        sel = None
    size = len(prepared.codes) + 1

    def count(weights: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(area, weights=weights, minlength=size)

    def pick(values: np.ndarray) -> np.ndarray:
        return values if sel is None else values[sel]

    households = count(weight)
    data: dict[str, np.ndarray] = {"rumah_tangga": households, "jiwa": count(members)}
    for ind_id in ids:
        hit = pick(prepared.hits[ind_id])
        data[ind_id] = count(hit)
        if ind_id in detail:
            data[columns(ind_id).persons] = count(
                np.where(hit, members, 0.0) if prepared.hit_members is None
                else pick(prepared.hit_members[ind_id]))
        den, base = prepared.dens[ind_id], prepared.bases[ind_id]
        data[columns(ind_id).denominator] = count(pick(den))
        data[columns(ind_id).population] = (data[columns(ind_id).denominator] if base is den
                                     else count(pick(base)))
    whole = {name: np.rint(values).astype(np.int64) for name, values in data.items()}
    unlinked = pd.Series({name: values[-1] for name, values in whole.items()}, dtype="int64")
    areas = {name: values[:-1] for name, values in whole.items()}
    areas.update(rates_of(areas, ids, prepared.settings.min_known_share))
    index = pd.Index(prepared.codes, dtype=object, name="kode")  # as they are (not Arrow)
    return pd.DataFrame(areas, index=index), unlinked


DERIVED_SUFFIXES = ("_persen", "_diketahui")


def counts_only(table: pd.DataFrame) -> pd.DataFrame:
    """The count columns of an area table (without the derived rates and shares)."""
    return table[[c for c in table.columns if not c.endswith(DERIVED_SUFFIXES)]]


WHOLE_AREA = "semua"  # a level of one area: every household the register links


def roll_up(kelurahan_table: pd.DataFrame, level: str,
            min_known_share: float = DEFAULT_SETTINGS.min_known_share) -> pd.DataFrame:
    """Sum a per-kelurahan table (from :func:`area_counts`) to ``kecamatan``, ``kota`` or
    ``provinsi`` by the dotted code's prefix, or to one row (code "") for ``semua``, and
    recompute the rates."""
    if level == "kelurahan":
        return kelurahan_table
    counts = counts_only(kelurahan_table)
    keys = (np.full(len(counts), "", dtype=object) if level == WHOLE_AREA
            else parent_codes(counts.index, level).to_numpy())
    table = counts.groupby(keys).sum()
    table.index.name = "kode"
    return with_rates(table, min_known_share)


def totals(table: pd.DataFrame,
           min_known_share: float = DEFAULT_SETTINGS.min_known_share) -> pd.Series:
    """One row of sums over ``table``'s areas, with the rates recomputed."""
    counts = counts_only(table)
    sums = dict(zip(counts.columns, counts.to_numpy(dtype=float).sum(axis=0)))
    ids = [c.removesuffix("_penyebut") for c in counts.columns if c.endswith("_penyebut")]
    rates = rates_of({c: np.array([v]) for c, v in sums.items()}, ids, min_known_share)
    return pd.Series({**sums, **{c: v[0] for c, v in rates.items()}}, dtype=float)


def for_areas(table: pd.DataFrame, codes: object) -> pd.DataFrame:
    """``table`` (per area) reindexed to ``codes``: an area without households gets count 0,
    and no rate or share (they stay empty, never 0)."""
    index = pd.Index(np.asarray(codes, dtype=object), dtype=object, name="kode")
    if table.index.equals(index):  # every area has a row already (a whole level, in order)
        return table.copy(deep=False)
    out = table.reindex(index)
    counts = [c for c in out.columns if not c.endswith(DERIVED_SUFFIXES)]
    out[counts] = out[counts].fillna(0).astype("int64")
    return out


def availability_note(prepared: Prepared, ind_id: str) -> str | None:
    """"tidak tersedia di register ini" with the columns it needs, or None when available."""
    if prepared.available(ind_id):
        return None
    missing = prepared.missing_inputs(ind_id) or list(get(ind_id).inputs)
    return (f"{get(ind_id).label}: {NOT_IN_REGISTER} (perlu kolom "
            f"{', '.join(missing)}; tidak ada rumah tangga yang nilainya diketahui).")


# An area with fewer known households in an indicator's denominator is not ranked on it: one
# poor household of three is 33 %, noise that would top every "worst" list.
MIN_RANKED_DENOMINATOR = 10


def worst_areas(table: pd.DataFrame, ind_id: str, n: int | None = 10,
                min_denominator: int = MIN_RANKED_DENOMINATOR) -> pd.DataFrame:
    """The ``n`` (None: all) areas in greatest need on ``ind_id`` (lowest rate for an
    indicator where higher is better), ranked by rate then count. Only areas with a rate
    (enough known) and at least ``min_denominator`` known households in the denominator are
    ranked."""
    ranked = table[table[columns(ind_id).rate].notna()
                   & (table[columns(ind_id).denominator] >= min_denominator)]
    ranked = ranked.sort_values([columns(ind_id).rate, ind_id],
                                ascending=not get(ind_id).higher_is_worse)
    return ranked if n is None else ranked.head(n)
