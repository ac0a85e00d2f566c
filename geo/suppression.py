"""Small-count suppression for forum-facing tables, maps and exports: the one rule.

A count of 1 to ``SMALL_COUNT - 1`` households could identify a household in an open forum, so
when suppression is on it is written ``< 5``, and a rate whose denominator is such a count is
not shown (``–`` on screen, an empty cell in an export, no colour on a map). Zero is not small
(nobody to recognise). An unknown value stays "tidak ada data", never 0.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

import numpy as np
import pandas as pd

from geo import config, disclosure
from geo.answers import NO_DATA
from geo.fmt import floats, fmt_int, fmt_ints, fmt_pct, fmt_pcts

T = TypeVar("T")
SMALL_COUNT = disclosure.SMALL_COUNT  # the default k: counts 1..4 are hidden
HIDDEN_TOO = "–"  # a count hidden so that a small one cannot be worked out from a total


def k() -> int:
    """The k in force (``PETA_SMALL_COUNT``, default 5): counts 1..k-1 are small, and no point
    cluster of fewer than k households is drawn."""
    return config.small_count()


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def is_small(values: object, threshold: int | None = None) -> np.ndarray:
    """Where a count (scalar, array or Series) is small: 0 < value < threshold; NaN is not."""
    threshold = threshold or k()
    v = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        return (v > 0) & (v < threshold)


def hide_small(values: pd.Series, counts: object, hide: bool = True,
               threshold: int | None = None) -> pd.Series:
    """``values`` left empty (NaN) where ``counts`` (same length) is small and ``hide``."""
    if not hide:
        return values
    return values.where(~is_small(np.asarray(counts, dtype=float), threshold))


def count_text(value: float, hide_small: bool = True, threshold: int | None = None) -> str:
    """A household count as text; 1..threshold-1 shown as ``< 5`` when ``hide_small``; an
    unknown count (NaN) as "tidak ada data"."""
    if _missing(value):
        return NO_DATA
    threshold = threshold or k()
    if hide_small and 0 < value < threshold:
        return f"< {threshold}"
    return fmt_int(value)


def people_text(persons: float, households: float, hide_small: bool = True,
                threshold: int | None = None) -> str:
    """The people (jiwa) of a household count as text: hidden (``–``) with the count when the
    count is small and ``hide_small`` (the people of 1–4 households tell about them as much as
    their number), else as :func:`count_text`."""
    threshold = threshold or k()
    if hide_small and not _missing(households) and 0 < households < threshold:
        return HIDDEN_TOO
    return count_text(persons, hide_small, threshold)


def _texts(values: np.ndarray, small: np.ndarray, small_text: str,
           hidden: np.ndarray | None = None) -> np.ndarray:
    """Counts as text (object array, same shape): NaN "tidak ada data", ``small`` cells
    ``small_text``, ``hidden`` ones :data:`HIDDEN_TOO`, every other as :func:`fmt_int`."""
    out = np.full(values.shape, NO_DATA, dtype=object)
    shown = ~np.isnan(values)
    out[shown & small] = small_text
    shown &= ~small
    if hidden is not None:
        out[shown & hidden] = HIDDEN_TOO
        shown &= ~hidden
    out[shown] = fmt_ints(values[shown])
    return out


def count_texts(values: object, hide_small: bool = True) -> list[str]:
    """:func:`count_text` of every value (one pass: the per-value reading of k was most of a
    province table's time)."""
    threshold = k()
    v = floats(values)
    small = is_small(v, threshold) if hide_small else np.zeros(v.shape, dtype=bool)
    return _texts(v, small, f"< {threshold}").tolist()


def people_texts(persons: object, households: object, hide_small: bool = True) -> list[str]:
    """:func:`people_text` of every (persons, households) pair, at once."""
    out = np.array(count_texts(persons, hide_small), dtype=object)
    if hide_small:
        out[is_small(floats(households))] = HIDDEN_TOO
    return out.tolist()


def rate_text(value: float, denominator: float | None, hide_small: bool = True,
              threshold: int | None = None) -> str:
    """A rate as text; hidden (``–``) when its denominator is a small count and ``hide_small``;
    an unknown rate (NaN: too little known) as "tidak ada data"."""
    threshold = threshold or k()
    if hide_small and denominator is not None and 0 < denominator < threshold:
        return "–"
    if _missing(value):
        return NO_DATA
    return fmt_pct(value)


def rate_texts(values: object, denominators: object, hide_small: bool = True,
               numerators: object = None, hidden: object = None) -> list[str]:
    """:func:`rate_text` of every (rate, denominator) pair. A rate also reveals its numerator
    (rate × denominator), so with ``hide_small`` it is hidden too where the numerator is small
    (``numerators``) or was hidden in its table (``hidden``: bool per rate)."""
    threshold = k()
    rates, dens = floats(values), floats(denominators)
    secret = np.zeros(len(rates), dtype=bool)
    if hide_small:
        secret |= is_small(dens, threshold)  # rate_text's "–" for a small denominator
        if numerators is not None:
            secret |= is_small(floats(numerators), threshold)
        if hidden is not None:
            secret |= np.asarray(hidden, dtype=bool)
    out = np.full(len(rates), NO_DATA, dtype=object)
    out[secret] = HIDDEN_TOO
    shown = ~secret & ~np.isnan(rates)
    out[shown] = fmt_pcts(rates[shown])
    return out.tolist()


def coarsened_rates(values: object, denominators: object, numerators: object) -> np.ndarray:
    """Rates (percent) a forum's composite score may use: a rate :func:`rate_texts` hides (its
    count or its denominator 1–4) is replaced by what the shown "< 5" allows at its middle: a
    count of 2,5 over its denominator, or 50% over a denominator of 1–4. A score or rank worked
    out from these tells nothing more than the table beside it; with the true rate it would
    (score × weights − the shown rates = the hidden one)."""
    threshold = k()
    rates, dens, nums = floats(values), floats(denominators), floats(numerators)
    middle = (threshold / 2.0) if threshold > 1 else 0.5
    out = rates.copy()
    small_count = is_small(nums, threshold) & ~is_small(dens, threshold) & ~np.isnan(rates)
    with np.errstate(divide="ignore", invalid="ignore"):
        out[small_count] = np.minimum(100.0, 100.0 * middle / dens[small_count])
    out[is_small(dens, threshold) & ~np.isnan(rates)] = 50.0
    return out


def area_parents(index: object) -> list[str] | None:
    """The area one level up of each row when the rows are kelurahan or kecamatan by code
    (``36.71.01.1001`` -> ``36.71.01``): their sums are shown at that level, so
    :func:`protected_texts` protects each group too. None for other rows."""
    codes = list(index)
    if not codes or not all(isinstance(c, str) and c.count(".") >= 2 for c in codes):
        return None
    return [c.rsplit(".", 1)[0] for c in codes]


def protected_texts(counts: pd.DataFrame, hide: bool = True,
                    threshold: int | None = None, rows_add_up: bool = False,
                    forced: np.ndarray | None = None, known: np.ndarray | None = None
                    ) -> pd.DataFrame:
    """A table of counts (areas × columns) as text, safe to show beside its row and column
    totals: small counts ``< 5``, and, so that none of them is a total minus the shown cells,
    one more count hidden (``–``) in every row and column that would hide only one
    (complementary suppression, :mod:`geo.disclosure`). Rows of kelurahan or kecamatan indexed
    by code are protected within each kecamatan or kabupaten/kota as well, and together with
    their sums at every level above (:func:`level_texts`: a kecamatan hidden at its level is
    no sum of shown kelurahan). Unknown counts: "tidak ada data".

    Column by column unless ``rows_add_up`` (a row's counts add up to one someone reads, e.g.
    excluded = referred + not referred): then a column hides the same cells on every page that
    shows it for the same areas, and no page gives back what another hides. ``forced`` (bool,
    same shape): cells to hide ("–") whatever their count, because another table hides what
    they would give back; the rule then protects them like the others. ``known`` (bool, same
    shape): cells a reader knows from another page, never hidden to protect another
    (:func:`geo.disclosure.suppress`)."""
    threshold = threshold or k()
    if hide and _is_area_index(counts.index):
        return level_texts(counts, threshold=threshold, rows_add_up=rows_add_up,
                           forced=forced, known=None if known is None else {
                               level_of(counts.index): pd.DataFrame(
                                   np.asarray(known, dtype=bool).reshape(counts.shape),
                                   index=counts.index, columns=counts.columns)}
                           )[level_of(counts.index)]
    values = counts.to_numpy(dtype=float)
    if hide:
        cut = disclosure.suppress(values, threshold, None, rows_add_up, None if forced is None
                                  else np.asarray(forced, dtype=bool).reshape(values.shape),
                                  known=None if known is None
                                  else np.asarray(known, dtype=bool).reshape(values.shape))
        hidden, primary = np.asarray(cut.hidden), np.asarray(cut.primary)
    else:
        hidden = primary = np.zeros(values.shape, dtype=bool)
    texts = _texts(values, primary, f"< {threshold}", hidden)
    return pd.DataFrame(texts, index=counts.index, columns=counts.columns)


LEVEL_OF_DOTS = {3: "kelurahan", 2: "kecamatan", 1: "kota", 0: "provinsi"}  # code 36.71.01.1001


def level_texts(counts: pd.DataFrame, upper: dict[str, pd.DataFrame] | None = None,
                raw: pd.DataFrame | None = None, threshold: int | None = None,
                rows_add_up: bool = False, forced: np.ndarray | None = None,
                known: dict[str, pd.DataFrame] | None = None) -> dict[str, pd.DataFrame]:
    """A table of counts per area of a level (rows by dotted code, e.g. every kelurahan;
    NaN: unknown) and its sums at every level above (kecamatan, kota, provinsi, by the code's
    prefix), as text keyed by level, suppressed for a forum so that no level gives back what
    another hides (:func:`geo.disclosure.suppress_levels`). Rows in code order, so that a tie
    between two smallest counts is broken alike however a page sorts its rows; the first
    level's table keeps ``counts``' order.

    ``upper``: the counts a level above shows where they are not the plain sum (an
    indicator's count is unknown at a level where too little is known); ``raw``: what each
    count could be at most where it is unknown (an indicator's denominator, the households
    whose value is known): an unknown count that could be positive is protected as a hidden
    one, as the sums above hold it. ``rows_add_up`` and ``forced`` as
    :func:`protected_texts`; ``forced`` may also be cells to hide at each level (level ->
    bools by code, a Series for one column); ``known``: cells a reader knows from another
    page at each level, as ``forced`` (:func:`geo.disclosure.suppress`)."""
    threshold = threshold or k()
    values = counts.to_numpy(dtype=float)  # 2-D, also with no row
    bound = pd.DataFrame(0.0 if raw is None else raw.to_numpy(dtype=float),
                         index=counts.index, columns=counts.columns)
    order, ups = _hierarchy(tuple(np.asarray(counts.index, dtype=object)))
    sums, bound_sums = level_sums(counts), level_sums(bound)
    levels = [values[order], *((upper or {}).get(lv, sums[lv]).reindex(
        index=sums[lv].index, columns=counts.columns).to_numpy(dtype=float) for lv in sums)]
    bounds = [np.nan_to_num(bound.to_numpy(), nan=0.0)[order],
              *(t.to_numpy() for t in bound_sums.values())]
    parents = [inverse for _, inverse in ups]
    codes = [pd.Index(np.asarray(counts.index, dtype=object)[order], dtype=object),
             *(up for up, _ in ups)]
    names = [level_of(c) for c in codes]

    def per_level(cells: dict) -> list[np.ndarray | None]:  # level -> bools by code
        return [None if lv not in cells else pd.DataFrame(cells[lv]).reindex(
            index=c, fill_value=False).to_numpy(dtype=bool).reshape(v.shape)
            for lv, c, v in zip(names, codes, levels)]

    if isinstance(forced, dict):  # per level, by code (a level left out: none)
        force = per_level(forced)
    else:
        force = None if forced is None else np.asarray(forced, dtype=bool).reshape(
            values.shape)[order]
    cuts = disclosure.suppress_levels(levels, parents, threshold, bounds,
                                      rows_add_up=rows_add_up, forced=force,
                                      known=None if not known else per_level(known))
    out = {}
    for v, index, cut in zip(levels, codes, cuts):
        texts = _texts(v, np.asarray(cut.primary), f"< {threshold}", np.asarray(cut.hidden))
        out[level_of(index)] = pd.DataFrame(texts, index=index, columns=counts.columns)
    own = level_of(codes[0])
    back = np.empty_like(order)
    back[order] = np.arange(len(order))
    out[own] = out[own].iloc[back]
    out[own].index = counts.index
    return out


@dataclass(frozen=True)
class Whole:
    """Columns of a table whose sum per area is a count another page shows (the referrals'
    two exclusion parts add up to the map's exclusion error), and where that page hides it:
    ``hidden`` per level, bools by code (a level left out: the count is not shown there).
    ``exact`` False: the parts add up to it only nearly (households that moved between
    areas are in one and not the other), so no part is ever taken as known from it."""

    parts: tuple[str, ...]
    hidden: dict[str, pd.Series]
    exact: bool = True


def linked_texts(counts: pd.DataFrame, wholes: Sequence[Whole], rows_add_up: bool = False,
                 threshold: int | None = None, nested: Sequence[tuple[str, str]] = ()
                 ) -> dict[str, pd.DataFrame]:
    """:func:`level_texts` of a table (one level for rows not by area code) whose columns
    add up to counts shown elsewhere (``wholes``), suppressed so that no such count minus the
    shown parts gives a hidden part back: where the count is shown and one part is hidden,
    the smallest other positive part is hidden too; where it is hidden, every positive part
    is (their sum would give it back); and the table is suppressed again with those cells
    until neither rule hides more.

    A part hidden where the other parts are 0 equals the count shown elsewhere: a reader
    knows it. It is never a small count (the count would then be hidden), only a cell hidden
    beside one; it is then shown, and another cell protects that one
    (:func:`given_back` finds such parts; ``known`` of :func:`geo.disclosure.suppress`).

    ``nested``: (whole, part) columns of the table itself, the part counted within the
    whole (open referrals within all referrals): where both are shown and the whole minus
    the part is 1 to k − 1, the part is hidden, as :data:`geo.indicators.NESTED` does for
    indicators. Worked out once per content (a page's reruns read the same table)."""
    threshold = threshold or k()
    done = remembered(_LINKED_DONE, _linked_key(counts, wholes, rows_add_up, threshold, nested),
                      lambda: _linked_texts(counts, wholes, rows_add_up, threshold, nested))
    return {lv: t.copy() for lv, t in done.items()}


_LINKED_DONE: dict[bytes, dict[str, pd.DataFrame]] = {}  # by the content of the arguments


def remembered(cache: dict[bytes, T], key: bytes, make: Callable[[], T]) -> T:
    """``cache[key]``, made by ``make`` the first time: a suppression worked out once per
    content of its counts (``key``, a digest of them), which every rerun of a page asks for
    again. At most 16 are kept. Sessions run in threads: the entry is read once, never
    twice."""
    done = cache.get(key)
    if done is None:
        done = make()
        if len(cache) >= 16:
            cache.clear()
        cache[key] = done
    return done


def _linked_key(counts: pd.DataFrame, wholes: Sequence[Whole], rows_add_up: bool,
                threshold: int, nested: Sequence[tuple[str, str]]) -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((list(counts.columns), rows_add_up, threshold, list(nested))).encode())
    digest.update(counts.to_numpy(dtype=float).tobytes())
    digest.update("\x00".join(map(str, counts.index)).encode())
    for whole in wholes:
        digest.update(repr((whole.parts, whole.exact, sorted(whole.hidden))).encode())
        for lv in sorted(whole.hidden):
            flags = whole.hidden[lv]
            digest.update(flags.to_numpy(dtype=bool).tobytes())
            digest.update("\x00".join(map(str, flags.index)).encode())
    return digest.digest()


