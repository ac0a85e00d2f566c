"""Household register import: any real export in, every row accounted for.

file (CSV / XLSX / Parquet, path or file-like) -> format, encoding, delimiter, sheet and header row
detected -> column mapping (aliases; user corrections) (these two: :mod:`geo.register_files`)
-> value mapping (flags, coded answers) ->
row validation (reasons in Indonesian) -> duplicates across the whole file -> linking
(:mod:`geo.link`) -> one transaction into a snapshot (period ``YYYY-MM``) with its quarantine.

Rows are read in chunks of :data:`CHUNK_ROWS` as text, so a 3-million-row register fits in
memory: only the typed canonical columns of accepted rows are kept, and the original values of
rejected rows. accepted + quarantined = rows read, always.
"""

from __future__ import annotations

import contextlib
import gc
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from geo import store
from geo.codes import join_split_code, normalize_codes
from geo.fmt import fmt_int
from geo.link import RegionIndex, link_counts, link_frame
from geo.privacy import mask_id
from geo.register_files import (
    CHUNK_ROWS,
    EXTRA_COLUMNS,
    HEADER_ALIASES,
    SPLIT_CODE,
    FileFormat,
    ImportFailed,
    Source,
    check_overrides,
    detect_format,
    detect_mapping,
    original_rows,
    read_chunks,
    rows_json,
)
from geo.register_values import (  # noqa: F401  (names kept importable from here)
    CODE_LISTS,
    DAYA_METERED,
    DAYA_UNMETERED,
    DEFAULT_CODE_LIST,
    FLAG_NUMBER_SCHEMES,
    FLAG_WORDS,
    PHRASES,
    PLN_UNKNOWN_METER,
    CodeListChoice,
    ValueEntryError,
    check_entry,
    choose_code_list,
    entry_index,
    flag_scheme,
    known_lists,
    parse_code_list_option,
    parse_value_option,
    phrase_key,
    value_key,
    value_table,
)
from geo.schema import CODES, HOUSEHOLD_COLUMNS, LINK_COLUMNS, PERSONAL_COLUMNS
from geo.snapshot_writer import SnapshotWriter, open_snapshot
from geo.sqlite_writer import WriterBusy

SAMPLE_ROWS = 5_000  # rows read for the preview and to choose flag schemes
REPORT_VALUES = 200  # distinct values per column listed in a snapshot's report
PERIOD_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

Progress = Callable[[float, str], None]


# ====================================================================== value mapping
# The vocabulary (value_key, flags, code lists, phrases, the fit rule) is geo.register_values.

TARGET_KIND = {**HOUSEHOLD_COLUMNS, **{c: "text" for c in EXTRA_COLUMNS}}


# ====================================================================== validation rules

NIK_DIGITS = 16
DESIL_RANGE = (1, 10)
# Indonesia's extent with a margin (Sabang .. Merauke, Rote .. Miangas).
INDONESIA_LAT = (-11.5, 6.5)
INDONESIA_LON = (94.5, 141.5)
TEXT_CHECKED = ("id_keluarga", "nama_krt", "alamat", "nama_kelurahan", "nama_kecamatan", "rt",
                "rw")
FORMULA_SIGN_RE = r"^[ \t]*[=+@]"  # a spreadsheet formula: = + @ first ...
FORMULA_MINUS_RE = r"^[ \t]*-[ \t]*[A-Za-z(]"  # ... or a minus before a name or bracket
FORMULA_RE = f"{FORMULA_SIGN_RE}|{FORMULA_MINUS_RE}"
HTML_RE = r"<[ \t]*/?[ \t]*[A-Za-z!][^>]*>"
NOT_DATA_CHARS = b"=+@<"  # without any of these in a column, only FORMULA_MINUS_RE can match
TOTALS_RE = r"^[ \t]*(?:grand[ \t]*)?(?:sub[ \t]*)?(?:total|jumlah|jml)(?:[^A-Za-z]|$)"

