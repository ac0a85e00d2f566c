"""geo.codes: every written form of a Kemendagri area code, pinned with plain examples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.codes import (
    format_code,
    is_desa,
    join_split_code,
    normalize_code,
    normalize_codes,
    normalize_piece,
    parent_code,
)


@pytest.mark.parametrize("digits, dotted", [
    ("3674011001", "36.74.01.1001"),
    ("367401", "36.74.01"),
    ("3674", "36.74"),
    ("36", "36"),
    ("", ""),
])
def test_format_code(digits, dotted):
    assert format_code(digits) == dotted


@pytest.mark.parametrize("value", [
    "36.74.01.1001",       # dotted
    "3674011001",          # undotted
    "36 74 01 1001",       # spaced
    "36-74-01-1001",       # dashed
    "36.74.01 1001",       # mixed separators
    " 36.74.01.1001 ",     # surrounding blanks
    "3674011001.0",        # a number read as float, as text
    3674011001,            # an int column
    3674011001.0,          # a float column
    "36.74.1.1001",        # a segment that lost its leading zero
])
def test_normalize_code_accepts_every_written_form(value):
    assert normalize_code(value) == "36.74.01.1001"


@pytest.mark.parametrize("value", [
    None, np.nan, "", "nan", "None", "NULL",
    "367401100",           # 9 digits: a lost leading digit is not guessed
    "36741",
    "36.74.01.1001.5",     # five segments
    "36.7a.01.1001",
    "36.74.01.10011",      # last segment too long
    "36/74/01/1001",       # a slash is not taken as a separator (today)
])
def test_normalize_code_rejects(value):
    assert normalize_code(value) is None


@pytest.mark.parametrize("value, level, code", [
    ("36", "provinsi", "36"),
    ("36.74", "kota", "36.74"),
    ("3674", "kota", "36.74"),
    ("367401", "kecamatan", "36.74.01"),
    ("36.74.01", "kecamatan", "36.74.01"),
    ("3674011001", "kota", None),  # a kelurahan code is not a kota code
    ("3674", "kelurahan", None),
])
def test_normalize_code_per_level(value, level, code):
    assert normalize_code(value, level) == code


def test_normalize_codes_maps_a_column_keeping_index_and_name():
    values = pd.Series(["3674011001", "x", None, "36.74.01.2001", 3674011001.0],
                       index=[10, 11, 12, 13, 14], name="KODE")
    result = normalize_codes(values)
    assert result.name == "KODE" and list(result.index) == [10, 11, 12, 13, 14]
    assert result[10] == result[14] == "36.74.01.1001"
    assert result[13] == "36.74.01.2001"
    assert result[[11, 12]].isna().all()
    assert normalize_codes(pd.Series(["3674", None]), "kota").iloc[0] == "36.74"


@pytest.mark.parametrize("pieces, code", [
    ((36, 74, 1, 1001), "36.74.01.1001"),
    (("36", "74", "01", "1001"), "36.74.01.1001"),
    ((36.0, 74.0, 1.0, 1001.0), "36.74.01.1001"),
    (("36", "74", "01", "3674011001"), "36.74.01.1001"),  # KDDESA repeating its parents
    (("36", "74", "367401", "1001"), "36.74.01.1001"),    # KDKEC repeating its parents
    (("36", "74", "01", None), None),
    (("36", "74", "01", "12345"), None),
    (("36", "74", "x", "1001"), None),
])
def test_join_split_code(pieces, code):
    assert join_split_code(*pieces) == code


@pytest.mark.parametrize("value, width, piece", [
    ("1", 2, "01"),
    ("1.0", 2, "01"),
    (7, 4, "0007"),
    ("3674011001", 4, "1001"),
    ("12345", 4, None),
    ("", 2, None),
    (np.nan, 2, None),
    (None, 2, None),
])
def test_normalize_piece(value, width, piece):
    assert normalize_piece(value, width) == piece


@pytest.mark.parametrize("code, parent", [
    ("36.74.01.1001", "36.74.01"),
    ("36.74.01", "36.74"),
    ("36.74", "36"),
    ("36", None),
])
def test_parent_code(code, parent):
    assert parent_code(code) == parent


@pytest.mark.parametrize("code, desa", [
    ("36.74.01.2001", True),
    ("36.74.01.1001", False),
    ("36.74.01", False),
    ("36.74.02", False),
])
def test_is_desa(code, desa):
    assert is_desa(code) is desa


def test_codes_at_a_level():
    from geo.codes import coarser, codes_prefix_of, parent_codes

    assert parent_code("36.74.01.1001", "kecamatan") == "36.74.01"
    assert parent_code("36.74.01.1001", "kota") == "36.74"
    assert parent_code("36.74.01", "kecamatan") == "36.74.01"
    assert list(parent_codes(["36.74.01.1001", "36.74.02.1003"], "kecamatan")) == [
        "36.74.01", "36.74.02"]
    assert codes_prefix_of("kecamatan") == 8 and codes_prefix_of("kota") == 5
    assert coarser("kelurahan", "kota") == "kota" and coarser("kecamatan", "kelurahan") == \
        "kecamatan"


def test_are_desa():
    from geo.codes import are_desa

    codes = pd.Series(["36.74.01.2001", "36.74.01.1001", None, "36.74.01"])
    assert are_desa(codes).tolist() == [True, False, False, False]


def test_what_a_level_is_called_follows_its_codes():
    """Kemendagri: a kabupaten/kota segment from 71 is a kota; a last segment from 2 a desa."""
    from geo.codes import level_word
    from geo.views.map_view import level_words

    assert level_word("kota", ["36.74", "36.73"]) == "Kota"
    assert level_word("kota", ["36.01"]) == "Kabupaten"
    assert level_word("kota", ["36.01", "36.74"]) == "Kabupaten/Kota"  # a province
    assert level_word("kota", ["Tangsel"]) == level_word("kota", []) == "Kabupaten/Kota"
    assert level_word("kelurahan", ["36.74.01.1001"]) == "Kelurahan"
    assert level_word("kelurahan", ["36.01.28.2007"]) == "Desa"
    assert level_word("kelurahan", ["36.01.28.2007", "36.74.01.1001"]) == "Kelurahan/Desa"
    assert level_word("kecamatan", ["36.01.28"]) == "Kecamatan"
    regions = pd.DataFrame({"kode": ["36.01", "36.01.28", "36.01.28.2007"],
                            "level": ["kota", "kecamatan", "kelurahan"]})
    assert level_words(regions) == {"kota": "Kabupaten", "kecamatan": "Kecamatan",
                                    "kelurahan": "Desa"}
