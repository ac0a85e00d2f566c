"""The import plan: what a register file is and how it will be read and mapped, decided from
its head before anything is written (format, column mapping, code lists, flag schemes, value
tables), and what the preview shows of it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from geo.privacy import mask_id, mask_text
from geo.register_columns import (
    EXTRA_COLUMNS,
    HEADER_ALIASES,
    check_overrides,
    detect_mapping,
    personal_header,
)
from geo.register_errors import ImportFailed, no_rows
from geo.register_files import FileFormat, Source, detect_format, read_chunks
from geo.register_values import (
    PLN_UNKNOWN_METER,
    CodeListChoice,
    ValueEntryError,
    choose_code_list,
    entry_index,
    flag_scheme,
    known_lists,
    value_table,
)
from geo.schema import CODES, HOUSEHOLD_COLUMNS, PERSONAL_COLUMNS
from geo.table_files import decoded

SAMPLE_ROWS = 5_000  # rows read for the preview and to choose flag schemes

# The vocabulary (value_key, flags, code lists, phrases, the fit rule) is geo.register_values.

TARGET_KIND = {**HOUSEHOLD_COLUMNS, **{c: "text" for c in EXTRA_COLUMNS}}


# ====================================================================== the import plan

@dataclass
class ImportPlan:
    """What a file is and how it will be read: shown to the user before importing."""

    source: str
    format: FileFormat
    mapping: dict[str, str]  # header -> column
    code_choices: dict[str, CodeListChoice]  # coded column -> its code list and why
    flag_schemes: dict[str, str]  # column -> numeric flag scheme
    value_maps: dict[str, dict[str, object]]  # column -> value_key -> code (None: unmapped)
    sample: pd.DataFrame  # first rows, personal numbers masked
    entries: dict[str, dict[str, object]] = field(default_factory=dict)  # operator's own
    code_numbers: dict[str, dict[str, str]] = field(default_factory=dict)  # chosen lists

    @property
    def code_list(self) -> str | None:
        """The code list used, when every numbered column uses the same one."""
        used = sorted({c.chosen for c in self.code_choices.values() if c.chosen})
        return "+".join(used) if used else None

    @property
    def undecided(self) -> list[CodeListChoice]:
        """Coded columns whose code list neither fit nor header decides: the user chooses."""
        return [c for c in self.code_choices.values() if c.undecided]

    @property
    def unmapped_headers(self) -> list[str]:
        return [h for h in self.format.headers if h not in self.mapping]

    @property
    def missing_columns(self) -> list[str]:
        taken = set(self.mapping.values())
        return [c for c in HOUSEHOLD_COLUMNS if c not in taken]

    def header_of(self, column: str) -> str | None:
        for h, c in self.mapping.items():
            if c == column:
                return h
        return None

    def map_table(self, column: str, values: pd.Series) -> dict[str, object]:
        """value_key -> canonical value of ``values`` of ``column`` under this plan."""
        return value_table(column, values, self.code_numbers.get(column),
                           self.flag_schemes.get(column),
                           entry_index({column: self.entries.get(column, {})}).get(column))

    def to_dict(self) -> dict:
        return {
            "source": self.source, "format": asdict(self.format), "mapping": self.mapping,
            "unmapped_headers": self.unmapped_headers, "missing_columns": self.missing_columns,
            "code_list": self.code_list,
            "code_lists": {c: ch.chosen for c, ch in self.code_choices.items()},
            "code_list_fit": {c: {"oleh": ch.by, "cocok": ch.fits, "masalah": ch.problem}
                              for c, ch in self.code_choices.items() if ch.numbers},
            "value_entries": self.entries,
            "flag_schemes": self.flag_schemes, "value_maps": self.value_maps,
        }


def plan_import(source: object, mapping: dict[str, str] | None = None, *,
                source_name: str | None = None, sheet: str | None = None,
                code_list: str | dict[str, str] | None = None,
                values: dict[str, dict[str, object]] | None = None,
                profiles: dict[str, dict[str, dict[str, object]]] | None = None
                ) -> ImportPlan:
    """Read the head of a file and decide how to map it (for the preview and the import).

    ``code_list``: a code list for every coded column, or column -> list (the user's choice);
    otherwise each column's list is chosen by fit (:func:`geo.register_values.
    choose_code_list`). ``values``: the operator's own entries, column -> {value: code}.
    ``profiles``: the office's saved profiles (:func:`geo.store.value_profiles`), which count
    as code lists too."""
    src = source if isinstance(source, Source) else Source.of(source, source_name)
    overrides = dict(mapping or {})
    fmt = detect_format(src, overrides, sheet)
    check_overrides(overrides, fmt.headers, src.name)
    cols = detect_mapping(fmt.headers, overrides)
    # the columns first: a file that is no register at all is named as such, not by the
    # first line its rows break on
    if "id_keluarga" not in cols.values():
        raise ImportFailed(
            f"{src.name}: kolom ID keluarga tidak ditemukan (dicari: "
            f"{', '.join(HEADER_ALIASES['id_keluarga'][:5])}, …). Petakan kolomnya, mis. "
            "--map \"ID RUMAH TANGGA=id_keluarga\".")
    has_place = {"kode_kelurahan", "nama_kelurahan", "kddesa"} | {"lintang"}
    if not has_place & set(cols.values()):
        raise ImportFailed(
            f"{src.name}: tidak ada kolom kode kelurahan, nama kelurahan atau koordinat, jadi "
            "rumah tangga tidak bisa ditautkan ke wilayah. Petakan kolomnya dengan --map.")
    sample = decoded(src, fmt, lambda: next(read_chunks(src, fmt, chunk_rows=SAMPLE_ROWS),
                                            None))
    if sample is not None:
        sample = sample[~blank_rows(sample, fmt.headers)]
    if sample is None or sample.empty:
        raise no_rows(src.name)
    lists = known_lists(profiles)
    forced = _forced_lists(code_list, lists)
    try:
        keys = entry_index(values)
    except ValueEntryError as err:
        raise ImportFailed(str(err)) from None
    schemes, value_maps, choices, numbers = {}, {}, {}, {}
    for h, c in cols.items():
        kind = TARGET_KIND[c]
        if kind == "flag":
            schemes[c] = flag_scheme(sample[h])
        if kind == "code":
            choices[c] = choose_code_list(c, h, sample[h], lists, keys.get(c), forced.get(c))
            if choices[c].chosen:
                numbers[c] = dict(lists[choices[c].chosen].get(c, {}))
    shown = sample.head(20).drop(columns=[c for c in sample.columns if c.startswith("_lebih")])
    for h in shown.columns:  # NIK, KK, phone: by header, and by content in any column
        if cols.get(h) in PERSONAL_COLUMNS or personal_header(h):
            shown[h] = shown[h].map(mask_id)
        elif h != "_row":
            shown[h] = shown[h].map(mask_text)
    plan = ImportPlan(src.name, fmt, cols, choices, schemes, value_maps, shown,
                      entries={c: dict(v) for c, v in (values or {}).items() if v},
                      code_numbers=numbers)
    for h, c in cols.items():
        if TARGET_KIND[c] in ("flag", "code"):
            value_maps[c] = plan.map_table(c, sample[h])
    return plan


def value_rows(plan: ImportPlan, per_column: int = 50) -> list[dict[str, object]]:
    """The preview's value table: column, value as met (its value_key), what it becomes."""
    return [{"kolom": c, "nilai di berkas": k, "menjadi": v}
            for c, m in plan.value_maps.items() for k, v in list(m.items())[:per_column]]


def value_options() -> list[str]:
    """Every code a value can be mapped to in the preview (flags: 1, 0)."""
    codes = sorted({code for codes in CODES.values() for code in codes})
    return [*codes, PLN_UNKNOWN_METER, "1", "0"]


def merge_entries(*layers: dict[str, dict[str, object]]) -> dict[str, dict[str, object]]:
    """Operator value entries, later layers winning (a profile, then the user's edits)."""
    out: dict[str, dict[str, object]] = {}
    for layer in layers:
        for column, values in (layer or {}).items():
            out.setdefault(column, {}).update(values)
    return {c: v for c, v in out.items() if v}


def _forced_lists(code_list: str | dict[str, str] | None, lists: dict) -> dict[str, str]:
    """column -> list name the user chose (one name: every coded column); names checked."""
    if not code_list:
        return {}
    chosen = ({c: code_list for c, k in HOUSEHOLD_COLUMNS.items() if k == "code"}
              if isinstance(code_list, str) else {c: n for c, n in code_list.items() if n})
    for column, name in chosen.items():
        if name not in lists:
            raise ImportFailed(f"Daftar kode {name!r} tidak dikenal; pilih salah satu: "
                               f"{', '.join(lists)}.")
        if HOUSEHOLD_COLUMNS.get(column) != "code":
            raise ImportFailed(f"--kode {column}={name}: {column!r} bukan kolom berkode. Kolom "
                               "berkode: " + ", ".join(CODES) + ".")
    return chosen


def undecided_message(plan: ImportPlan) -> str:
    """Why the import stops before writing: the columns whose code list the user must choose
    (names the file, column, values and the --kode option)."""
    names = ", ".join(sorted({n for c in plan.undecided for n in c.fits}))
    parts = "; ".join(f"{c.column}: {c.problem}" for c in plan.undecided)
    first = plan.undecided[0]
    return (f"{plan.source}: daftar kode jawaban belum bisa dipilih, jadi tidak ada data yang "
            f"ditulis (data lama tetap). {parts}. Pilih daftarnya dengan --kode KOLOM=DAFTAR, "
            f"mis. --kode {first.column}={first.candidates[0] if first.candidates else 'pbdt2015'}"
            f" (daftar: {names}), atau petakan angkanya dengan --value KOLOM:nilai=kode.")


def blank_rows(chunk: pd.DataFrame, headers: list[str]) -> np.ndarray:
    data = chunk.drop(columns=["_row"])
    return data.isna().all(axis=1).to_numpy()