def _linked_texts(counts: pd.DataFrame, wholes: Sequence[Whole], rows_add_up: bool,
                  threshold: int, nested: Sequence[tuple[str, str]]
                  ) -> dict[str, pd.DataFrame]:
    texts = _forced_texts(counts, {}, {}, rows_add_up, threshold)
    columns = list(counts.columns)
    pairs = [(columns.index(w), columns.index(p)) for w, p in nested]
    # the counts at each level the table shows (its own rows, their sums above), in the
    # order of that level's texts
    sums = {level_of(counts.index): counts.astype(float), **level_sums(counts)}
    every = {lv: sums[lv].reindex(t.index).to_numpy(dtype=float) for lv, t in texts.items()}
    # per level the table shows and a whole is shown at: the parts' positions, their counts
    # and where the whole is hidden
    lines = []
    for whole in wholes:
        where = [columns.index(c) for c in whole.parts]
        for lv, flags in whole.hidden.items():
            if lv in texts:
                lines.append((lv, where, whole.exact,
                              np.nan_to_num(every[lv][:, where], nan=0.0),
                              flags.reindex(texts[lv].index, fill_value=False).to_numpy(
                                  dtype=bool)))
    forced = {lv: np.zeros(t.shape, dtype=bool) for lv, t in texts.items()}
    known = {lv: np.zeros(t.shape, dtype=bool) for lv, t in texts.items()}
    hidden_text = [f"< {threshold}", HIDDEN_TOO]
    while True:
        hidden = {lv: t.isin(hidden_text).to_numpy() for lv, t in texts.items()}
        grown = False
        for lv, where, _, values, whole_hidden in lines:
            more = _parts_to_hide(hidden[lv][:, where], values, whole_hidden,
                                  known[lv][:, where])
            grown |= bool((more & ~forced[lv][:, where]).any())
            forced[lv][:, where] |= more
        for lv, values in every.items() if pairs else ():
            for w, p in pairs:
                more = _nested_to_hide(values[:, w], values[:, p], hidden[lv][:, w],
                                       hidden[lv][:, p], known[lv][:, p], threshold)
                grown |= bool((more & ~forced[lv][:, p]).any())
                forced[lv][:, p] |= more
        if not grown:  # no part to add: take what a shown sum gives back as known
            for lv, where, exact, _, whole_hidden in lines:
                back = _lone_parts(hidden[lv][:, where], whole_hidden) if exact else None
                if back is not None and (back & ~known[lv][:, where]).any():
                    known[lv][:, where] |= back
                    grown = True
        if not grown:
            return texts
        texts = _forced_texts(counts, _frames(forced, texts), _frames(known, texts),
                              rows_add_up, threshold)


