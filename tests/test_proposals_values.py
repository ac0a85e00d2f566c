"""Money and volume as written in Indonesian exports."""

from __future__ import annotations

import pytest

from geo.proposals.values import parse_rupiah, parse_source, parse_status, parse_volume


@pytest.mark.parametrize("text,value", [
    ("Rp 1.250.000", 1_250_000), ("Rp1.250.000,-", 1_250_000), ("1.250.000,00", 1_250_000),
    ("Rp 1,250,000.00", 1_250_000), ("1250000", 1_250_000), ("1250000.0", 1_250_000),
    ("IDR 75.000", 75_000), (3_500_000, 3_500_000)])
def test_rupiah(text, value):
    assert parse_rupiah(text) == value


@pytest.mark.parametrize("text", ["", "satu juta", "Rp -5.000", "1.25.000", "0"])
def test_bad_rupiah_is_refused_with_a_reason(text):
    with pytest.raises(ValueError, match="anggaran"):
        parse_rupiah(text)


def test_volume_source_status():
    assert parse_volume("2,5") == 2.5 and parse_volume("1.000") == 1000
    with pytest.raises(ValueError, match="volume kosong"):
        parse_volume(" ")
    assert parse_source("POKIR DPRD") == "pokir" and parse_source("ASMAS") == \
        "musrenbang_kelurahan"
    assert parse_status("1") == "diverifikasi" and parse_status("Ditolak") == "ditolak"
