"""Checking and converting the rows of a register chunk: the validation rules, the reasons a
person reads (:data:`REASONS`, :data:`NOTES`), and :func:`convert_chunk`, which turns a chunk
of text into typed canonical columns (numbers, identity numbers, mapped codes and flags, dates,
the kelurahan code, coordinates).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo import config
from geo.codes import join_split_code, normalize_codes
from geo.household_plan import TARGET_KIND, ImportPlan
from geo.privacy import mask_id
from geo.register_columns import SPLIT_CODE
from geo.register_values import (
    DAYA_METERED,
    DAYA_UNMETERED,
    PLN_UNKNOWN_METER,
    phrase_key,
    value_key,
)
from geo.schema import CODES, HOUSEHOLD_COLUMNS

# ====================================================================== validation rules

NIK_DIGITS = 16
DESIL_RANGE = (1, 10)
ART_RANGE = (1, 30)  # members of one household: more than 30 is a typo, not a household
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
    "art_luar": "{h}: jumlah anggota rumah tangga {v} tidak masuk akal: harus 1–30. Periksa "
                "isian di berkas sumber.",
    "angka_salah": "{h}: harus bilangan bulat ≥ 0, tertulis {v!r}.",
    "angka_luar": "{h}: {v} anggota tidak masuk akal: harus 0–30 (tidak lebih dari jumlah "
                  "anggota rumah tangga yang mungkin).",
    "luas_salah": "{h}: luas lantai harus angka lebih dari 0 (m²), tertulis {v!r}.",
    "koordinat_teks": "{h}: koordinat bukan angka ({v!r}). Tulis derajat desimal, mis. -6,2871.",
    "rumus": "{h}: berisi rumus Excel ({v}), bukan data. Hapus rumusnya dan tulis nilainya.",
    "html": "{h}: berisi kode HTML ({v}). Tulis teks biasa tanpa tanda < >.",
    "baris_total": "Baris jumlah/total ({v}), bukan rumah tangga. Hapus baris ini dari berkas.",
    "terlalu_panjang": "{h}: isian {n} terlalu panjang (batas {limit}, pengaturan "
                       "PETA_MAX_FIELD_KB); mungkin tanda kutip tidak ditutup. Periksa baris "
                       "ini di berkas sumber.",
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


def shorten(value: object, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"

# ====================================================================== converting a chunk

NUMBER_RE = r"^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"


def arrow_strings(text: pd.Series):  # noqa: ANN202
    import pyarrow as pa

    if isinstance(text.array, pd.arrays.ArrowStringArray):
        return pa.array(text.array)
    return pa.array(text.astype(object).where(text.notna(), None).tolist(), type=pa.string())


def _matches(text: pd.Series, pattern: str, ignore_case: bool = False) -> np.ndarray:
    """Boolean array: the RE2 ``pattern`` matches (False for missing), in pyarrow."""
    import pyarrow.compute as pc

    hit = pc.match_substring_regex(arrow_strings(text), pattern, ignore_case=ignore_case)
    return pc.fill_null(hit, False).to_numpy(zero_copy_only=False)


def _chars_in(text: pd.Series, chars: bytes) -> set[int]:
    """Which of ``chars`` occur anywhere in the column's text: one search over the column's
    bytes, not one per value (bytes of neighbouring values may also count)."""
    import pyarrow as pa

    a = arrow_strings(text)
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

    a = arrow_strings(text)
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
class Issues:
    """Reasons per row position of a chunk, only for rows that have any."""

    reasons: dict[int, list[str]] = field(default_factory=dict)
    kinds: Counter = field(default_factory=Counter)

    def add(self, mask: np.ndarray, kind: str, **fields: object) -> None:
        """Give every row of ``mask`` the reason ``REASONS[kind]``; a Series field is taken at
        the row (shortened), a callable field is called with the row position."""
        template = REASONS[kind.split(":")[-1]]
        for i in np.flatnonzero(mask):
            i = int(i)
            values = {k: (shorten(v.iat[i]) if isinstance(v, pd.Series) else
                          v(i) if callable(v) else v) for k, v in fields.items()}
            self.reasons.setdefault(i, []).append(template.format(**values))
            self.kinds[kind.split(":")[0]] += 1


def _all_digits(text: pd.Series) -> np.ndarray:
    """Boolean array: the value is one or more ASCII digits (False for missing)."""
    import pyarrow.compute as pc

    digits = pc.ascii_is_decimal(arrow_strings(text))
    return pc.fill_null(digits, False).to_numpy(zero_copy_only=False)


def _identity(text: pd.Series, label: str, header: str, issues: Issues, repairs: Counter,
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


def convert_chunk(chunk: pd.DataFrame, plan: ImportPlan, issues: Issues, unmapped: dict,
                  repairs: Counter) -> pd.DataFrame:
    """Typed canonical columns of one chunk; reasons go to ``issues``; values that could not be
    mapped to ``unmapped`` (column -> value -> count)."""
    out = pd.DataFrame(index=chunk.index)
    out["row_number"] = chunk["_row"].to_numpy()
    n = len(chunk)
    _long_fields(chunk, issues)
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
            # plausibility: every number finite and in its range, or the row is quarantined
            # with the reason (never stored as an empty value without one)
            finite = np.isfinite(values)
            if column == "jumlah_art":
                issues.add(~present, "art_kosong", h=h)
                wrong = present & (bad_text | (values < 1)
                                   | (finite & (values != np.floor(values))))
                issues.add(wrong, "art_salah", h=h, v=text)
                issues.add(present & ~wrong & (~finite | (values > ART_RANGE[1])), "art_luar",
                           h=h, v=text)
            elif column in ("lintang", "bujur"):
                issues.add(present & (bad_text | ~finite), "koordinat_teks", h=h, v=text)
            elif column == "luas_lantai":
                issues.add(present & (bad_text | ~finite | (values <= 0)), "luas_salah", h=h,
                           v=text)
            else:
                wrong = present & (bad_text | (values < 0)
                                   | (finite & (values != np.floor(values))))
                issues.add(wrong, "angka_salah", h=h, v=text)
                issues.add(present & ~wrong & (~finite | (values > ART_RANGE[1])), "angka_luar",
                           h=h, v=text)
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
                   v=lambda i: shorten(" | ".join(chunk[extra].iloc[i].dropna().astype(str))))

    _coordinates(out, repairs)
    return out


def _long_fields(chunk: pd.DataFrame, issues: Issues) -> None:
    """Rows with a field longer than ``PETA_MAX_FIELD_KB``: quarantined with the reason (the
    value is read whole, never cut)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    limit = config.max_field_kb() * 1024
    for h in chunk.columns:
        if h == "_row" or str(h).startswith("_lebih_"):
            continue
        column = chunk[h]
        if column.dtype.kind not in "OSU" and not isinstance(column.dtype, pd.StringDtype):
            continue
        try:
            length = pc.binary_length(arrow_strings(column))
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # numbers (XLSX): no long text
            continue
        if (pc.max(length).as_py() or 0) <= limit:
            continue
        sizes = pc.fill_null(length, 0).to_numpy(zero_copy_only=False)
        issues.add(sizes > limit, "terlalu_panjang", h=h, limit=_kb(limit),
                   n=lambda i, sizes=sizes: _kb(int(sizes[i])))


def _kb(size: int) -> str:
    from geo.fmt import fmt_int

    return f"{fmt_int(size // 1024)} KB"


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
