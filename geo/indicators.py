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

from geo.schema import PROGRAMS

# ------------------------------------------------------------------ settings


@dataclass(frozen=True)
class Settings:
    """The choices where official definitions differ (defaults from household-data.md)."""

    # RTLH floor area per person, m² (Kemensos practice 7,2; PUPR house standard 9)
    rtlh_floor_per_person: float = 7.2
    # BPS counts bottled/refill water as improved only if bathing water is improved too;
    # registers rarely carry that field, so by default they count as improved.
    bottled_water_improved: bool = True
    # Eligible desil range per program (used by coverage and by both targeting errors)
    eligible_desil: tuple[tuple[str, int, int], ...] = (
        ("penerima_bpnt", 1, 4),
        ("penerima_pkh", 1, 4),
        ("penerima_pbi_jkn", 1, 4),
        ("penerima_kip", 1, 4),
        ("penerima_blt", 1, 4),
        ("penerima_rtlh", 1, 4),
    )

    def eligible_range(self, program: str) -> tuple[int, int]:
        for name, low, high in self.eligible_desil:
            if name == program:
                return low, high
        return 1, 4

    def describe(self) -> list[str]:
        """The settings in force, in Indonesian, for the page and the export's minutes."""
        ranges = ", ".join(f"{PROGRAMS[n]} desil {lo}–{hi}" for n, lo, hi in self.eligible_desil)
        water = ("air kemasan/isi ulang dihitung layak" if self.bottled_water_improved
                 else "air kemasan/isi ulang dihitung tidak layak")
        return [
            f"RTLH: luas lantai per orang < {self.rtlh_floor_per_person:.1f} m²".replace(".", ","),
            f"Air minum: {water}",
            "Sanitasi: di desa (kode …2xxx) lubang tanah dihitung layak; di kelurahan tidak",
            f"Kelayakan program: {ranges}",
        ]


DEFAULT_SETTINGS = Settings()

# Rule building blocks, each named for what it means.
UNIMPROVED_WATER = ("sumur_tak_terlindung", "mata_air_tak_terlindung", "air_permukaan", "lainnya")
BOTTLED_WATER = ("air_kemasan", "isi_ulang")
IMPROVED_DISPOSAL = ("tangki_septik", "ipal")
UNFIT_WALLS = ("anyaman_bambu", "bambu", "batang_kayu")
UNFIT_ROOF = ("jerami_ijuk_rumbia",)
NO_PLN = ("listrik_non_pln", "bukan_listrik")
SOCIAL_ASSISTANCE = ("penerima_bpnt", "penerima_pkh", "penerima_pbi_jkn")  # for exclusion
CASH_AND_FOOD = ("penerima_bpnt", "penerima_pkh")  # for inclusion


def _col(df: pd.DataFrame, name: str) -> pd.Series:
    return df[name] if name in df else pd.Series(np.nan, index=df.index)


def _isin(df: pd.DataFrame, name: str, values: tuple[str, ...]) -> np.ndarray:
    return _col(df, name).isin(values).to_numpy()


def _known(df: pd.DataFrame, name: str) -> np.ndarray:
    return _col(df, name).notna().to_numpy()


def flag_set(df: pd.DataFrame, name: str) -> np.ndarray:
    """True where the 0/1 column ``name`` is 1; missing counts as not set."""
    return _col(df, name).fillna(0).astype(float).to_numpy() > 0


def _desil_between(df: pd.DataFrame, low: int, high: int) -> np.ndarray:
    desil = _col(df, "desil").to_numpy(dtype=float, na_value=np.nan)
    return (desil >= low) & (desil <= high)


def _in_desa(df: pd.DataFrame) -> np.ndarray:
    code = _col(df, "region_code").astype("string").fillna("")  # unlinked: not a desa
    return (code.str.len().eq(13) & code.str[9:10].eq("2")).to_numpy(dtype=bool)


# ------------------------------------------------------------------ rules

def is_poor(df: pd.DataFrame, s: Settings) -> np.ndarray:
    """Desil 1–4 (the poorest 40%)."""
    return _desil_between(df, 1, 4)


def is_extreme_poor(df: pd.DataFrame, s: Settings) -> np.ndarray:
    """Desil 1."""
    return _desil_between(df, 1, 1)


def lacks_improved_water(df: pd.DataFrame, s: Settings) -> np.ndarray:
    """Unprotected well or spring, surface water or other; bottled/refill per settings."""
    unimproved = UNIMPROVED_WATER if s.bottled_water_improved else UNIMPROVED_WATER + BOTTLED_WATER
    return _isin(df, "sumber_air_minum", unimproved)


