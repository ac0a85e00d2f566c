"""The register's value vocabulary: how an answer written in a file becomes a canonical code.

One place for: how values are compared (:func:`value_key`, :func:`phrase_key`), the flag words
and numeric flag schemes, the numbered code lists (PBDT 2015, DTSEN, the office's own saved
profiles), the Indonesian phrases, and the rule that picks a code list per column by fit
(:func:`choose_code_list`). Nothing here reads files or databases.

Order of mapping one value of a coded column (:func:`map_value`):
1. the operator's own entries (``--value``, an edited preview, a saved profile);
2. a number: the column's chosen code list (no list chosen: unmapped);
3. words: the phrase table (the same in every era), also after a leading answer number
   (``"3. Leding meteran"``).
What still does not map is reported with its row count, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from geo.register_files import ImportFailed
from geo.schema import CODES, HOUSEHOLD_COLUMNS

# ====================================================================== comparing values


def value_key(value: object) -> str:
    """How coded values are compared: lower case, words of letters/digits, ``01``/``1.0`` -> 1."""
    text = " ".join(re.sub(r"[^0-9a-z]+", " ", str(value).lower()).split())
    if re.fullmatch(r"\d+(\.0+)?", str(value).strip()):
        text = str(int(float(str(value).strip())))
    return text


# Abbreviations met in registers, expanded word by word before comparing phrases.
ABBREVIATIONS: dict[str, str] = {
    "tdk": "tidak", "tak": "tidak", "gak": "tidak", "tnp": "tanpa",
    "dll": "lain lain", "dsb": "lain lain", "lain2": "lain lain", "lainya": "lainnya",
    "yg": "yang", "dgn": "dengan", "dg": "dengan", "kpl": "kepala", "kual": "kualitas",
    "klts": "kualitas", "mtr": "meteran", "meter": "meteran", "w": "watt",
    "ledeng": "leding", "septic": "septik", "tank": "tangki",
}


def phrase_key(value: object) -> str:
    """:func:`value_key`, and also: thousands points joined (``1.300`` -> 1300), abbreviations
    expanded (``tdk``/``tak`` -> tidak, ``dll`` -> lain lain, ...). Slashes, hyphens, case and
    spacing are ignored, so ``Cemplung/Cubluk`` and ``cemplung - cubluk`` compare equal."""
    raw = str(value).strip().lower()
    if re.fullmatch(r"\d+(\.0+)?", raw):
        return str(int(float(raw)))
    raw = re.sub(r"(?<=\d)\.(?=\d{3}(?!\d))", "", raw)
    words = re.sub(r"[^0-9a-z]+", " ", raw).split()
    return " ".join(ABBREVIATIONS.get(w, w) for w in words)


def is_number(key: str) -> bool:
    return key.isdigit()


# ====================================================================== flags

# Flags (0/1). Numbers are read per column: 1/0, or the questionnaire's 1 = ya / 2 = tidak, or
# 3 = ya / 4 = tidak in some blocks; the scheme is chosen from the column's values, never
# globally (household-data.md).
FLAG_WORDS: dict[str, int] = {
    "ya": 1, "y": 1, "iya": 1, "yes": 1, "true": 1, "benar": 1, "ada": 1, "penerima": 1,
    "v": 1, "tidak": 0, "t": 0, "tdk": 0, "no": 0, "n": 0, "false": 0, "salah": 0,
    "tidak ada": 0, "bukan penerima": 0, "bukan": 0,
}
FLAG_NUMBER_SCHEMES: dict[str, dict[str, int]] = {
    "1=ya, 0=tidak": {"1": 1, "0": 0},
    "1=ya, 2=tidak": {"1": 1, "2": 0},
    "3=ya, 4=tidak": {"3": 1, "4": 0},
}
_FLAG_INDEX = {phrase_key(w): v for w, v in FLAG_WORDS.items()}


def flag_scheme(values: pd.Series) -> str:
    """Which numeric flag scheme a column's (sample) values follow."""
    keys = {value_key(v) for v in values.dropna().unique()}
    if keys & {"3", "4"} and not keys & {"0", "2"}:
        return "3=ya, 4=tidak"
    if "2" in keys and "0" not in keys:
        return "1=ya, 2=tidak"
    return "1=ya, 0=tidak"


