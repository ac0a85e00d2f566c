"""A page's choices as query parameters, so a shared link reproduces the view: how each kind of
value is written into the address and read back. Reading never fails: a value that does not
parse (an old or hand-edited link) is None, and the page keeps its default.

The sidebar filters have their own form (:meth:`geo.filters.Filters.to_query`); the page
widgets (``ui.filters.Param``) use the codecs here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

WEIGHT_MIN, WEIGHT_MAX = 0, 10  # the priority page's weights, whole numbers


def encode_list(values: object) -> str:
    """``["a", "b"]`` -> ``a,b``."""
    return ",".join(str(v) for v in values)


def decode_list(text: str, allowed: Collection[str]) -> list[str] | None:
    """``a,b`` -> ``["a", "b"]``, keeping only allowed values (in order, once); None when none
    is allowed. An empty text is the empty list."""
    if text == "":
        return []
    values = [v for v in dict.fromkeys(p.strip() for p in text.split(",")) if v in allowed]
    return values or None


def decode_choice(text: str, allowed: Collection[str]) -> str | None:
    return text if text in allowed else None


def decode_int(text: str, low: int, high: int) -> int | None:
    try:
        value = int(text)
    except ValueError:
        return None
    return value if low <= value <= high else None


def encode_weights(weights: Mapping[str, float], default: float = 1) -> str:
    """The weights that differ from ``default``: ``{"miskin": 3, "rtlh": 0}`` ->
    ``miskin:3,rtlh:0`` (the indicator set travels separately)."""
    return ",".join(f"{k}:{int(w)}" for k, w in weights.items() if w != default)


def decode_weights(text: str, allowed: Collection[str]) -> dict[str, int]:
    """``miskin:3,rtlh:0`` -> ``{"miskin": 3, "rtlh": 0}``; pairs naming an unknown indicator
    or a weight outside 0–10 are left out."""
    out: dict[str, int] = {}
    for part in text.split(","):
        key, _, raw = part.partition(":")
        value = decode_int(raw.strip(), WEIGHT_MIN, WEIGHT_MAX)
        if key.strip() in allowed and value is not None:
            out[key.strip()] = value
    return out