def lacks_improved_sanitation(df: pd.DataFrame, s: Settings) -> np.ndarray:
    """No or public toilet, or a toilet not of the gooseneck type, or disposal not into a septic
    tank / IPAL (in a desa a pit also counts as improved). Unknown answers do not count."""
    shared_or_none = _isin(df, "fasilitas_bab", ("tidak_ada", "umum"))
    bad_closet = _known(df, "jenis_kloset") & ~_isin(df, "jenis_kloset", ("leher_angsa",))
    improved = _isin(df, "pembuangan_tinja", IMPROVED_DISPOSAL) | (
        _in_desa(df) & _isin(df, "pembuangan_tinja", ("lubang_tanah",)))
    bad_disposal = _known(df, "pembuangan_tinja") & ~improved
    return shared_or_none | bad_closet | bad_disposal


def has_no_toilet(df: pd.DataFrame, s: Settings) -> np.ndarray:
    """No toilet facility at all (open-defecation risk)."""
    return _isin(df, "fasilitas_bab", ("tidak_ada",))


def lives_in_unfit_house(df: pd.DataFrame, s: Settings) -> np.ndarray:
    """Floor area per member under the threshold, earth floor, bamboo/log walls or thatch roof."""
    area = _col(df, "luas_lantai").to_numpy(dtype=float, na_value=np.nan)
    members = _col(df, "jumlah_art").to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        cramped = (area / members) < s.rtlh_floor_per_person
    return (cramped | _isin(df, "jenis_lantai", ("tanah",))
            | _isin(df, "jenis_dinding", UNFIT_WALLS) | _isin(df, "jenis_atap", UNFIT_ROOF))


def lacks_pln_electricity(df: pd.DataFrame, s: Settings) -> np.ndarray:
    """Lighting from non-PLN electricity or no electricity."""
    return _isin(df, "sumber_penerangan", NO_PLN)


def lacks_jkn(df: pd.DataFrame, s: Settings) -> np.ndarray:
    """Eligible for PBI-JKN (desil range per settings) but not receiving it."""
    low, high = s.eligible_range("penerima_pbi_jkn")
    return _desil_between(df, low, high) & ~flag_set(df, "penerima_pbi_jkn")


def has_child_out_of_school(df: pd.DataFrame, s: Settings) -> np.ndarray:
    """At least one child not in school."""
    return _col(df, "jumlah_anak_tidak_sekolah").fillna(0).to_numpy(dtype=float) > 0


def head_not_working(df: pd.DataFrame, s: Settings) -> np.ndarray:
    """Head of household does not work (krt_bekerja = 0)."""
    return _col(df, "krt_bekerja").eq(0).to_numpy(dtype=bool, na_value=False)


def eligible_for(program: str) -> Callable[[pd.DataFrame, Settings], np.ndarray]:
    def rule(df: pd.DataFrame, s: Settings) -> np.ndarray:
        return _desil_between(df, *s.eligible_range(program))
    return rule


def eligible_for_any_assistance(df: pd.DataFrame, s: Settings) -> np.ndarray:
    """Eligible for at least one of BPNT, PKH, PBI-JKN."""
    out = np.zeros(len(df), dtype=bool)
    for program in SOCIAL_ASSISTANCE:
        out |= eligible_for(program)(df, s)
    return out


def is_excluded(df: pd.DataFrame, s: Settings) -> np.ndarray:
    """Exclusion error: eligible, but receives none of BPNT, PKH, PBI-JKN."""
    receives_any = np.zeros(len(df), dtype=bool)
    for program in SOCIAL_ASSISTANCE:
        receives_any |= flag_set(df, program)
    return eligible_for_any_assistance(df, s) & ~receives_any


def receives_cash_or_food(df: pd.DataFrame, s: Settings) -> np.ndarray:
    out = np.zeros(len(df), dtype=bool)
    for program in CASH_AND_FOOD:
        out |= flag_set(df, program)
    return out


def is_included_wrongly(df: pd.DataFrame, s: Settings) -> np.ndarray:
    """Inclusion error: receives BPNT or PKH outside its eligible desil range (desil ≥ 5 by
    default), or receives either while owning a car."""
    wrong = np.zeros(len(df), dtype=bool)
    for program in CASH_AND_FOOD:
        wrong |= flag_set(df, program) & ~eligible_for(program)(df, s)
    return wrong | (receives_cash_or_food(df, s) & flag_set(df, "punya_mobil"))