# ====================================================================== electricity

PLN_UNKNOWN_METER = "?listrik_pln"  # PLN, meter status from the ``daya`` column
# ``daya`` answers (PBDT: 1 450 W, 2 900 W, 3 1.300 W, 4 2.200 W, 5 > 2.200 W, 6 tanpa meteran),
# compared by phrase_key
DAYA_METERED = {phrase_key(v) for v in (
    "1", "2", "3", "4", "5", "450", "900", "1300", "2200", "450 W", "900 W", "1.300 W",
    "2.200 W", "> 2.200 W", "450 watt", "900 watt", "1300 watt", "2200 watt", "meteran",
    "dengan meteran", "pakai meteran")}
DAYA_UNMETERED = {phrase_key(v) for v in ("6", "tanpa meteran", "tanpa meter",
                                          "tidak ada meteran", "tidak pakai meteran")}


# ====================================================================== numbered code lists

# Numeric answer codes per code list (household-data.md). PBDT 2015 / DTKS questionnaire.
CODE_LISTS: dict[str, dict[str, dict[str, str]]] = {
    "pbdt2015": {
        "sumber_air_minum": {
            "1": "air_kemasan", "2": "isi_ulang", "3": "ledeng", "4": "ledeng",
            "5": "sumur_bor_pompa", "6": "sumur_terlindung", "7": "sumur_tak_terlindung",
            "8": "mata_air_terlindung", "9": "mata_air_tak_terlindung", "10": "air_permukaan",
            "11": "air_hujan", "12": "lainnya"},
        "fasilitas_bab": {"1": "sendiri", "2": "bersama", "3": "umum", "4": "tidak_ada"},
        "jenis_kloset": {"1": "leher_angsa", "2": "plengsengan", "3": "cemplung",
                         "4": "tidak_pakai"},
        # 4 (kolom/sawah/sungai/danau/laut) and 5 (pantai/tanah lapang/kebun) are both
        # unimproved; the canonical list has no exact match for either.
        "pembuangan_tinja": {"1": "tangki_septik", "2": "ipal", "3": "lubang_tanah",
                             "4": "kolam_sawah", "5": "lainnya", "6": "lainnya"},
        "sumber_penerangan": {"1": PLN_UNKNOWN_METER, "2": "listrik_non_pln",
                              "3": "bukan_listrik"},
        "jenis_lantai": {"1": "marmer_granit", "2": "keramik", "3": "parket_vinil",
                         "4": "ubin_tegel", "5": "kayu_kualitas_tinggi", "6": "semen_bata",
                         "7": "bambu", "8": "kayu_kualitas_rendah", "9": "tanah",
                         "10": "lainnya"},
        "jenis_dinding": {"1": "tembok", "2": "plesteran_anyaman_bambu", "3": "kayu",
                          "4": "anyaman_bambu", "5": "batang_kayu", "6": "bambu",
                          "7": "lainnya"},
        "jenis_atap": {"1": "beton", "2": "genteng_keramik", "3": "genteng_metal",
                       "4": "genteng_tanah_liat", "5": "asbes", "6": "seng", "7": "sirap",
                       "8": "bambu", "9": "jerami_ijuk_rumbia", "10": "lainnya"},
    },
    # DTSEN numbers the answers differently and no verified codebook is at hand: its numbers
    # are reported as unmapped (with counts) rather than guessed. Add the office's codebook here.
    "dtsen": {},
}
DEFAULT_CODE_LIST = "pbdt2015"
# The era a built-in list belongs to; a column whose own header names another era is never
# read with it (an office's saved list has no era).
LIST_ERA = {"pbdt2015": "pbdt", "dtsen": "dtsen"}
# A list is used only when it places at least this share of the column's numbered rows.
MIN_FIT = 0.95
# Headers that only PBDT/BDT 2015 exports use (compared lower case, separators as "_"); a
# DTSEN-era header of a coded column starts with "id" (id_sumber_airminum, id_fasilitas_bab).
PBDT_HEADERS = frozenset({"sumber_airminum", "fasbab", "kloset", "buang_tinja"})