# Reasons a person reads: one template per rule, {h} is the file's header of the column.
REASONS: dict[str, str] = {
    "id_kosong": "{h}: ID keluarga kosong. Isi ID keluarga di berkas sumber.",
    "id_ganda": "{h}: ID keluarga {v} muncul lebih dari sekali (baris {rows}). Periksa apakah "
                "rumah tangga tercatat dua kali; semua baris dengan ID ini dikarantina.",
    "nik_ilmiah": "{h}: {label} rusak oleh Excel (tertulis {v}): digit terakhir hilang dan tidak "
                  "bisa ditebak. Ekspor ulang dengan kolom {h} berformat Teks.",
    "nik_panjang": "{h}: {label} harus {n} angka, tertulis {k} angka ({v}). Bila angka 0 di "
                   "depan atau di belakang hilang karena Excel, ekspor ulang sebagai Teks.",
    "nik_bukan_angka": "{h}: {label} hanya boleh berisi angka, tertulis {v}.",
    "nik_ganda": "{h}: NIK kepala keluarga yang sama dipakai rumah tangga lain (baris {rows}). "
                 "Periksa kedua rumah tangga.",
    "desil_kosong": "{h}: desil kosong. Isi desil 1–10.",
    "desil_teks": "{h}: desil harus angka 1–10, tertulis {v!r}.",
    "desil_luar": "{h}: desil harus 1–10, tertulis {v}.",
    "art_kosong": "{h}: jumlah anggota rumah tangga kosong. Isi minimal 1.",
    "art_salah": "{h}: jumlah anggota rumah tangga harus bilangan bulat ≥ 1, tertulis {v!r}.",
    "angka_salah": "{h}: harus bilangan bulat ≥ 0, tertulis {v!r}.",
    "luas_salah": "{h}: luas lantai harus angka ≥ 0 (m²), tertulis {v!r}.",
    "koordinat_teks": "{h}: koordinat bukan angka ({v!r}). Tulis derajat desimal, mis. -6,2871.",
    "rumus": "{h}: berisi rumus Excel ({v}), bukan data. Hapus rumusnya dan tulis nilainya.",
    "html": "{h}: berisi kode HTML ({v}). Tulis teks biasa tanpa tanda < >.",
    "baris_total": "Baris jumlah/total ({v}), bukan rumah tangga. Hapus baris ini dari berkas.",
    "kolom_lebih": "Baris berisi lebih banyak kolom daripada kepala kolom (mungkin tanda "
                   "pemisah di dalam teks tanpa tanda kutip): {v}. Perbaiki baris ini.",
}
# Not rejections: the row is kept and the note says what was done.
NOTES: dict[str, str] = {
    # (no "; " inside: notes of a row are joined with it)
    "koordinat_tertukar": "lintang dan bujur tertukar di berkas, dibalik otomatis",
    "koordinat_luar": "koordinat ({lat}, {lon}) di luar Indonesia, koordinat diabaikan",
    "koordinat_sebagian": "hanya satu dari lintang/bujur terisi, koordinat diabaikan",
}


