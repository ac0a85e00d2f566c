"""geo.privacy.mask_id: how a NIK / No. KK is shown, pinned with plain examples."""

from __future__ import annotations

import numpy as np
import pytest

from geo.privacy import mask_id


@pytest.mark.parametrize("value, shown", [
    ("3674012304850001", "3674********0001"),     # a 16-digit NIK: region and last 4 kept
    (3674012304850001, "3674********0001"),       # the same as an int
    (" 3674012304850001 ", "3674********0001"),   # blanks around it
    ("3674011001", "3674**1001"),                 # 10 digits: the shortest kept in part
    ("36740123048500011234", "3674************1234"),
])
def test_digit_strings_keep_the_first_and_last_four(value, shown):
    assert mask_id(value) == shown
    assert len(shown) == len(str(value).strip())


@pytest.mark.parametrize("value, shown", [
    ("367401100", "*********"),          # fewer than 10 digits
    ("AB12", "****"),
    ("3674-0123", "*********"),          # not a plain digit string
    ("x" * 20, "*" * 16),                # at most 16 stars
    (3674012304850001.0, "*" * 16),      # a float NIK (3.674012304850001e+15) is hidden whole
])
def test_anything_else_is_hidden_whole(value, shown):
    assert mask_id(value) == shown


@pytest.mark.parametrize("value", [None, np.nan, float("nan"), ""])
def test_missing_is_empty(value):
    assert mask_id(value) == ""


def test_no_digit_of_the_middle_survives():
    nik = "3674012304850001"
    assert "230485" not in mask_id(nik)


# ---------------------------------------------------------------- by content (issue 20, finding 7)

@pytest.mark.parametrize("value, shown", [
    ("3674012304850001", "3674********0001"),
    ("KTP lama 3674 0123 0485 0001", "KTP lama 3674********0001"),
    ("367401-230485-0001", "3674********0001"),
    ("3674012304850001.0", "3674********0001.0"),
    ("hubungi 081234567890", "hubungi 0812******90"),
    ("+62 812-3456-7890", "6281*******90"),
    ("(021) 555 1234", "0215****34"),
    # not personal: coordinates, codes, dates, addresses
    ("-6.287123456789012", "-6.287123456789012"),
    ("106.8123456789012", "106.8123456789012"),
    ("9971010001", "9971010001"),
    ("2026-09-01", "2026-09-01"),
    ("RT 003/RW 005 Jl. Melati No. 12", "RT 003/RW 005 Jl. Melati No. 12"),
])
def test_nik_kk_and_phone_numbers_are_recognised_by_content(value, shown):
    from geo.privacy import mask_text

    assert mask_text(value) == shown


@pytest.mark.parametrize("header", ["NO_KTP", "NOMOR_INDUK_KEPENDUDUKAN", "KTP_ART",
                                    "NO_KARTU_KELUARGA_LAMA", "NO_HP", "TELEPON", "NIK_KRT",
                                    "NO_KK"])
def test_headers_naming_a_nik_kk_or_phone_are_personal(header):
    from geo.register_columns import personal_header

    assert personal_header(header)


def test_quarantine_view_and_its_csv_mask_nik_kk_and_phone_under_any_header(tmp_path):
    import json

    from geo.households import import_households
    from tests import corpus
    from ui.import_households import quarantine_table

    nik = "3674012304850001"
    frame = corpus.clean()
    frame["NO_KTP"] = nik
    frame["NOMOR_INDUK_KEPENDUDUKAN"] = "3674012304850002"
    frame["KTP_ART"] = "3674012304850003"
    frame["NO_KARTU_KELUARGA_LAMA"] = "3674012304850004"
    frame["KONTAK"] = "081234567890"
    frame["CATATAN"] = "NIK istri 3674 0123 0485 0005, hp +62 812 3456 7890"
    frame.loc[3, "DESIL"] = 11  # quarantined
    engine = corpus.engine_with_regions(tmp_path)
    path = corpus.write_csv(frame, tmp_path / "register.csv")
    result = import_households(engine, path, "2026-09")
    table = quarantine_table(engine, result.snapshot_id)
    assert len(table) == 1
    shown = json.loads(table["nilai asli"].iat[0])
    assert shown["NO_KTP"] == "3674********0001"
    assert shown["KONTAK"] == "0812******90"
    assert "3674********0005" in shown["CATATAN"]
    csv = table.to_csv(index=False)
    for digits in ("3674012304850001", "3674012304850002", "3674012304850003",
                   "3674012304850004", "3674 0123 0485 0005", "081234567890", "812 3456 7890"):
        assert digits not in csv