def header_era(header: str | None) -> str | None:
    """The code-list era a coded column's OWN header names: "pbdt", "dtsen" or None."""
    if not header:
        return None
    key = re.sub(r"[^0-9a-z]+", "_", str(header).lower()).strip("_")
    if key in PBDT_HEADERS:
        return "pbdt"
    if key.startswith("id"):
        return "dtsen"
    return None


# ====================================================================== phrases

# Indonesian answers -> codes, written as registers and household-data.md spell them; compared
# by phrase_key (so "/", "-", case and abbreviations do not matter). Canonical codes map to
# themselves. A value that is none of these is reported, not guessed.
PHRASES: dict[str, dict[str, str]] = {
    "sumber_air_minum": {
        "air kemasan bermerk": "air_kemasan", "air kemasan": "air_kemasan",
        "air mineral": "air_kemasan", "air isi ulang": "isi_ulang", "isi ulang": "isi_ulang",
        "leding meteran": "ledeng", "leding eceran": "ledeng", "leding": "ledeng",
        "air leding": "ledeng", "pam": "ledeng", "pdam": "ledeng",
        "sumur bor/pompa": "sumur_bor_pompa", "sumur bor": "sumur_bor_pompa",
        "sumur pompa": "sumur_bor_pompa", "sumur terlindung": "sumur_terlindung",
        "sumur tak terlindung": "sumur_tak_terlindung",
        "mata air terlindung": "mata_air_terlindung",
        "mata air tak terlindung": "mata_air_tak_terlindung",
        "sungai/danau/waduk": "air_permukaan", "air sungai/danau/waduk": "air_permukaan",
        "sungai": "air_permukaan", "danau": "air_permukaan", "waduk": "air_permukaan",
        "air sungai": "air_permukaan", "air permukaan": "air_permukaan",
        "air hujan": "air_hujan", "lain-lain": "lainnya", "lainnya": "lainnya",
    },
    "fasilitas_bab": {
        "sendiri": "sendiri", "milik sendiri": "sendiri", "jamban sendiri": "sendiri",
        "bersama": "bersama", "milik bersama": "bersama", "jamban bersama": "bersama",
        "umum": "umum", "mck umum": "umum", "jamban umum": "umum",
        "tidak ada": "tidak_ada", "tidak punya": "tidak_ada", "tidak ada fasilitas": "tidak_ada",
    },
    "jenis_kloset": {
        "leher angsa": "leher_angsa", "plengsengan": "plengsengan", "cemplung": "cemplung",
        "cubluk": "cemplung", "cemplung/cubluk": "cemplung", "tidak pakai": "tidak_pakai",
        "tidak memakai": "tidak_pakai",
    },
    "pembuangan_tinja": {
        "tangki septik": "tangki_septik", "septik tank": "tangki_septik",
        "spal": "ipal", "ipal": "ipal", "spal/ipal": "ipal", "lubang tanah": "lubang_tanah",
        "kolam/sawah": "kolam_sawah", "kolam": "kolam_sawah", "sawah": "kolam_sawah",
        "kolam/sawah/sungai/danau/laut": "kolam_sawah", "sungai/danau/laut": "sungai",
        "pantai/tanah lapang/kebun": "lainnya", "lain-lain": "lainnya", "lainnya": "lainnya",
    },
    "sumber_penerangan": {
        "listrik pln": PLN_UNKNOWN_METER, "pln": PLN_UNKNOWN_METER,
        "listrik pln meteran": "listrik_pln_meteran", "pln meteran": "listrik_pln_meteran",
        "listrik pln dengan meteran": "listrik_pln_meteran",
        "listrik pln tanpa meteran": "listrik_pln_tanpa_meteran",
        "pln tanpa meteran": "listrik_pln_tanpa_meteran", "listrik non-pln": "listrik_non_pln",
        "non-pln": "listrik_non_pln", "bukan listrik": "bukan_listrik",
        "lampu minyak": "bukan_listrik", "pelita": "bukan_listrik",
    },
    "jenis_lantai": {
        "marmer/granit": "marmer_granit", "marmer": "marmer_granit", "granit": "marmer_granit",
        "keramik": "keramik", "parket/vinil/permadani": "parket_vinil", "parket": "parket_vinil",
        "vinil": "parket_vinil", "permadani": "parket_vinil",
        "ubin/tegel/teraso": "ubin_tegel", "ubin": "ubin_tegel", "tegel": "ubin_tegel",
        "teraso": "ubin_tegel", "kayu/papan kualitas tinggi": "kayu_kualitas_tinggi",
        "semen/bata merah": "semen_bata", "semen": "semen_bata", "bata merah": "semen_bata",
        "bambu": "bambu", "kayu/papan kualitas rendah": "kayu_kualitas_rendah",
        "papan": "kayu_kualitas_rendah", "tanah": "tanah", "lainnya": "lainnya",
    },
    "jenis_dinding": {
        "tembok": "tembok", "plesteran anyaman bambu/kawat": "plesteran_anyaman_bambu",
        "kayu": "kayu", "anyaman bambu": "anyaman_bambu", "bilik": "anyaman_bambu",
        "gedek": "anyaman_bambu", "batang kayu": "batang_kayu", "bambu": "bambu",
        "lainnya": "lainnya",
    },
    "jenis_atap": {
        "beton/genteng beton": "beton", "beton": "beton", "genteng beton": "beton",
        "genteng keramik": "genteng_keramik", "genteng metal": "genteng_metal",
        "genteng tanah liat": "genteng_tanah_liat", "asbes": "asbes", "seng": "seng",
        "sirap": "sirap", "bambu": "bambu",
        "jerami/ijuk/daun-daunan/rumbia": "jerami_ijuk_rumbia", "jerami": "jerami_ijuk_rumbia",
        "ijuk": "jerami_ijuk_rumbia", "rumbia": "jerami_ijuk_rumbia",
        "daun-daunan": "jerami_ijuk_rumbia", "lainnya": "lainnya",
    },
}