def receives(program: str) -> Callable[[pd.DataFrame, Settings], np.ndarray]:
    def rule(df: pd.DataFrame, s: Settings) -> np.ndarray:
        return eligible_for(program)(df, s) & flag_set(df, program)
    return rule


def everyone(df: pd.DataFrame, s: Settings) -> np.ndarray:
    return np.ones(len(df), dtype=bool)


# ------------------------------------------------------------------ registry

@dataclass(frozen=True)
class Indicator:
    id: str
    label: str  # Indonesian, for the page
    opd: str  # owning agency
    higher_is_worse: bool
    rule: Callable[[pd.DataFrame, Settings], np.ndarray]
    definition: str  # the rule in words, shown as "cara menghitung"
    denominator: Callable[[pd.DataFrame, Settings], np.ndarray] = field(default=everyone)
    denominator_label: str = "rumah tangga dalam register"
    group: str = "Kemiskinan"
    unit: str = "% rumah tangga"


_POOR_DENOMINATOR = "rumah tangga layak (desil sesuai program)"

INDICATORS: tuple[Indicator, ...] = (
    Indicator("miskin", "Rumah tangga miskin (desil 1–4)", "Dinsos", True, is_poor,
              "Desil kesejahteraan 1 sampai 4."),
    Indicator("miskin_ekstrem", "Miskin ekstrem (desil 1)", "Dinsos", True, is_extreme_poor,
              "Desil kesejahteraan 1."),
    Indicator("air_minum_tidak_layak", "Air minum tidak layak", "Perkim / PUPR", True,
              lacks_improved_water,
              "Sumber air minum: sumur tak terlindung, mata air tak terlindung, air permukaan "
              "(sungai/danau/waduk) atau lainnya.", group="Infrastruktur"),
    Indicator("sanitasi_tidak_layak", "Sanitasi tidak layak", "Perkim / PUPR, Dinkes", True,
              lacks_improved_sanitation,
              "Tidak punya jamban atau memakai jamban umum, atau kloset bukan leher angsa, atau "
              "pembuangan tinja bukan ke tangki septik/IPAL (di desa lubang tanah dihitung layak).",
              group="Infrastruktur"),
    Indicator("tanpa_jamban", "Tanpa jamban (risiko BABS)", "Dinkes, Perkim", True,
              has_no_toilet, "Fasilitas BAB: tidak ada.", group="Infrastruktur"),
    Indicator("rtlh", "Rumah tidak layak huni (RTLH)", "Perkim", True, lives_in_unfit_house,
              "Luas lantai per orang di bawah ambang, atau lantai tanah, atau dinding bambu/"
              "anyaman bambu/batang kayu, atau atap jerami/ijuk/rumbia.", group="Infrastruktur"),
    Indicator("tanpa_listrik_pln", "Tanpa listrik PLN", "ESDM / Perkim", True,
              lacks_pln_electricity, "Penerangan: listrik non-PLN atau bukan listrik.",
              group="Infrastruktur"),
    Indicator("belum_jkn", "Miskin belum PBI-JKN", "Dinkes", True, lacks_jkn,
              "Layak PBI-JKN (desil sesuai pengaturan) tetapi tidak menerima PBI-JKN.",
              denominator=eligible_for("penerima_pbi_jkn"),
              denominator_label="rumah tangga layak PBI-JKN", group="Layanan"),
    Indicator("anak_tidak_sekolah", "Ada anak tidak sekolah", "Disdik", True,
              has_child_out_of_school, "Jumlah anak tidak sekolah lebih dari 0.",
              group="Layanan"),
    Indicator("krt_tidak_bekerja", "Kepala rumah tangga tidak bekerja", "Disnaker", True,
              head_not_working, "Status bekerja kepala rumah tangga: tidak.", group="Layanan"),
    Indicator("eksklusi", "Kesalahan eksklusi (layak, tidak menerima)", "Dinsos", True,
              is_excluded,
              "Layak bantuan (desil sesuai program) tetapi tidak menerima BPNT, PKH maupun "
              "PBI-JKN.", denominator=eligible_for_any_assistance,
              denominator_label="rumah tangga layak bantuan", group="Ketepatan sasaran"),
    Indicator("inklusi", "Kesalahan inklusi (menerima, tidak layak)", "Dinsos", True,
              is_included_wrongly,
              "Menerima BPNT atau PKH di luar desil layak (desil ≥ 5 secara bawaan), atau "
              "menerima BPNT/PKH padahal memiliki mobil.", denominator=receives_cash_or_food,
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
                  f"menerima {label}.", denominator=eligible_for(program),
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


# ------------------------------------------------------------------ evaluation

def evaluate(households: pd.DataFrame, settings: Settings = DEFAULT_SETTINGS,
             ids: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Boolean columns ``<id>`` (counts) and ``<id>__den`` (in the denominator) per household."""
    out = {}
    for ind in INDICATORS:
        if ids is not None and ind.id not in ids:
            continue
        out[ind.id] = ind.rule(households, settings)
        out[f"{ind.id}__den"] = ind.denominator(households, settings)
    return pd.DataFrame(out, index=households.index)


def aggregate(households: pd.DataFrame, flags: pd.DataFrame, by: str | pd.Series,
              ids: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Per area: ``rumah_tangga``, ``jiwa`` and for each indicator ``<id>`` (households),
    ``<id>_jiwa`` (persons), ``<id>_penyebut`` (denominator households) and ``<id>_persen``.

    ``by`` is a column of ``households`` (e.g. ``region_code``) or a Series aligned with it.
    """
    keys = households[by] if isinstance(by, str) else by
    members = households["jumlah_art"].fillna(0).to_numpy(dtype=float) if len(households) else []
    ids = ids or tuple(ind.id for ind in INDICATORS if ind.id in flags)
    data = {"rumah_tangga": np.ones(len(households)), "jiwa": members}
    for ind_id in ids:
        hit = flags[ind_id].to_numpy()
        data[ind_id] = hit
        data[f"{ind_id}_jiwa"] = np.where(hit, members, 0)
        data[f"{ind_id}_penyebut"] = flags[f"{ind_id}__den"].to_numpy()
    frame = pd.DataFrame(data, index=households.index)
    table = frame.groupby(keys.to_numpy() if hasattr(keys, "to_numpy") else keys).sum()
    table = table.astype("int64")
    for ind_id in ids:
        den = table[f"{ind_id}_penyebut"].to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            table[f"{ind_id}_persen"] = np.where(den > 0, 100 * table[ind_id] / den, np.nan)
    table.index.name = "kode"
    return table


# ------------------------------------------------------------------ fast path for the map
#
# A filter change must not re-evaluate rules over a million households. :func:`prepare` runs
# every rule once per (snapshot, settings) and keeps plain numpy arrays with an integer area
# id per household; :func:`area_counts` then counts with ``np.bincount`` on the filter's
# boolean mask, which takes milliseconds.

FILTER_COLUMNS = ("desil", *PROGRAMS, "jumlah_lansia", "jumlah_balita", "jumlah_disabilitas")
# Every household column a rule, a filter or the counting reads (load only these at scale).
RULE_COLUMNS = (
    "region_code", "jumlah_art", *FILTER_COLUMNS, "sumber_air_minum", "fasilitas_bab",
    "jenis_kloset", "pembuangan_tinja", "sumber_penerangan", "luas_lantai", "jenis_lantai",
    "jenis_dinding", "jenis_atap", "punya_mobil", "jumlah_anak_tidak_sekolah", "krt_bekerja",
)


@dataclass(frozen=True, eq=False)
class Prepared:
    """Rules evaluated once for one snapshot and one set of settings."""

    codes: np.ndarray  # kelurahan codes (object), area id i ↔ codes[i]
    area: np.ndarray  # area id per household; len(codes) for households not linked
    members: np.ndarray  # jumlah_art per household (float, missing = 0)
    hits: dict[str, np.ndarray]  # indicator id -> bool per household
    dens: dict[str, np.ndarray]  # indicator id -> bool per household (in the denominator)
    attrs: pd.DataFrame  # the columns filters read (region_code categorical, numeric others)
    settings: Settings

    def __len__(self) -> int:
        return len(self.area)

    @property
    def unlinked_id(self) -> int:
        return len(self.codes)


def prepare(households: pd.DataFrame, settings: Settings = DEFAULT_SETTINGS) -> Prepared:
    """Evaluate every indicator once and index households by kelurahan (see module note)."""
    flags = evaluate(households, settings)
    region = (households["region_code"] if "region_code" in households
              else pd.Series(pd.NA, index=households.index, dtype="string"))
    region = region.astype("string")
    cat = pd.Categorical(region)
    codes = np.asarray(cat.categories.astype(str), dtype=object)
    area = np.asarray(cat.codes, dtype=np.intp).copy()
    area[area < 0] = len(codes)
    members = (households["jumlah_art"].to_numpy(dtype=float, na_value=0.0)
               if "jumlah_art" in households else np.ones(len(households)))
    attrs = pd.DataFrame({"region_code": pd.Categorical(region)}, index=range(len(households)))
    for column in FILTER_COLUMNS:  # compact: a million rows stay a few MB
        if column not in households:
            continue
        values = households[column].to_numpy(dtype=float, na_value=np.nan)
        attrs[column] = (values.astype(np.float32) if column == "desil"
                         else np.clip(np.nan_to_num(values), 0, 127).astype(np.int8))
    ids = [ind.id for ind in INDICATORS]
    return Prepared(codes, area, members,
                    {i: flags[i].to_numpy(dtype=bool) for i in ids},
                    {i: flags[f"{i}__den"].to_numpy(dtype=bool) for i in ids},
                    attrs, settings)


def _with_rates(table: pd.DataFrame, ids: tuple[str, ...]) -> pd.DataFrame:
    for ind_id in ids:
        den = table[f"{ind_id}_penyebut"].to_numpy(dtype=float)
        num = table[ind_id].to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            table[f"{ind_id}_persen"] = np.where(den > 0, 100 * num / den, np.nan)
    return table


def area_counts(prepared: Prepared, keep: np.ndarray | None = None,
                ids: tuple[str, ...] | None = None, detail: tuple[str, ...] | None = None,
                ) -> tuple[pd.DataFrame, pd.Series]:
    """Counts per kelurahan over the households in ``keep`` (all when None).

    Returns (table indexed by kelurahan code, counts of households not linked to a kelurahan).
    Columns as :func:`aggregate`: ``rumah_tangga``, ``jiwa``, ``<id>`` for every id in ``ids``
    and, for the ids in ``detail`` (default: all of ``ids``), ``<id>_jiwa``, ``<id>_penyebut``
    and ``<id>_persen``.
    """
    ids = tuple(ids) if ids is not None else tuple(ind.id for ind in INDICATORS)
    detail = ids if detail is None else tuple(d for d in detail if d in ids)
    area, members = prepared.area, prepared.members
    if keep is not None and not keep.all():
        sel = np.flatnonzero(keep)
        area, members = area[sel], members[sel]
    else:
        sel = None
    size = len(prepared.codes) + 1

    def count(weights: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(area, weights=weights, minlength=size)

    def pick(values: np.ndarray) -> np.ndarray:
        return values if sel is None else values[sel]

    data: dict[str, np.ndarray] = {"rumah_tangga": count(), "jiwa": count(members)}
    for ind_id in ids:
        hit = pick(prepared.hits[ind_id])
        data[ind_id] = count(hit)
        if ind_id in detail:
            data[f"{ind_id}_jiwa"] = count(np.where(hit, members, 0.0))
            data[f"{ind_id}_penyebut"] = count(pick(prepared.dens[ind_id]))
    full = pd.DataFrame(data).round().astype("int64")
    full.index = pd.Index([*prepared.codes, ""], name="kode")
    table, unlinked = full.iloc[:-1].copy(), full.iloc[-1]
    return _with_rates(table, detail), unlinked


LEVEL_CODE_LENGTH = {"kelurahan": 13, "kecamatan": 8, "kota": 5}


def roll_up(kelurahan_table: pd.DataFrame, level: str) -> pd.DataFrame:
    """Sum a per-kelurahan table (from :func:`area_counts`) to ``kecamatan`` or ``kota`` by
    the dotted code's prefix, and recompute the rates."""
    if level == "kelurahan":
        return kelurahan_table
    counts = kelurahan_table[[c for c in kelurahan_table.columns if not c.endswith("_persen")]]
    keys = counts.index.str[:LEVEL_CODE_LENGTH[level]]
    table = counts.groupby(keys.to_numpy()).sum()
    table.index.name = "kode"
    ids = tuple(c.removesuffix("_penyebut") for c in table.columns if c.endswith("_penyebut"))
    return _with_rates(table, ids)


def totals(table: pd.DataFrame) -> pd.Series:
    """One row of sums over ``table``'s areas, with the rates recomputed."""
    counts = table[[c for c in table.columns if not c.endswith("_persen")]].sum()
    frame = counts.to_frame().T
    ids = tuple(c.removesuffix("_penyebut") for c in frame.columns if c.endswith("_penyebut"))
    return _with_rates(frame, ids).iloc[0]