def _frames(cells: dict[str, np.ndarray], texts: dict[str, pd.DataFrame]
            ) -> dict[str, pd.DataFrame]:
    return {lv: pd.DataFrame(c, index=texts[lv].index, columns=texts[lv].columns)
            for lv, c in cells.items() if c.any()}


def _forced_texts(counts: pd.DataFrame, forced: dict[str, pd.DataFrame],
                  known: dict[str, pd.DataFrame], rows_add_up: bool, threshold: int
                  ) -> dict[str, pd.DataFrame]:
    if _is_area_index(counts.index):
        return level_texts(counts, threshold=threshold, rows_add_up=rows_add_up,
                           forced=forced or None, known=known or None)
    own = level_of(counts.index)
    force, given = forced.get(own), known.get(own)
    return {own: protected_texts(counts, True, threshold, rows_add_up,
                                 None if force is None else force.to_numpy(dtype=bool),
                                 None if given is None else given.to_numpy(dtype=bool))}


def _parts_to_hide(hidden: np.ndarray, values: np.ndarray, whole_hidden: np.ndarray,
                   known: np.ndarray) -> np.ndarray:
    """The parts' cells (rows × parts) that the two rules of :func:`linked_texts` add."""
    free = ~hidden & (values > 0) & ~known
    more = whole_hidden[:, None] & free
    candidates = np.where(free, values, np.inf)
    lone = ~whole_hidden & (hidden.sum(axis=1) == 1) & np.isfinite(candidates).any(axis=1)
    rows = np.flatnonzero(lone)
    more[rows, np.argmin(candidates[rows], axis=1)] = True
    return more


