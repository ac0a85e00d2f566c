"""Personal data (UU 27/2022): NIK and No. KK are masked wherever they are shown or exported."""

from __future__ import annotations


def mask_id(value: object) -> str:
    """``3674012304850001`` -> ``3674********0001``: region kept for verification, the rest
    hidden. Anything that is not a plain digit string is hidden whole."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = str(value).strip()
    if len(text) >= 10 and text.isdigit():
        return text[:4] + "*" * (len(text) - 8) + text[-4:]
    return "*" * min(len(text), 16)