def _phrase_index() -> dict[str, dict[str, str]]:
    index: dict[str, dict[str, str]] = {}
    for column, phrases in PHRASES.items():
        table = index.setdefault(column, {})
        for code in CODES[column]:
            table[phrase_key(code)] = code
        for phrase, code in phrases.items():
            key = phrase_key(phrase)
            if table.get(key, code) != code:
                raise ValueError(f"PHRASES[{column!r}]: {phrase!r} means two codes")
            table[key] = code
    return index


PHRASE_INDEX = _phrase_index()


# ====================================================================== mapping values

def map_value(column: str, value: object, numbers: Mapping[str, str] | None = None,
              scheme: str | None = None, entries: Mapping[str, object] | None = None
              ) -> object:
    """The canonical value of one answer of a flag or coded ``column`` (None: unmapped).
    ``numbers``: the column's chosen code list; ``entries``: the operator's own mapping
    (phrase_key -> code), which wins."""
    key = phrase_key(value)
    if entries and key in entries:
        return entries[key]
    if HOUSEHOLD_COLUMNS.get(column) == "flag":
        if key in _FLAG_INDEX:
            return _FLAG_INDEX[key]
        return FLAG_NUMBER_SCHEMES[scheme or "1=ya, 0=tidak"].get(key)
    if is_number(key):
        return (numbers or {}).get(key)
    phrases = PHRASE_INDEX.get(column, {})
    if key in phrases:
        return phrases[key]
    numbered = re.fullmatch(r"\d+ (.+)", key)  # "3. Leding meteran": the words decide
    return phrases.get(numbered.group(1)) if numbered else None


def value_table(column: str, values: pd.Series, numbers: Mapping[str, str] | None = None,
                scheme: str | None = None, entries: Mapping[str, object] | None = None
                ) -> dict[str, object]:
    """value_key -> canonical value for the distinct values of ``values`` (None: unmapped)."""
    return {value_key(v): map_value(column, v, numbers, scheme, entries)
            for v in values.dropna().unique()}


# ====================================================================== operator entries

class ValueEntryError(ImportFailed, ValueError):
    """An operator's value entry that cannot be used (message in Indonesian)."""