def _nested_to_hide(whole: np.ndarray, part: np.ndarray, whole_hidden: np.ndarray,
                    part_hidden: np.ndarray, part_known: np.ndarray, threshold: int
                    ) -> np.ndarray:
    """Where a shown part of a shown whole leaves a difference of 1 to k − 1: the part to
    hide (unknown counts compare as nothing)."""
    with np.errstate(invalid="ignore"):
        small = (whole - part > 0) & (whole - part < threshold)
    return small & ~whole_hidden & ~part_hidden & ~part_known & (part > 0)


def _lone_parts(hidden: np.ndarray, whole_hidden: np.ndarray) -> np.ndarray:
    """The one hidden part of each row whose whole is shown (rows × parts)."""
    return hidden & (~whole_hidden & (hidden.sum(axis=1) == 1))[:, None]


def given_back(texts: dict[str, pd.DataFrame], counts: pd.DataFrame,
               wholes: Sequence[Whole]) -> list[tuple[str, str, str]]:
    """Hidden parts that a count shown elsewhere gives back (level, code, column): the one
    hidden part of an exact sum shown elsewhere (after :func:`linked_texts`: whose other
    parts are 0). Empty is safe."""
    out = []
    for whole in (w for w in wholes if w.exact):
        for lv, flags in whole.hidden.items():
            if lv not in texts:
                continue
            index = texts[lv].index
            lone = _lone_parts(hidden_cells(texts[lv][list(whole.parts)]),
                               flags.reindex(index, fill_value=False).to_numpy(dtype=bool))
            out += [(lv, str(index[i]), whole.parts[j]) for i, j in zip(*np.nonzero(lone))]
    return out


