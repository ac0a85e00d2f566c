"""The command line's per-area tables as a forum sees them.

``python -m geo indicators``, ``compare``, ``referrals`` and ``transitions`` print a table per
area. For a pimpinan or forum account (``--user``, :func:`geo.access.must_suppress`), and for
anyone with ``--hide-small``, the table is what the app's pages of that account show:

- the cells a forum's page hides ("< 5", "–") are empty, as an unknown cell is, and the row's
  ``tersembunyi`` column names them (the same field the per-area GeoPackage export writes);
- they are decided as the pages decide them, over every area of the period at once and at
  every level together (:mod:`geo.forum`), before a user's area is cut out, so the command
  line never shows a count a page hides, nor a number that gives one back (a rate, a share
  known, a sum);
- what a forum's page does not show at all is left out: the desil-pair columns of the moves
  (the page shows a forum no matrix), and the referrals and moves above kelurahan (the pages
  show a forum those per kelurahan only).

``compare`` takes :func:`geo.change.compare_tables` with ``hide`` (the Perubahan page's
download), which flags its hidden rates itself.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from geo import forum, indicators, transitions
from geo.columns import HOUSEHOLDS, PERSONS, columns
from geo.exports.areas import HIDDEN_FIELD
from geo.forum import FLAG
from geo.indicator_table import AREA_LEVELS
from geo.referrals.measures import EXCLUSION
from geo.suppression import hidden_cells
from geo.views.referral_view import AreaView

LEVELS = AREA_LEVELS  # the levels a forum's maps are drawn (and suppressed) at
PER_KELURAHAN = ("kelurahan",)  # referrals and moves: a forum's pages show them per kelurahan


class LevelRefused(LookupError):
    """A level a forum's pages do not show; the message is Indonesian."""


def check_level(level: str, levels: tuple[str, ...] = LEVELS) -> None:
    """Raise :class:`LevelRefused` unless a suppressed table may be made at ``level``."""
    if level not in levels:
        named = levels[0] if len(levels) == 1 else f"{', '.join(levels[:-1])} atau {levels[-1]}"
        raise LevelRefused(
            f"Dengan angka kecil disembunyikan, tabel ini hanya tersedia per {named} (tingkat "
            f"yang ditampilkan halaman aplikasi untuk forum), bukan pada tingkat {level}.")


def blank(table: pd.DataFrame, secret: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """``table`` with the cells ``secret`` marks (column -> bool per row) empty, and a
    ``tersembunyi`` column naming them per row ("" where none is)."""
    out = table.copy()
    names: list[list[str]] = [[] for _ in range(len(out))]
    for column, mask in secret.items():
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            continue
        values = out[column]
        if values.dtype.kind in "iub":  # int64 cannot hold an empty cell
            values = values.astype("Int64")
        out[column] = values.mask(mask)
        for i in np.flatnonzero(mask):
            names[i].append(column)
    out[HIDDEN_FIELD] = [", ".join(n) for n in names]
    return out


def indicator_table(table: pd.DataFrame) -> pd.DataFrame:
    """An indicator table made with its forum flags (:func:`geo.indicator_table.
    indicator_table` with ``forum=True``) as a forum sees it: a count, denominator or
    household number the forum's map hides is empty; so are the people of hidden households,
    the rate of a hidden count or denominator, and the share known where its denominator or
    its population is hidden (denominator ÷ population gives either back). The flags are
    dropped."""
    def mask(flags: pd.Series) -> np.ndarray:
        return flags.to_numpy(dtype=bool)

    households = mask(forum.households_hidden(table))
    secret = {HOUSEHOLDS: households, PERSONS: households}
    for ind in indicators.INDICATORS:
        c = columns(ind.id)
        if c.count not in table:
            continue
        secret |= {c.count: mask(forum.need_hidden(table, ind.id)),
                   c.denominator: mask(forum.denominator_hidden(table, ind.id)),
                   c.rate: mask(forum.table_rate_hidden(table, ind.id)),
                   c.known: mask(forum.known_share_hidden(table, ind.id))}
    out = blank(table, secret)
    return out.drop(columns=[c for c in out.columns if str(c).endswith(FLAG)])


def transitions_table(table: pd.DataFrame) -> pd.DataFrame:
    """The moves per kelurahan (:func:`geo.transitions.transitions`) as the Perubahan page
    shows a forum: the counts its table hides (:func:`geo.transitions.counts_shown`) empty,
    the net out of poverty empty where either part is hidden, no desil-pair column."""
    texts = transitions.counts_shown(table, True).reindex(table["kode"].to_numpy())
    out = table[["kode", "nama", *transitions.SUMMARY]]
    return blank(out, {k: hidden_cells(texts[k]) for k in transitions.SUMMARY})


def referrals_table(table: pd.DataFrame) -> pd.DataFrame:
    """The referral measures of every kelurahan (:func:`geo.referrals.measures.area_table`
    with ``forum=True``) as the Rujukan page shows a forum (:class:`geo.views.referral_view.
    AreaView`): its hidden counts, the rate per 1.000 households of a hidden count, the median
    days of few open referrals, and the exclusion error's count, denominator, rate and share
    known where the map hides them. The flags are dropped."""
    area = AreaView(table, hide=True)
    texts = area.count_texts()
    secret = {column: hidden_cells(texts[column]) for column in texts.columns}
    secret |= {
        HOUSEHOLDS: hidden_cells(area.households_texts),
        "rujukan_per_1000": area.rate_hidden.to_numpy(dtype=bool),
        "median_hari_terbuka": area.median_hidden.to_numpy(dtype=bool),
        "eksklusi": forum.need_hidden(table, EXCLUSION).to_numpy(dtype=bool),
        "eksklusi_penyebut": forum.denominator_hidden(table, EXCLUSION).to_numpy(dtype=bool),
        "eksklusi_persen": forum.table_rate_hidden(table, EXCLUSION).to_numpy(dtype=bool),
        "eksklusi_diketahui": forum.known_share_hidden(table, EXCLUSION).to_numpy(dtype=bool)}
    out = blank(table, secret)
    return out.drop(columns=[c for c in out.columns if str(c).endswith(FLAG)])
