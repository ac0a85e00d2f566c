"""The filters every page shares: area, desil range, programs received, vulnerable groups.

Pure (no Streamlit): a :class:`Filters` value selects households with :meth:`Filters.mask`,
travels in the URL with :meth:`Filters.to_query` / :meth:`Filters.from_query`, and says in
Indonesian what it selects with :meth:`Filters.describe`. The period (snapshot) is not a field:
it is chosen beside the filters (``periode`` in the URL, see ``ui.context``).

Matching rules (also stated by :meth:`describe`):
- area: a household counts when its linked kelurahan (``region_code``) lies in one of the chosen
  kabupaten/kota (a province's register), in one of the chosen kecamatan *and*, when kelurahan
  are chosen, is one of them;
- desil: ``desil_min`` ≤ desil ≤ ``desil_max``; with the full range 1–10 households without a
  desil are kept, with any narrower range they are left out;
- programs: the household receives **every** chosen program;
- vulnerable groups: the household has at least one member of **every** chosen group.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from geo.codes import CODE_LENGTH, coarser, parent_code, parent_codes
from geo.schema import PROGRAMS, VULNERABLE

DESIL_MIN, DESIL_MAX = 1, 10

# URL names: short and readable (``?kab=36.74&kec=36.74.01&desil=1-4&program=pkh&rentan=lansia``)
PROGRAM_KEYS: dict[str, str] = {name.removeprefix("penerima_"): name for name in PROGRAMS}
VULNERABLE_KEYS: dict[str, str] = {name.removeprefix("jumlah_"): name for name in VULNERABLE}
QUERY_KEYS = ("kab", "kec", "kel", "desil", "program", "rentan")


def kecamatan_of(region_code: str) -> str:
    """``36.74.01.1001`` → ``36.74.01`` (the kecamatan part of a dotted kelurahan code)."""
    return parent_code(str(region_code), "kecamatan")


@dataclass(frozen=True)
class Filters:
    kecamatan: tuple[str, ...] = ()  # dotted kecamatan codes, e.g. "36.74.01"
    kelurahan: tuple[str, ...] = ()  # dotted kelurahan codes, e.g. "36.74.01.1001"
    desil_min: int = DESIL_MIN
    desil_max: int = DESIL_MAX
    programs: tuple[str, ...] = ()  # program columns, e.g. "penerima_pkh" (receives all)
    vulnerable: tuple[str, ...] = ()  # "jumlah_lansia", ... (has a member of each)
    kota: tuple[str, ...] = ()  # dotted kabupaten/kota codes, e.g. "36.02" (a province)

    def __post_init__(self) -> None:
        lo = min(max(int(self.desil_min), DESIL_MIN), DESIL_MAX)
        hi = min(max(int(self.desil_max), DESIL_MIN), DESIL_MAX)
        object.__setattr__(self, "desil_min", min(lo, hi))
        object.__setattr__(self, "desil_max", max(lo, hi))
        # canonical order, so equal selections are equal values (and cache keys)
        object.__setattr__(self, "kota", tuple(sorted(set(self.kota))))
        object.__setattr__(self, "kecamatan", tuple(sorted(set(self.kecamatan))))
        object.__setattr__(self, "kelurahan", tuple(sorted(set(self.kelurahan))))
        object.__setattr__(self, "programs",
                           tuple(p for p in PROGRAMS if p in set(self.programs)))
        object.__setattr__(self, "vulnerable",
                           tuple(v for v in VULNERABLE if v in set(self.vulnerable)))

    # ------------------------------------------------------------ selection

    @property
    def full_desil(self) -> bool:
        return self.desil_min == DESIL_MIN and self.desil_max == DESIL_MAX

    @property
    def is_empty(self) -> bool:
        """True when nothing is filtered."""
        return self == Filters()

    @property
    def has_area(self) -> bool:
        """True when an area (kabupaten/kota, kecamatan or kelurahan) is chosen."""
        return bool(self.kota or self.kecamatan or self.kelurahan)

    @property
    def households_only(self) -> Filters:
        """These filters without the area (for a map that shows every area of a level)."""
        return replace(self, kota=(), kecamatan=(), kelurahan=())

    def mask(self, households: pd.DataFrame) -> np.ndarray:
        """Boolean array: which rows of ``households`` the filters keep.

        Reads ``region_code``, ``desil``, the chosen program and vulnerable-group columns;
        a missing column selects nothing for a filter that needs it.
        """
        n = len(households)
        keep = np.ones(n, dtype=bool)
        if self.has_area:
            codes = households["region_code"] if "region_code" in households else None
            if codes is None:
                return np.zeros(n, dtype=bool)
            if self.kelurahan:
                keep &= codes.isin(self.kelurahan).to_numpy(dtype=bool, na_value=False)
            for chosen, level in ((self.kecamatan, "kecamatan"), (self.kota, "kota")):
                if chosen:
                    wanted = _kelurahan_in(codes, chosen, level)
                    keep &= codes.isin(wanted).to_numpy(dtype=bool, na_value=False)
        if not self.full_desil:
            if "desil" not in households:
                return np.zeros(n, dtype=bool)
            desil = _numbers(households["desil"], np.nan)
            keep &= (desil >= self.desil_min) & (desil <= self.desil_max)
        for column in (*self.programs, *self.vulnerable):
            if column not in households:
                return np.zeros(n, dtype=bool)
            keep &= _numbers(households[column], 0.0) > 0
        return keep

    # ------------------------------------------------------------ URL

    def to_query(self) -> dict[str, str]:
        """Query parameters for the active filters only (an unfiltered view adds nothing)."""
        out: dict[str, str] = {}
        if self.kota:
            out["kab"] = ",".join(self.kota)
        if self.kecamatan:
            out["kec"] = ",".join(self.kecamatan)
        if self.kelurahan:
            out["kel"] = ",".join(self.kelurahan)
        if not self.full_desil:
            out["desil"] = f"{self.desil_min}-{self.desil_max}"
        if self.programs:
            out["program"] = ",".join(p.removeprefix("penerima_") for p in self.programs)
        if self.vulnerable:
            out["rentan"] = ",".join(v.removeprefix("jumlah_") for v in self.vulnerable)
        return out

    @classmethod
    def from_query(cls, params: Mapping[str, object]) -> Filters:
        """Filters from query parameters; unknown or malformed values are ignored, never fatal.

        Accepts a plain dict, ``st.query_params`` or a dict of lists (``parse_qs``).
        """
        def items(key: str) -> list[str]:
            return _query_items(params, key)

        kota = tuple(c for c in items("kab") if _is_code(c, CODE_LENGTH["kota"]))
        kec = tuple(c for c in items("kec") if _is_code(c, CODE_LENGTH["kecamatan"]))
        kel = tuple(c for c in items("kel") if _is_code(c, CODE_LENGTH["kelurahan"]))
        lo, hi = DESIL_MIN, DESIL_MAX
        desil = items("desil")
        if desil:
            parts = desil[0].replace("–", "-").split("-")
            try:
                lo = int(parts[0])
                hi = int(parts[1]) if len(parts) > 1 and parts[1] else lo
            except ValueError:
                lo, hi = DESIL_MIN, DESIL_MAX
        programs = tuple(PROGRAM_KEYS[p] for p in (x.lower() for x in items("program"))
                         if p in PROGRAM_KEYS)
        vulnerable = tuple(VULNERABLE_KEYS[v] for v in (x.lower() for x in items("rentan"))
                           if v in VULNERABLE_KEYS)
        return cls(kec, kel, lo, hi, programs, vulnerable, kota)

    # ------------------------------------------------------------ words

    def describe(self, names: Mapping[str, str] | None = None) -> str:
        """The active filters in Indonesian, e.g. ``Kecamatan Serpong · desil 1–4 · menerima
        PKH dan BPNT/Sembako``; ``names`` maps region codes to names."""
        names = names or {}

        def named(codes: tuple[str, ...]) -> str:
            return ", ".join(str(names.get(c, c)) for c in codes)

        parts = []
        if self.kelurahan:
            parts.append(f"Kelurahan {named(self.kelurahan)}")
        if self.kecamatan:
            parts.append(f"Kecamatan {named(self.kecamatan)}")
        if self.kota:
            parts.append(named(self.kota))  # "Kabupaten Lebak": the name says which
        if not parts:
            parts.append("Seluruh wilayah")  # a city, a kabupaten or a province
        if not self.full_desil:
            parts.append(f"desil {self.desil_min}" if self.desil_min == self.desil_max
                         else f"desil {self.desil_min}–{self.desil_max}")
        if self.programs:
            parts.append("menerima " + _joined([PROGRAMS[p] for p in self.programs]))
        if self.vulnerable:
            parts.append("ada anggota " + _joined([VULNERABLE[v].lower()
                                                   for v in self.vulnerable]))
        return " · ".join(parts)


def chosen_areas(frame: pd.DataFrame, filters: Filters, level: str) -> pd.Series:
    """Which rows of a region table (``kode`` column, all of one ``level``) the area filter
    keeps: an area counts when it lies in (or holds) a chosen kabupaten/kota, a chosen
    kecamatan and a chosen kelurahan."""
    codes = frame["kode"].astype(str)
    keep = pd.Series(True, index=frame.index)
    for chosen, chosen_level in ((filters.kota, "kota"), (filters.kecamatan, "kecamatan"),
                                 (filters.kelurahan, "kelurahan")):
        if chosen:
            at = coarser(level, chosen_level)
            wanted = {parent_code(c, at) for c in chosen}
            keep &= parent_codes(codes, at).isin(wanted)
    return keep


def _joined(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " dan " + words[-1]


def _query_items(params: Mapping[str, object], key: str) -> list[str]:
    """The comma-separated parts of one query parameter (a string, or a list of them)."""
    raw = params.get(key) if hasattr(params, "get") else None
    if raw is None:
        return []
    values = raw if isinstance(raw, list | tuple) else [raw]
    return [part.strip() for v in values for part in str(v).split(",") if part.strip()]


def ignored_areas(params: Mapping[str, object], offered: Mapping[str, Collection[str]]
                  ) -> list[str]:
    """The areas of a link (``kab``, ``kec``, ``kel``) the sidebar cannot select, as written:
    malformed, or a code this data (or the user's area) does not hold. A link from another
    city, or an old one, must say so rather than silently show the whole area. ``offered``:
    the codes offered per parameter."""
    return [part for key in ("kab", "kec", "kel") for part in _query_items(params, key)
            if part not in offered.get(key, ())]


def _is_code(text: str, length: int) -> bool:
    return len(text) == length and text.replace(".", "").isdigit()


def _numbers(column: pd.Series, missing: float) -> np.ndarray:
    """A column's values as a NumPy array, ``missing`` for an empty one; a plain numeric column
    as it is (a cube's int8 flags and float32 desil are compared without a float64 copy)."""
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "fiub":
        return column.to_numpy()
    return column.to_numpy(dtype=float, na_value=missing)


def _kelurahan_in(codes: pd.Series, areas: tuple[str, ...], level: str) -> list[str]:
    """The distinct codes of ``codes`` lying in ``areas`` of ``level`` (cheap: few distinct
    codes)."""
    distinct = pd.unique(codes.dropna().astype(str)) if not isinstance(
        codes.dtype, pd.CategoricalDtype) else codes.cat.categories.astype(str)
    wanted = set(areas)
    return [c for c in distinct if parent_code(c, level) in wanted]