def _is_area_index(index: pd.Index) -> bool:
    """Rows of kelurahan or kecamatan by dotted code (their sums are shown a level up)."""
    return _is_area_codes(tuple(np.asarray(index, dtype=object)))


@lru_cache(maxsize=64)
def _is_area_codes(codes: tuple) -> bool:
    return area_parents(codes) is not None


def level_sums(counts: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """A table of counts per area (rows by dotted code; NaN adds nothing) summed at every
    level above its own, by level, rows in code order (empty for codes of another scheme)."""
    order, ups = _hierarchy(tuple(np.asarray(counts.index, dtype=object)))
    current = np.nan_to_num(counts.to_numpy(dtype=float), nan=0.0)[order]
    out = {}
    for up, inverse in ups:
        current = _sums(current, inverse, len(up))
        out[level_of(up)] = pd.DataFrame(current, index=up, columns=counts.columns)
    return out


def _sums(values: np.ndarray, parent: np.ndarray, size: int) -> np.ndarray:
    """Per area above, the sum of its parts' rows (``parent``: each part's area)."""
    return np.stack([np.bincount(parent, weights=values[:, j], minlength=size)
                     for j in range(values.shape[1])], axis=1)


@lru_cache(maxsize=32)
def _hierarchy(codes: tuple[str, ...]) -> tuple[np.ndarray, list[tuple[pd.Index, np.ndarray]]]:
    """For dotted area codes: their order by code, and for each level above (kecamatan,
    kota, provinsi) its codes in order and the position there of each area below. The same
    codes on every rerun and page, so worked out once."""
    order = np.argsort(np.asarray(codes, dtype=str), kind="stable")
    current = np.asarray(codes, dtype=object)[order]
    ups = []
    while (up := _parents(current)) is not None:
        unique, inverse = np.unique(up.astype(str), return_inverse=True)
        ups.append((pd.Index(unique.astype(object), dtype=object), inverse))
        current = unique.astype(object)
    return order, ups


def _parents(codes: np.ndarray) -> np.ndarray | None:
    """Each dotted area code's area one level up (36.71.01.1001 → 36.71.01 → 36.71 → 36);
    None at the top (no dot) or for codes of another scheme."""
    if not len(codes) or not all(isinstance(c, str) and "." in c for c in codes):
        return None
    return np.asarray([c.rsplit(".", 1)[0] for c in codes], dtype=object)


def hierarchy_texts(counts: pd.Series, hide: bool = True,
                    upper: dict[str, pd.Series] | None = None, raw: pd.Series | None = None,
                    forced: dict[str, pd.Series] | None = None) -> dict[str, pd.Series]:
    """:func:`level_texts` of one count (a Series by code), each level's texts a Series;
    without ``hide``, or for codes that are not dotted area codes, that one level as
    :func:`protected_texts` writes it. ``forced``: cells to hide at each level (level ->
    bools by code)."""
    frame = counts.to_frame("n")
    if not hide or not _is_area_index(counts.index):
        own = level_of(counts.index)
        force = None if not forced or own not in forced else forced[own].reindex(
            counts.index, fill_value=False).to_numpy(dtype=bool)[:, None]
        return {own: protected_texts(frame, hide, forced=force)["n"]}
    tables = level_texts(frame, None if upper is None else {
        lv: v.to_frame("n") for lv, v in upper.items()},
        None if raw is None else raw.to_frame("n"),
        forced=None if not forced else {lv: v.rename("n").to_frame() for lv, v in
                                        forced.items()})
    return {lv: t["n"] for lv, t in tables.items()}


def level_of(codes: object) -> str:
    """The level of dotted area codes by their dots (other codes: "kelurahan", the finest)."""
    first = str(codes[0]) if len(codes) else ""
    dots = first.count(".")
    return "kelurahan" if dots == 0 and len(first) != 2 else LEVEL_OF_DOTS.get(dots, "kelurahan")


def hidden_cells(texts: pd.DataFrame | pd.Series) -> np.ndarray:
    """Which cells of :func:`protected_texts`'s table (or one column) are hidden."""
    return texts.isin([f"< {k()}", HIDDEN_TOO]).to_numpy()


def hidden_too(texts: object, secret: object) -> list[str]:
    """Counts as text with each shown count where ``secret`` hidden as "–" (hidden to
    protect another); "< 5" and "tidak ada data" stay as they are."""
    return [HIDDEN_TOO if x and str(t)[:1].isdigit() else t
            for t, x in zip(texts, np.asarray(secret, dtype=bool))]


def hidden_last(secret: object, names: object) -> np.ndarray:
    """Positions that order a ranked table for a forum: the rows whose ranking figure is
    shown keep their order, then the rows whose figure is hidden, by name. A hidden figure
    left in its place would be told by its neighbours (between the ones above and below), so
    it is never ranked."""
    secret = np.asarray(secret, dtype=bool)
    hidden = np.flatnonzero(secret)
    by_name = np.argsort(np.asarray(names, dtype=object)[hidden].astype(str), kind="stable")
    return np.r_[np.flatnonzero(~secret), hidden[by_name]].astype(int)


def small_count_note(threshold: int | None = None) -> str:
    threshold = threshold or k()
    return (f"Jumlah 1–{threshold - 1} rumah tangga ditampilkan sebagai “< {threshold}”, dan "
            f"satu angka lain di kolom yang sama, di kecamatan yang sama, atau di tingkat "
            f"wilayah lain, sebagai “{HIDDEN_TOO}” agar angka kecil tidak dapat dihitung dari "
            "total (di setiap halaman sama); persentase dari angka yang disembunyikan atau "
            f"dengan penyebut di bawah {threshold} tidak ditampilkan; dalam daftar "
            "berperingkat, kelurahan yang angkanya disembunyikan tidak diperingkat (di akhir, "
            "menurut nama). Dengan begitu rumah tangga tidak dapat dikenali di forum terbuka.")