def _short(value: object, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
    sample = None
    try:
        sample = next(read_chunks(src, fmt, chunk_rows=SAMPLE_ROWS), None)
    except UnicodeDecodeError:
        fmt.encoding = "cp1252"
        sample = next(read_chunks(src, fmt, chunk_rows=SAMPLE_ROWS), None)
    if sample is not None:
        sample = sample[~_blank_rows(sample, fmt.headers)]
    if sample is None or sample.empty:
        raise ImportFailed(f"{src.name}: hanya ada kepala kolom, tidak ada baris data. Ekspor "
                           "ulang register beserta datanya.")
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
    for h, c in cols.items():
        if c in PERSONAL_COLUMNS:
            shown[h] = shown[h].map(mask_id)
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


def _blank_rows(chunk: pd.DataFrame, headers: list[str]) -> np.ndarray:
    data = chunk.drop(columns=["_row"])
    return data.isna().all(axis=1).to_numpy()


# ====================================================================== converting a chunk

NUMBER_RE = r"^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"


def _arrow(text: pd.Series):  # noqa: ANN202
    import pyarrow as pa

    if isinstance(text.array, pd.arrays.ArrowStringArray):
        return pa.array(text.array)
    return pa.array(text.astype(object).where(text.notna(), None).tolist(), type=pa.string())


def _matches(text: pd.Series, pattern: str, ignore_case: bool = False) -> np.ndarray:
    """Boolean array: the RE2 ``pattern`` matches (False for missing), in pyarrow."""
    import pyarrow.compute as pc

    hit = pc.match_substring_regex(_arrow(text), pattern, ignore_case=ignore_case)
    return pc.fill_null(hit, False).to_numpy(zero_copy_only=False)


def _chars_in(text: pd.Series, chars: bytes) -> set[int]:
    """Which of ``chars`` occur anywhere in the column's text: one search over the column's
    bytes, not one per value (bytes of neighbouring values may also count)."""
    import pyarrow as pa

    a = _arrow(text)
    found: set[int] = set()
    for chunk in a.chunks if isinstance(a, pa.ChunkedArray) else [a]:
        data = chunk.buffers()[2]  # validity, offsets, then the characters of every value
        raw = data.to_pybytes() if data is not None else b""
        found.update(c for c in chars if raw.find(bytes([c])) >= 0)
    return found


def _to_number(text: pd.Series) -> pd.Series:
    """Decimal comma or point: ``-6,2871``, ``1.234,5`` and ``-6.2871``; NaN if not a number
    (vectorised in pyarrow: millions of rows)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    a = _arrow(text)
    for attempt in range(2):  # the usual case: every value a plain number (then trimmed)
        try:
            values = pc.cast(a, pa.float64())
            return pd.Series(values.to_numpy(zero_copy_only=False), index=text.index,
                             dtype=float)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            if attempt == 0:
                a = pc.utf8_trim_whitespace(a)
    both = pc.and_(pc.match_substring(a, ","), pc.match_substring(a, "."))
    a = pc.if_else(both, pc.replace_substring(a, ".", ""), a)
    a = pc.replace_substring(a, ",", ".")
    ok = pc.fill_null(pc.match_substring_regex(a, NUMBER_RE), False)
    values = pc.cast(pc.if_else(ok, a, pa.scalar(None, pa.string())), pa.float64())
    return pd.Series(values.to_numpy(zero_copy_only=False), index=text.index, dtype=float)


@dataclass
class _Issues:
    """Reasons per row position of a chunk, only for rows that have any."""

    reasons: dict[int, list[str]] = field(default_factory=dict)
    kinds: Counter = field(default_factory=Counter)

    def add(self, mask: np.ndarray, kind: str, **fields: object) -> None:
        """Give every row of ``mask`` the reason ``REASONS[kind]``; a Series field is taken at
        the row (shortened), a callable field is called with the row position."""
        template = REASONS[kind.split(":")[-1]]
        for i in np.flatnonzero(mask):
            i = int(i)
            values = {k: (_short(v.iat[i]) if isinstance(v, pd.Series) else
                          v(i) if callable(v) else v) for k, v in fields.items()}
            self.reasons.setdefault(i, []).append(template.format(**values))
            self.kinds[kind.split(":")[0]] += 1


def _all_digits(text: pd.Series) -> np.ndarray:
    """Boolean array: the value is one or more ASCII digits (False for missing)."""
    import pyarrow.compute as pc

    return pc.fill_null(pc.ascii_is_decimal(_arrow(text)), False).to_numpy(zero_copy_only=False)


def _identity(text: pd.Series, label: str, header: str, issues: _Issues, repairs: Counter,
              kind_prefix: str) -> pd.Series:
    """16-digit NIK / No. KK: kept as text; a number Excel damaged is rejected, never guessed.
    Only values that are not plain digits (few) go through the slower pattern checks."""
    s = text.str.strip()
    digits = _all_digits(s)
    present = s.notna().to_numpy()
    sci = np.zeros(len(s), dtype=bool)
    odd = np.flatnonzero(present & ~digits)
    if len(odd):
        rest = s.iloc[odd]
        sci[odd] = rest.str.fullmatch(r"[0-9.,]+[eE][+-]?[0-9]+").fillna(False).to_numpy()
        dot0 = rest.str.fullmatch(r"[0-9]+\.0+").fillna(False).to_numpy()
        if dot0.any():
            fixed = rest[dot0]
            repairs[f"{kind_prefix}_akhiran_.0_dihapus"] += int(
                (fixed.str.len() == NIK_DIGITS + 2).sum())
            s = s.astype(object)
            s.iloc[odd[dot0]] = fixed.str.replace(r"\.0+$", "", regex=True).to_numpy()
            digits[odd[dot0]] = True
    length = s.str.len().fillna(0).astype(int).to_numpy()
    issues.add(present & sci, f"{kind_prefix}_ilmiah:nik_ilmiah", h=header, label=label,
               v=text)
    issues.add(present & ~sci & ~digits, f"{kind_prefix}_bukan_angka:nik_bukan_angka",
               h=header, label=label, v=lambda i: mask_id(text.iat[i]))
    issues.add(present & digits & (length != NIK_DIGITS), f"{kind_prefix}_panjang:nik_panjang",
               h=header, label=label, n=NIK_DIGITS, k=lambda i: length[i],
               v=lambda i: mask_id(s.iat[i]))
    return s.where(pd.Series(digits & (length == NIK_DIGITS), index=s.index))


def convert_chunk(chunk: pd.DataFrame, plan: ImportPlan, issues: _Issues, unmapped: dict,
                  repairs: Counter) -> pd.DataFrame:
    """Typed canonical columns of one chunk; reasons go to ``issues``; values that could not be
    mapped to ``unmapped`` (column -> value -> count)."""
    out = pd.DataFrame(index=chunk.index)
    out["row_number"] = chunk["_row"].to_numpy()
    n = len(chunk)
    by_col = {c: h for h, c in plan.mapping.items()}

    def src(column: str) -> pd.Series | None:
        h = by_col.get(column)
        return None if h is None else chunk[h]

    for column, kind in HOUSEHOLD_COLUMNS.items():
        h = by_col.get(column)
        text = src(column)
        if text is None:
            out[column] = pd.Series([None] * n, index=chunk.index, dtype=object) \
                if kind in ("text", "code", "date") else np.nan
            continue
        present = text.notna().to_numpy()
        if column in ("nik_krt", "no_kk"):
            label = "NIK kepala keluarga" if column == "nik_krt" else "Nomor KK"
            out[column] = _identity(text, label, h, issues, repairs, column)
        elif kind == "text":
            clean = text.str.strip()
            out[column] = clean.where(clean != "")
        elif kind in ("int", "float"):
            number = _to_number(text)
            bad_text = present & number.isna().to_numpy()
            values = number.to_numpy(dtype=float)
            if column == "desil":
                lo, hi = DESIL_RANGE
                issues.add(~present, "desil_kosong", h=h)
                issues.add(bad_text, "desil_teks", h=h, v=text)
                wrong = present & ~bad_text & ((values < lo) | (values > hi)
                                               | (values != np.floor(values)))
                issues.add(wrong, "desil_luar", h=h, v=text)
            elif column == "jumlah_art":
                issues.add(~present, "art_kosong", h=h)
                wrong = present & (bad_text | (values < 1) | (values != np.floor(values)))
                issues.add(wrong, "art_salah", h=h, v=text)
            elif column in ("lintang", "bujur"):
                issues.add(bad_text, "koordinat_teks", h=h, v=text)
            elif column == "luas_lantai":
                issues.add(present & (bad_text | (values < 0)), "luas_salah", h=h, v=text)
            else:
                issues.add(present & (bad_text | (values < 0) | (values != np.floor(values))),
                           "angka_salah", h=h, v=text)
            if kind == "int":
                ok = (np.isfinite(values) & (values == np.floor(values))
                      & (np.abs(values) < 2**31))
                out[column] = pd.arrays.IntegerArray(
                    np.where(ok, values, 0).astype(np.int32), ~ok)
            else:
                out[column] = values
        elif kind in ("flag", "code"):
            out[column] = _map_values(text, column, plan, unmapped, chunk)
        elif kind == "date":
            out[column] = _to_date(text, column, unmapped)

    # the kelurahan code: one column, or four split columns
    code = out["kode_kelurahan"]
    parts = [src(p) for p in SPLIT_CODE]
    if all(p is not None for p in parts):
        joined = _join_split(parts)
        code = code.where(code.notna(), joined)
    elif parts[3] is not None:
        code = code.where(code.notna(), parts[3])
    normal = normalize_codes(code)
    out["kode_kelurahan"] = normal.where(normal.notna(), code).astype("str")

    # text that is not data: formulas, HTML; totals rows
    for column in TEXT_CHECKED:
        text = out[column]
        if text.isna().all():
            continue
        h = by_col.get(column)
        present = _chars_in(text, NOT_DATA_CHARS + b"-")
        if not present & set(NOT_DATA_CHARS):  # the usual case
            if ord("-") in present:
                issues.add(_matches(text, FORMULA_MINUS_RE), "rumus", h=h, v=text)
            continue
        suspect = _matches(text, f"{FORMULA_RE}|{HTML_RE}")  # one pass; then which one
        if not suspect.any():
            continue
        formula = suspect & _matches(text, FORMULA_RE)
        issues.add(formula, "rumus", h=h, v=text)
        issues.add(suspect & ~formula, "html", h=h, v=text)
    first = out["id_keluarga"].where(out["id_keluarga"].notna(), out["nama_krt"])
    totals = _matches(first, TOTALS_RE, ignore_case=True)
    issues.add(totals, "baris_total", v=first)
    id_h = by_col.get("id_keluarga")
    issues.add(out["id_keluarga"].isna().to_numpy() & ~totals, "id_kosong", h=id_h)
    extra = [c for c in chunk.columns if c.startswith("_lebih_")]
    if extra:
        more = chunk[extra].notna().any(axis=1).to_numpy()
        issues.add(more, "kolom_lebih",
                   v=lambda i: _short(" | ".join(chunk[extra].iloc[i].dropna().astype(str))))

    _coordinates(out, repairs)
    return out


def _join_split(parts: list[pd.Series]) -> pd.Series:
    frame = pd.DataFrame({i: p.astype(object) for i, p in enumerate(parts)})
    keys = frame.drop_duplicates()
    table = {tuple(r): join_split_code(*r) for r in keys.itertuples(index=False)}
    return pd.Series([table[tuple(r)] for r in frame.itertuples(index=False)],
                     index=parts[0].index, dtype=object)


def _map_values(text: pd.Series, column: str, plan: ImportPlan, unmapped: dict,
                chunk: pd.DataFrame) -> object:
    """Coded answers and flags through the plan's value table (extended with values first met
    in this chunk); works on the distinct values only. Unplaceable values are counted in
    ``unmapped`` and left empty."""
    table = plan.value_maps.setdefault(column, {})
    codes, uniques = pd.factorize(text)
    keys = [value_key(u) for u in uniques]
    missing = [u for u, k in zip(uniques, keys) if k not in table]
    if missing:
        table.update(plan.map_table(column, pd.Series(missing, dtype=object)))
    targets = [table.get(k) for k in keys]
    if column == "sumber_penerangan" and PLN_UNKNOWN_METER in targets:
        targets, codes = _pln_meter(text, codes, targets, plan, chunk, unmapped)
    lost = [u for u, t in zip(uniques, targets) if t is None]
    if lost:
        counts = np.bincount(codes[codes >= 0], minlength=len(targets))
        bucket = unmapped.setdefault(column, Counter())
        for i, (u, t) in enumerate(zip(uniques, targets)):
            if t is None and counts[i]:
                bucket[str(u)] += int(counts[i])
    if TARGET_KIND[column] == "flag":  # small types: millions of rows stay in memory
        lookup = np.array([-1 if t is None else int(t) for t in targets] + [-1], dtype=np.int8)
        values = lookup[codes]
        return pd.arrays.IntegerArray(np.maximum(values, 0), values < 0)
    categories = CODES[column]
    position = {c: i for i, c in enumerate(categories)}
    lookup = np.array([position.get(t, -1) for t in targets] + [-1], dtype=np.int8)
    return pd.Categorical.from_codes(lookup[codes], categories=categories)


def _pln_meter(text: pd.Series, codes: np.ndarray, targets: list, plan: ImportPlan,
               chunk: pd.DataFrame, unmapped: dict) -> tuple[list, np.ndarray]:
    """PBDT lighting 1 (listrik PLN): metered or not comes from the ``daya`` column; rows with
    no usable ``daya`` are reported, not guessed."""
    pln = np.isin(codes, [i for i, t in enumerate(targets) if t == PLN_UNKNOWN_METER])
    targets = [None if t == PLN_UNKNOWN_METER else t for t in targets]
    targets += ["listrik_pln_meteran", "listrik_pln_tanpa_meteran"]
    meter_code, unmetered_code = len(targets) - 2, len(targets) - 1
    codes = codes.copy()
    daya_h = plan.header_of("daya")
    if daya_h is not None:
        daya = chunk[daya_h].map(lambda v: None if pd.isna(v) else phrase_key(v))
        codes[pln & daya.isin(DAYA_METERED).to_numpy()] = meter_code
        codes[pln & daya.isin(DAYA_UNMETERED).to_numpy()] = unmetered_code
    still = pln & (codes < meter_code)
    if still.any():
        bucket = unmapped.setdefault("sumber_penerangan", Counter())
        for v, k in text[still].value_counts().items():
            bucket[f"{v} (listrik PLN; status meteran tidak diketahui tanpa kolom daya)"] += k
        codes[still] = -1
    return targets, codes


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d", "%d.%m.%Y", "%Y%m%d")


def _to_date(text: pd.Series, column: str, unmapped: dict) -> pd.Series:
    """Dates as ``YYYY-MM-DD`` text; values already written so are kept as they are (no
    formatting of a million dates), other formats and Excel day numbers are converted."""
    s = text.str.strip().str.slice(0, 10)
    result = pd.to_datetime(s, format=DATE_FORMATS[0], errors="coerce")
    iso = result.notna() & (s.str.len() == 10)
    for f in DATE_FORMATS[1:]:
        todo = result.isna() & s.notna()
        if not todo.any():
            break
        result = result.where(~todo, pd.to_datetime(s.where(todo), format=f, errors="coerce"))
    todo = result.isna() & s.notna()
    if todo.any():
        serial = todo & s.str.fullmatch(r"[0-9]{5}(?:\.0+)?").fillna(False)
        if serial.any():  # Excel day numbers
            days = pd.to_numeric(s.where(serial), errors="coerce")
            result = result.where(~serial, pd.Timestamp("1899-12-30")
                                  + pd.to_timedelta(days, unit="D"))
    lost = text.notna() & result.isna()
    if lost.any():
        bucket = unmapped.setdefault(column, Counter())
        for v, k in text[lost].value_counts().items():
            bucket[str(v)] += int(k)
    out = s.where(iso)
    other = result.notna() & ~iso
    if other.any():
        out = out.where(~other, result.where(other).dt.strftime("%Y-%m-%d"))
    return out.astype("str")


def _coordinates(out: pd.DataFrame, repairs: Counter) -> None:
    """Swapped lat/lon are swapped back (Indonesia's latitude and longitude ranges do not
    overlap, so it is certain); points outside Indonesia (also 0,0) are dropped with a note."""
    lat, lon = out["lintang"].to_numpy(dtype=float), out["bujur"].to_numpy(dtype=float)
    notes = np.full(len(out), None, dtype=object)

    def inside(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return ((a >= INDONESIA_LAT[0]) & (a <= INDONESIA_LAT[1])
                & (b >= INDONESIA_LON[0]) & (b <= INDONESIA_LON[1]))

    both = ~np.isnan(lat) & ~np.isnan(lon)
    ok = both & inside(lat, lon)
    swapped = both & ~ok & inside(lon, lat)
    lat2, lon2 = lat.copy(), lon.copy()
    lat2[swapped], lon2[swapped] = lon[swapped], lat[swapped]
    notes[swapped] = NOTES["koordinat_tertukar"]
    outside = both & ~ok & ~swapped
    for i in np.flatnonzero(outside):
        notes[i] = NOTES["koordinat_luar"].format(lat=lat[i], lon=lon[i])
    half = np.isnan(lat) ^ np.isnan(lon)
    notes[half] = NOTES["koordinat_sebagian"]
    lat2[outside | half], lon2[outside | half] = np.nan, np.nan
    repairs["koordinat_tertukar_dibalik"] += int(swapped.sum())
    repairs["koordinat_di_luar_indonesia_diabaikan"] += int(outside.sum())
    repairs["koordinat_sebagian_diabaikan"] += int(half.sum())
    out["lintang"], out["bujur"] = lat2, lon2
    out["_catatan"] = notes


# ====================================================================== the import

@dataclass
class ImportResult:
    counts: dict
    snapshot_id: int
    report: dict
    period: str = ""

    def to_dict(self) -> dict:
        return {"snapshot_id": self.snapshot_id, "period": self.period,
                "counts": dict(self.counts), "report": self.report}


def _step(progress: Progress | None, fraction: float, text: str) -> None:
    if progress is not None:
        progress(max(0.0, min(1.0, fraction)), text)


def import_households(engine: Engine, path: object, period: str, *,
                      mapping: dict[str, str] | None = None, progress: Progress | None = None,
                      is_demo: bool = False, source_name: str | None = None,
                      sheet: str | None = None,
                      code_list: str | dict[str, str] | None = None,
                      values: dict[str, dict[str, object]] | None = None,
                      chunk_rows: int = CHUNK_ROWS) -> ImportResult:
    """Import a register file (path, or file-like with a name) into the snapshot ``period``.

    One transaction: the period is replaced whole, or, on any failure, left as it was. Raises
    :class:`ImportFailed` (Indonesian message) when the file cannot be used at all, or when a
    coded column's code list is undecided (:func:`undecided_message`; nothing is written).
    ``code_list``, ``values``: see :func:`plan_import`; the office's saved profiles are read
    from the database.
    """
    if not isinstance(period, str) or not PERIOD_RE.match(period):
        raise ImportFailed(f"Periode {period!r} tidak sah: tulis sebagai TTTT-BB, mis. 2026-09.")
    src = Source.of(path, source_name)
    with _gc_paused():
        return _import(engine, src, period, mapping, progress, is_demo, sheet, code_list,
                       values, chunk_rows)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cycle collector rescans every live object each time millions of row tuples are
    made; an import creates no cycles worth collecting, so it is paused meanwhile."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _import(engine: Engine, src: Source, period: str, mapping: dict[str, str] | None,
            progress: Progress | None, is_demo: bool, sheet: str | None,
            code_list: str | dict[str, str] | None, values: dict | None,
            chunk_rows: int) -> ImportResult:
    _step(progress, 0.0, f"Membaca {src.name}…")
    plan = plan_import(src, mapping, sheet=sheet, code_list=code_list, values=values,
                       profiles=store.value_profiles(engine))
    if plan.undecided:  # before anything is written: the previous data stays
        raise ImportFailed(undecided_message(plan))
    regions = RegionIndex.from_store(engine)
    for attempt in range(2):
        try:
            with open_snapshot(engine, period, src.name, is_demo) as writer:
                return _import_into(writer, src, plan, regions, progress, chunk_rows, period)
        except WriterBusy as err:
            raise ImportFailed("Basis data sedang dipakai proses lain (mis. impor lain) lebih "
                               "dari 30 detik; data lama tidak berubah. Coba lagi sebentar "
                               "lagi.") from err
        except UnicodeDecodeError:  # the whole transaction is rolled back: read again
            if attempt or plan.format.encoding == "cp1252":
                raise ImportFailed(f"{src.name}: pengodean teks tidak dikenali. Simpan ulang "
                                   "sebagai CSV UTF-8.") from None
            plan.format.encoding = "cp1252"
    raise AssertionError("unreachable")


def _import_into(writer: SnapshotWriter, src: Source, plan: ImportPlan, regions: RegionIndex,
                 progress: Progress | None, chunk_rows: int, period: str) -> ImportResult:
    """Read, check, link and store chunk by chunk (the writer stores one part while the next is
    read); rows found bad only once the whole file is seen (duplicates) are then dropped."""
    size = max(src.size(), 1)
    keys: list[pd.DataFrame] = []  # row_number, id_keluarga, nik_krt of every row
    id_keys: list[np.ndarray | None] = []  # their digit_keys per chunk
    nik_keys: list[np.ndarray | None] = []
    links: list[pd.DataFrame] = []  # row_number and link columns of every stored row
    rejected: dict[int, str] = {}  # raw values (JSON) of rows rejected within their chunk
    reasons_all: dict[int, list[str]] = {}  # reasons by position among all rows read
    repairs: Counter = Counter()
    unmapped: dict[str, Counter] = {}
    kinds: Counter = Counter()
    rows_read = 0
    for chunk in read_chunks(src, plan.format, chunk_rows):
        blank = _blank_rows(chunk, plan.format.headers)
        if blank.any():
            repairs["baris_kosong_dilewati"] += int(blank.sum())
            chunk = chunk.loc[~blank]
        if chunk.empty:
            continue
        chunk = chunk.reset_index(drop=True)
        issues = _Issues()
        typed = convert_chunk(chunk, plan, issues, unmapped, repairs)
        kinds.update(issues.kinds)
        positions = sorted(issues.reasons)
        for i in positions:
            reasons_all[rows_read + i] = issues.reasons[i]
        rejected.update(zip(chunk["_row"].to_numpy()[positions].tolist(),
                            rows_json(chunk, positions)))
        keys.append(typed[["row_number", "id_keluarga", "nik_krt"]])
        id_keys.append(digit_keys(typed["id_keluarga"]))
        nik_keys.append(digit_keys(typed["nik_krt"]))
        keep = np.ones(len(typed), dtype=bool)
        keep[positions] = False
        part = _linked(typed, regions)  # rejected rows too: cheaper than a copy without them
        links.append(part.loc[keep, ["row_number", "link_method", "link_conflict"]])
        writer.add(part, keep)
        rows_read += len(typed)
        _step(progress, 0.95 * (min(1.0, rows_read * 200 / size) if plan.format.kind != "csv"
                                else _approx_fraction(int(chunk["_row"].iat[-1]), rows_read,
                                                      size)),
              f"Membaca, memeriksa, menautkan dan menyimpan {fmt_int(rows_read)} baris…")
    if not rows_read:
        raise ImportFailed(f"{src.name}: tidak ada baris data. Ekspor ulang register beserta "
                           "datanya.")

    _step(progress, 0.96, "Mencari id keluarga dan NIK ganda…")
    every = pd.concat(keys, ignore_index=True)
    del keys
    first_bad = set(reasons_all)
    _duplicates(every, plan, reasons_all, kinds, id_keys, nik_keys)
    bad = np.zeros(rows_read, dtype=bool)
    if reasons_all:
        bad[list(reasons_all)] = True
    row_numbers = every["row_number"].to_numpy()
    del every
    stored = pd.concat(links, ignore_index=True)
    late = row_numbers[sorted(set(reasons_all) - first_bad)]  # stored, then found bad
    if len(late):
        writer.drop(late.tolist())  # not waited for: the writer works while we read below
        stored = stored[~stored["row_number"].isin(late)]
    # original values of rejected rows: kept from their chunk, or read again for rows rejected
    # only when the whole file was seen (duplicates)
    need = set(row_numbers[bad].tolist()) - set(rejected)
    if need:
        rejected.update(original_rows(src, plan.format, need, chunk_rows))
    quarantine = pd.DataFrame({
        "row_number": row_numbers[bad],
        "values_json": [rejected.get(int(r), "{}") for r in row_numbers[bad]],
        "reasons": ["; ".join(reasons_all[i]) for i in np.flatnonzero(bad)],
    })
    counts = {"rows_read": rows_read, "accepted": int((~bad).sum()),
              "quarantined": int(bad.sum()), **link_counts(stored)}
    report = {
        **plan.to_dict(),
        "unmapped_values": {c: dict(v.most_common(REPORT_VALUES)) for c, v in
                            unmapped.items() if v},
        "unmapped_value_counts": {c: int(sum(v.values())) for c, v in unmapped.items()
                                  if v},
        "repairs": {k: v for k, v in repairs.items() if v},
        "quarantine_reasons": dict(kinds),
        "regions_available": len(regions),
        "value_maps": {c: dict(list(m.items())[:REPORT_VALUES]) for c, m in
                       plan.value_maps.items()},
    }
    _step(progress, 0.98, "Menyimpan karantina dan ringkasan…")
    writer.finish(quarantine, counts, report)
    _step(progress, 1.0, "Selesai.")
    return ImportResult(counts=counts, snapshot_id=writer.snapshot_id, report=report,
                        period=period)


def _linked(part: pd.DataFrame, regions: RegionIndex) -> pd.DataFrame:
    """Accepted rows with their LINK_COLUMNS; the link note follows the row's own notes."""
    links = link_frame(part, regions)
    notes = part.pop("_catatan").astype(object)
    extra = links["link_note"].astype(object)
    links["link_note"] = notes.where(extra.isna(), extra).where(
        notes.isna(), notes.where(extra.isna(), notes + "; " + extra))
    return pd.concat([part, links[list(LINK_COLUMNS)]], axis=1)  # no copy of the columns