def check_entry(column: str, value: object, code: object) -> object:
    """The code of one operator entry, checked: ``column`` a coded or flag column, ``code`` one
    of its codes (flags: 1/0, ya/tidak). Raises :class:`ValueEntryError`."""
    kind = HOUSEHOLD_COLUMNS.get(column)
    if kind not in ("code", "flag"):
        coded = [c for c, k in HOUSEHOLD_COLUMNS.items() if k in ("code", "flag")]
        raise ValueEntryError(f"Kolom {column!r} bukan kolom berkode. Kolom berkode: "
                              f"{', '.join(coded)}.")
    text = str(code).strip()
    if kind == "flag":
        flag = _FLAG_INDEX.get(phrase_key(text), {"1": 1, "0": 0}.get(text))
        if flag is None:
            raise ValueEntryError(f"Nilai {value!r} di {column}: kode {text!r} tidak sah; "
                                  "tulis 1 (ya) atau 0 (tidak).")
        return flag
    if text not in CODES[column]:
        raise ValueEntryError(f"Nilai {value!r} di {column}: kode {text!r} tidak dikenal. Kode "
                              f"yang sah: {', '.join(CODES[column])}.")
    return text


def entry_index(entries: Mapping[str, Mapping[str, object]] | None
                ) -> dict[str, dict[str, object]]:
    """column -> phrase_key -> checked code, from column -> {value as written: code}."""
    out: dict[str, dict[str, object]] = {}
    for column, values in (entries or {}).items():
        for value, code in values.items():
            out.setdefault(column, {})[phrase_key(value)] = check_entry(column, value, code)
    return out


def parse_code_list_option(items: Iterable[str] | None) -> str | dict[str, str] | None:
    """``--kode`` values: ``DAFTAR`` (every coded column) or ``KOLOM=DAFTAR`` (repeatable)."""
    whole: str | None = None
    per_column: dict[str, str] = {}
    for item in items or []:
        if "=" in item:
            column, name = (p.strip() for p in item.split("=", 1))
            if not column or not name:
                raise ValueEntryError(f"--kode {item!r}: tulis sebagai KOLOM=DAFTAR, mis. "
                                      "--kode sumber_air_minum=pbdt2015, atau DAFTAR saja.")
            per_column[column.lower()] = name
        else:
            whole = item.strip()
    if whole and per_column:
        return {**{c: whole for c, k in HOUSEHOLD_COLUMNS.items() if k == "code"}, **per_column}
    return per_column or whole


def parse_value_option(item: str) -> tuple[str, str, str]:
    """``"sumber_air_minum:99=lainnya"`` -> (column, value, code), checked."""
    match = re.fullmatch(r"\s*([A-Za-z_]+)\s*:(.*)=\s*([^=]*?)\s*", item)
    if not match or not match.group(2).strip():
        raise ValueEntryError(f"--value {item!r}: tulis sebagai KOLOM:nilai=kode, mis. "
                              "--value sumber_air_minum:99=lainnya.")
    column, value, code = match.group(1).lower(), match.group(2).strip(), match.group(3)
    check_entry(column, value, code)
    return column, value, code


# ====================================================================== code lists by fit

@dataclass
class CodeListChoice:
    """The code list of one coded column and why: shown in the preview and the report."""

    column: str
    header: str
    chosen: str | None  # list name; None: no list (no numbers, or undecided)
    numbers: dict[str, int] = field(default_factory=dict)  # numbered value -> rows (sample)
    fits: dict[str, float] = field(default_factory=dict)  # list -> share of numbered rows placed
    problem: str | None = None  # why no list was chosen (Indonesian); None: nothing to decide
    by: str = ""  # "pilihan", "kecocokan", "kepala kolom", "" (no numbers)

    @property
    def undecided(self) -> bool:
        return self.problem is not None

    @property
    def candidates(self) -> list[str]:
        """Lists worth offering, best fit first."""
        return sorted(self.fits, key=lambda n: -self.fits[n])


