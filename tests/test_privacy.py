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