def _approx_fraction(line: int, rows: int, size: int) -> float:
    return min(1.0, rows * 250 / size)


def digit_keys(text: pd.Series) -> np.ndarray | None:
    """Integer keys of digit strings of at most 17 digits, equal exactly when the texts are
    equal (the length is part of the key: ``012`` is not ``12``); -1 for missing. None when a
    value is not such a string. Sorting integers is far cheaper than hashing a million texts,
    and keys are made chunk by chunk while the writer is busy."""
    import pyarrow as pa
    import pyarrow.compute as pc

    a = _arrow(text)
    length = pc.utf8_length(a)
    fits = pc.and_(pc.ascii_is_decimal(a), pc.less_equal(length, 17))
    if not pc.all(pc.fill_null(fits, True)).as_py():
        return None
    value = pc.cast(pc.fill_null(a, "0"), pa.int64()).to_numpy(zero_copy_only=False)
    key = pc.fill_null(length, 0).to_numpy(zero_copy_only=False).astype(np.int64) * 10**17 \
        + value
    key[pc.is_null(a).to_numpy(zero_copy_only=False)] = -1
    return key


def _row_keys(values: pd.Series, keys: list[np.ndarray | None] | None) -> np.ndarray:
    """An integer per row, equal exactly when the values are; -1 for missing: the chunks'
    digit keys when every chunk had them, else codes from hashing the texts."""
    if keys and all(k is not None for k in keys):
        return np.concatenate(keys)
    return pd.factorize(values)[0].astype(np.int64)