def office_lists(profiles: Mapping[str, Mapping[str, Mapping[str, object]]] | None
                 ) -> dict[str, dict[str, dict[str, str]]]:
    """The numbered entries of the office's saved profiles, as code lists (profile name ->
    column -> number -> code)."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for name, mapping in (profiles or {}).items():
        for column, values in mapping.items():
            if HOUSEHOLD_COLUMNS.get(column) != "code":
                continue
            numbered = {phrase_key(v): str(c) for v, c in values.items()
                        if is_number(phrase_key(v))}
            if numbered:
                out.setdefault(name, {})[column] = numbered
    return out


def known_lists(profiles: Mapping[str, Mapping[str, Mapping[str, object]]] | None = None
                ) -> dict[str, dict[str, dict[str, str]]]:
    """Every code list: the built-in ones, then the office's saved profiles."""
    return {**CODE_LISTS, **{n: m for n, m in office_lists(profiles).items()
                             if n not in CODE_LISTS}}


def choose_code_list(column: str, header: str, values: Iterable[object],
                     lists: Mapping[str, Mapping[str, Mapping[str, str]]],
                     entries: Mapping[str, object] | None = None,
                     forced: str | None = None) -> CodeListChoice:
    """Pick the code list for one coded column from its (sample) values.

    Only numbered rows count (phrases do not depend on a list), and not those the operator
    mapped. A list fits by the share of these rows it places. The best-fitting list is used
    when it places at least :data:`MIN_FIT` of them and no other list fits as well with other
    codes; among equally fitting lists the column's own header (:func:`header_era`) decides. A
    built-in list of another era than the header's is never used. Otherwise the column is
    undecided: the operator chooses (``forced``)."""
    # each distinct value keyed once; by its type too: 1, 1.0 and True are different answers
    seen: dict[tuple[type, object], int] = {}
    for v in values:
        if v is None or (isinstance(v, float) and pd.isna(v)):
            continue
        seen[type(v), v] = seen.get((type(v), v), 0) + 1
    counts: dict[str, int] = {}
    for (_, v), n in seen.items():
        key = phrase_key(v)
        if is_number(key) and key not in (entries or {}):
            counts[key] = counts.get(key, 0) + n
    total = sum(counts.values())
    fits = {name: (sum(n for k, n in counts.items() if k in lst.get(column, {})) / total
                   if total else 0.0) for name, lst in lists.items()}
    choice = CodeListChoice(column, header, None, counts, fits)
    if forced:
        choice.chosen, choice.by = forced, "pilihan"
        return choice
    if not total:
        return choice
    era = header_era(header)
    allowed = [n for n in lists if not (era and LIST_ERA.get(n, era) != era)]
    best = max((fits[n] for n in allowed), default=0.0)
    top = [n for n in allowed if fits[n] == best and best >= MIN_FIT]
    outcomes = {tuple(lists[n].get(column, {}).get(k) for k in sorted(counts)) for n in top}
    by = "kecocokan"
    if len(outcomes) > 1:  # lists that place the rows differently: the header may decide
        top = [n for n in top if era and LIST_ERA.get(n) == era]
        by = "kepala kolom"
    if top and (len(top) == 1 or len(outcomes) == 1):
        choice.chosen, choice.by = top[0], by
        return choice
    shown = ", ".join(f"{n} {fits[n]:.0%}" for n in choice.candidates)
    values_text = ", ".join(f"{k} ({n} baris)" for k, n in sorted(
        counts.items(), key=lambda kv: int(kv[0]))[:15])
    if best >= MIN_FIT:
        choice.problem = (f"angka di kolom {header} ({values_text}) cocok dengan lebih dari "
                          f"satu daftar kode dengan arti berbeda ({shown}), dan kepala kolomnya "
                          "tidak menunjuk salah satunya")
    elif era and max(fits.values(), default=0.0) >= MIN_FIT:
        choice.problem = (f"kepala kolom {header} menandakan daftar kode "
                          f"{'DTSEN' if era == 'dtsen' else 'PBDT 2015'}, tetapi angkanya "
                          f"({values_text}) hanya cocok dengan daftar lain ({shown})")
    else:
        choice.problem = (f"tidak ada daftar kode yang menempatkan sedikitnya "
                          f"{MIN_FIT:.0%} baris angka kolom {header} ({values_text}; "
                          f"{shown or 'belum ada daftar'})")
    return choice
