"""Personal data (UU 27/2022): NIK, No. KK and phone numbers are masked wherever they are shown
or exported.

They are recognised by header (a known NIK/KK column, or a header naming a NIK, KTP, KK or
phone number in any spelling) and by content: a 16-digit number shaped like a NIK or KK, or an
Indonesian phone number, inside any value of any column."""

from __future__ import annotations

import re
from collections.abc import Mapping

# header keys (lower case, letters and digits only: geo.register_columns.header_key)
_PERSONAL_KEY = re.compile(
    r"nik|ktp|kependudukan|kartukeluarga|nokk|kk$|^kk|telp|telepon|phone|handphone|ponsel"
    r"|^hp|hp$|nohp|whatsapp|^wa$|nowa")
# 16 digits (NIK or KK), or grouped 4-4-4-4 or 6-6-4 by spaces, dots or dashes (a coordinate
# with 13 decimals is not one)
_ID_RE = re.compile(r"(?<![0-9.,])(?:[0-9]{16}|[0-9]{4}([ .-])[0-9]{4}\1[0-9]{4}\1[0-9]{4}"
                    r"|[0-9]{6}([ .-])[0-9]{6}\2[0-9]{4})(?![0-9]|[.,]0*[1-9])")
# Indonesian phone numbers: mobile 08.. / +628.. / 628.., or a landline with an area code
# written apart ((021) 555 1234, 021-5551234)
_PHONE_RE = re.compile(
    r"(?<![0-9])(?:\+62|62|0)[ .-]?8[0-9](?:[ .-]?[0-9]){6,10}(?![0-9])"
    r"|(?:\+62[ .-]?|\(0[0-9]{2,3}\)[ .-]?|(?<![0-9])0[0-9]{2,3}[ .-])[0-9]{3,4}[ .-]?[0-9]{3,5}"
    r"(?![0-9])")


def mask_id(value: object) -> str:
    """``3674012304850001`` -> ``3674********0001``: region kept for verification, the rest
    hidden. Anything that is not a plain digit string is hidden whole."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = str(value).strip()
    if len(text) >= 10 and text.isdigit():
        return text[:4] + "*" * (len(text) - 8) + text[-4:]
    return "*" * min(len(text), 16)


def personal_key(key: str) -> bool:
    """A header key (``header_key``) that names a NIK, KTP, KK or phone number."""
    return bool(_PERSONAL_KEY.search(key))


def _masked_id(match: re.Match) -> str:
    return mask_id(re.sub(r"[^0-9]", "", match.group()))


def _masked_phone(match: re.Match) -> str:
    digits = re.sub(r"[^0-9]", "", match.group())
    return digits[:4] + "*" * max(len(digits) - 6, 2) + digits[-2:]


def mask_text(value: object) -> object:
    """``value`` with every NIK/KK-shaped number and phone number in it masked; other values
    (numbers, empty) unchanged, except a number that is itself NIK-shaped."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value != value:
            return value
        text = str(int(value)) if float(value).is_integer() else str(value)
        return mask_id(text) if _ID_RE.fullmatch(text) else value
    text = str(value)
    if not any(ch.isdigit() for ch in text):
        return text
    return _PHONE_RE.sub(_masked_phone, _ID_RE.sub(_masked_id, text))


def mask_record(values: Mapping[str, object], personal: object = None) -> dict[str, object]:
    """A row's original values (header -> value) safe to show: values of a personal header
    (``personal(header)``: geo.register_columns.personal_header) masked whole, and NIK/KK or
    phone numbers found in any other value masked inside it."""
    out = {}
    for header, value in values.items():
        if personal is not None and personal(header):
            out[header] = mask_id(value) if value not in (None, "") else value
        else:
            out[header] = mask_text(value)
    return out


def private_folder(path: object) -> None:
    """Make a folder holding personal data readable by its owner only (0700), where the
    platform allows (a shared or foreign folder is left as it is)."""
    _chmod(path, 0o700)


def private_file(path: object) -> None:
    """Make a file holding personal data readable by its owner only (0600) where possible."""
    _chmod(path, 0o600)


def _chmod(path: object, mode: int) -> None:
    import os

    try:
        os.chmod(str(path), mode)
    except OSError:
        pass
