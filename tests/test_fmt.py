"""geo.fmt: Indonesian number, percent and date formats, pinned with plain examples."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from geo.fmt import (
    SMALL_INTS,
    fmt_date,
    fmt_int,
    fmt_ints,
    fmt_num,
    fmt_pct,
    fmt_pcts,
    fmt_period,
)


@pytest.mark.parametrize("value, text", [
    (0, "0"),
    (999, "999"),
    (1000, "1.000"),
    (1234567, "1.234.567"),
    (-1234, "-1.234"),
    (1234.4, "1.234"),
    (1234.5, "1.234"),   # Python's round: half to even
    (1235.5, "1.236"),
    (np.int64(60000), "60.000"),
    (np.float64(12.7), "13"),
    (None, "–"),
    (float("nan"), "–"),
])
def test_fmt_int(value, text):
    assert fmt_int(value) == text


@pytest.mark.parametrize("args, text", [
    ((1234.56,), "1.234,6"),
    ((1234.5678, 2), "1.234,57"),
    ((1234.5, 0), "1.234"),
    ((0,), "0,0"),
    ((-1234.56,), "-1.234,6"),
    ((1e6,), "1.000.000,0"),
    ((None,), "–"),
    ((float("nan"),), "–"),
])
def test_fmt_num(args, text):
    assert fmt_num(*args) == text


@pytest.mark.parametrize("args, text", [
    ((12.34,), "12,3%"),
    ((12.5,), "12,5%"),
    ((12.345, 2), "12,35%"),
    ((50, 0), "50%"),
    ((100,), "100,0%"),
    ((0,), "0,0%"),
    ((None,), "–"),
    ((float("nan"),), "–"),
])
def test_fmt_pct(args, text):
    assert fmt_pct(*args) == text


def test_a_table_of_numbers_is_formatted_as_each_number_alone():
    values = [0.0, 999.0, 1234.5, 1235.5, -1234.0, 1e9 + 0.4, float("nan"), 12.345, 99.95]
    assert fmt_ints(values) == [fmt_int(v) for v in values]
    assert fmt_pcts(values) == [fmt_pct(v) for v in values]
    assert fmt_pcts(values, 2) == [fmt_pct(v, 2) for v in values]
    assert fmt_ints([]) == [] and fmt_pcts([]) == []
    # small counts are looked up, the rest formatted: both sides of the edge, and negatives
    edge = [SMALL_INTS - 1.5, SMALL_INTS - 0.5, SMALL_INTS - 0.4, SMALL_INTS, -0.5, -1.0]
    assert fmt_ints(edge) == [fmt_int(v) for v in edge]


@pytest.mark.parametrize("value, text", [
    (date(2026, 11, 22), "22 Nov 2026"),
    (datetime(2026, 1, 5, 13, 4), "5 Jan 2026"),
    (pd.Timestamp("2026-08-17 10:00"), "17 Agu 2026"),
    (date(2026, 5, 1), "1 Mei 2026"),
    (date(2026, 10, 31), "31 Okt 2026"),
    (date(2026, 12, 25), "25 Des 2026"),
    (None, "–"),
])
def test_fmt_date(value, text):
    assert fmt_date(value) == text


@pytest.mark.parametrize("period, text", [
    ("2026-09", "September 2026"),
    ("2026-01", "Januari 2026"),
    ("2026-08", "Agustus 2026"),
    ("2026-12", "Desember 2026"),
    (None, "–"),
    ("", "–"),
])
def test_fmt_period(period, text):
    assert fmt_period(period) == text


def test_a_name_from_the_data_is_plain_text_in_markdown():
    from geo.fmt import plain

    beacon = "![b](http://127.0.0.1:8999/beacon.png)"
    assert plain(beacon) == r"\!\[b\]\(http\://127\.0\.0\.1\:8999/beacon\.png\)"
    assert plain("Sukamaju\n# Judul <img src=x> :red[merah] $x$") == (
        r"Sukamaju \# Judul \<img src\=x\> \:red\[merah\] \$x\$")
    assert plain(None) == ""


MIXED = [0, 1, 4, 5, 12.5, 2.5, 3.5, 1234.6, 1234567, -7, float("nan"), None, pd.NA]


def test_formatting_many_at_once_equals_one_at_a_time():
    assert fmt_ints(MIXED) == [fmt_int(None if v is pd.NA else v) for v in MIXED]
    assert fmt_ints(pd.Series([3, None], dtype="Int64")) == ["3", "–"]
    assert fmt_pcts(MIXED) == [fmt_pct(None if v is pd.NA else v) for v in MIXED]
    assert fmt_pcts([12.34, 100.0], decimals=0) == [fmt_pct(12.34, 0), fmt_pct(100.0, 0)]