def _repeated(key: np.ndarray) -> np.ndarray:
    """Rows whose key (not missing) occurs more than once."""
    present = key >= 0
    ordered = np.sort(key[present])
    twice = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    if not len(twice):
        return np.zeros(len(key), dtype=bool)
    at = np.minimum(np.searchsorted(twice, key), len(twice) - 1)
    return present & (twice[at] == key)


def _duplicates(table: pd.DataFrame, plan: ImportPlan, reasons_all: dict[int, list[str]],
                kinds: Counter, id_keys: list[np.ndarray | None] | None = None,
                nik_keys: list[np.ndarray | None] | None = None) -> None:
    """The same id_keluarga twice, the same NIK in two households: every row involved.
    ``id_keys``, ``nik_keys``: :func:`digit_keys` of each chunk, if made while reading."""
    rows = table["row_number"].to_numpy()

    def others(positions: np.ndarray, i: int) -> str:
        listed = [str(rows[p]) for p in positions if p != i][:5]
        return ", ".join(listed) + (" …" if len(positions) > 6 else "")

    ids = table["id_keluarga"]
    id_key = _row_keys(ids, id_keys)
    dup = _repeated(id_key)
    if dup.any():
        h = plan.header_of("id_keluarga")
        for pos in _groups(id_key, dup):
            for i in pos:
                reasons_all.setdefault(int(i), []).append(REASONS["id_ganda"].format(
                    h=h, v=_short(ids.iat[i], 24), rows=others(pos, i)))
                kinds["id_ganda"] += 1
    nik_key = _row_keys(table["nik_krt"], nik_keys)
    shared = np.flatnonzero(_repeated(nik_key))  # a NIK on more than one row ...
    if len(shared):
        # ... of more than one household (distinct ids; a missing id counts as one)
        households = pd.Series(id_key[shared]).groupby(nik_key[shared]).transform("nunique")
        hit = np.zeros(len(nik_key), dtype=bool)
        hit[shared[households.to_numpy() > 1]] = True
        if hit.any():
            h = plan.header_of("nik_krt")
            for pos in _groups(nik_key, hit):
                for i in pos:
                    reasons_all.setdefault(int(i), []).append(REASONS["nik_ganda"].format(
                        h=h, rows=others(pos, i)))
                    kinds["nik_ganda"] += 1


def _groups(codes: np.ndarray, mask: np.ndarray) -> list[np.ndarray]:
    """Positions of the ``mask`` rows grouped by their code, each group in file order."""
    pos = np.flatnonzero(mask)
    pos = pos[np.argsort(codes[pos], kind="stable")]
    cuts = np.flatnonzero(np.diff(codes[pos])) + 1
    return np.split(pos, cuts)


# ====================================================================== value entries

def value_entries(engine: Engine, profile: str | None, items: list[str] | None
                  ) -> dict[str, dict[str, object]]:
    """The operator's value entries: a saved profile's, then ``--value`` items over them."""
    entries: dict[str, dict[str, object]] = {}
    if profile:
        saved = store.value_profiles(engine)
        if profile not in saved:
            raise ImportFailed(f"Profil {profile!r} tidak ada. Profil tersimpan: "
                               f"{', '.join(saved) or '(belum ada)'}.")
        entries = saved[profile]
    given: dict[str, dict[str, object]] = {}
    for item in items or []:
        column, value, code = parse_value_option(item)
        given.setdefault(column, {})[value] = code
    return merge_entries(entries, given)
