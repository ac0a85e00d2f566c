"""Change between two periods, per area: the one place that says what "since last time" means.

Both periods are counted over today's boundaries (re-linking keeps every period linked to
them), each with :func:`geo.indicator_table.indicator_table`, so a value here is exactly the
value ``python -m geo indicators --period P`` prints. The change of an indicator is in
percentage points (``<id>_ke - <id>_dari`` of the rates); where either side is unknown (too
little known, or no households) the change is unknown too: missing, never 0.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from geo import indicators, store
from geo.forum import table_rate_hidden
from geo.indicator_table import indicator_table
from geo.suppression import is_small

FROM, TO, CHANGE = "dari", "ke", "selisih"


def periods(engine: Engine) -> list[str]:
    """Every stored period, oldest first."""
    return sorted(store.list_snapshots(engine)["period"].tolist())


def comparable_earlier(snaps: pd.DataFrame, period: str) -> list[str]:
    """The stored periods before ``period`` it may be compared with, oldest first (``snaps``:
    rows of :func:`geo.store.list_snapshots`): those of its own kind only. A real register is
    never compared with the fictional demo city kept beside it after the first real import,
    nor the demo with a real register."""
    demo = dict(zip(snaps["period"], snaps["is_demo"].astype(bool)))
    return sorted(p for p, fictional in demo.items()
                  if p < period and fictional == demo.get(period, False))


def previous_period(engine: Engine, period: str | None = None) -> str | None:
    """The stored period right before ``period`` (default: :func:`geo.store.default_period`)
    that it may be compared with (:func:`comparable_earlier`), or None."""
    stored = store.list_snapshots(engine)
    if stored.empty:
        return None
    earlier = comparable_earlier(stored, period or store.default_period(stored))
    return earlier[-1] if earlier else None


HIDDEN = "tersembunyi"  # suffix of a side's "hidden for a forum" flag: <id>_dari_tersembunyi


def small_rates(table: pd.DataFrame, ind_id: str) -> pd.Series:
    """Where an indicator table's rate is hidden for a forum: its count or the area's
    households are small (:func:`geo.suppression.is_small`)."""
    count = pd.to_numeric(table[ind_id], errors="coerce").to_numpy(dtype=float)
    households = pd.to_numeric(table["rumah_tangga"], errors="coerce").to_numpy(dtype=float)
    return pd.Series(is_small(count) | is_small(households), index=table.index)


def forum_rates_hidden(table: pd.DataFrame, ind_id: str) -> pd.Series:
    """Per area of a whole level's indicator table (indexed by code; made with its forum
    flags): the rate a forum's map of that period hides (:func:`geo.forum.table_rate_hidden`:
    its count or its denominator is hidden, small or so that a total cannot give a small one
    back), and :func:`small_rates`."""
    protected = table_rate_hidden(table.rename_axis("kode").reset_index(), ind_id)
    return small_rates(table, ind_id) | protected.to_numpy(dtype=bool)


def hidden_by_period(tables: Mapping[str, pd.DataFrame], ind_id: str) -> dict[str, pd.Series]:
    """:func:`forum_rates_hidden` of each period's table (``kode`` a column), by code: what
    :func:`trend` reads, computed once for many areas (a kartu per kelurahan)."""
    return {p: forum_rates_hidden(t.set_index("kode"), ind_id) for p, t in tables.items()}


def hidden(table: pd.DataFrame, ind_id: str, side: str | None = None) -> np.ndarray:
    """Where :func:`compare_tables` (``hide=True``) hid the rate of one period (``side``:
    :data:`FROM` or :data:`TO`), or either (None: the change is hidden too); all False for a
    table made without ``hide``."""
    out = np.zeros(len(table), dtype=bool)
    for one in (FROM, TO) if side is None else (side,):
        flag = f"{ind_id}_{one}_{HIDDEN}"
        if flag in table:
            out |= table[flag].to_numpy(dtype=bool)
    return out


def compare_tables(engine: Engine, period_from: str, period_to: str, level: str = "kelurahan",
                   settings: indicators.Settings = indicators.DEFAULT_SETTINGS,
                   ids: tuple[str, ...] | None = None, hide: bool = False) -> pd.DataFrame:
    """One row per area of ``level``: ``kode``, ``nama``, and per indicator ``<id>_dari``,
    ``<id>_ke`` (rates in %, missing where unknown) and ``<id>_selisih`` (points). With
    ``hide`` (a forum) a rate over a small count is missing too, flagged in
    ``<id>_dari_tersembunyi`` / ``<id>_ke_tersembunyi``, and so is the change it is part of
    (a change beside the other period's rate gives the hidden one back)."""
    ids = ids or tuple(ind.id for ind in indicators.INDICATORS)
    before, _ = indicator_table(engine, period_from, level, settings, forum=hide)
    after, _ = indicator_table(engine, period_to, level, settings, forum=hide)
    before = before.set_index("kode")
    after = after.set_index("kode")
    codes = after.index.union(before.index, sort=False)
    names = after["nama"].reindex(codes).fillna(before["nama"].reindex(codes))
    out = pd.DataFrame({"kode": codes, "nama": names.to_numpy()})
    for ind_id in ids:
        rate_from = before[f"{ind_id}_persen"].reindex(codes).astype("float64")
        rate_to = after[f"{ind_id}_persen"].reindex(codes).astype("float64")
        if hide:
            for side, table, rate in ((FROM, before, rate_from), (TO, after, rate_to)):
                hidden = forum_rates_hidden(table, ind_id).reindex(codes, fill_value=False)
                rate[hidden.to_numpy()] = np.nan
                out[f"{ind_id}_{side}_{HIDDEN}"] = hidden.to_numpy()
        out[f"{ind_id}_{FROM}"] = rate_from.to_numpy()
        out[f"{ind_id}_{TO}"] = rate_to.to_numpy()
        # NaN on either side stays NaN: an unknown change is never "no change"
        out[f"{ind_id}_{CHANGE}"] = (rate_to - rate_from).round(2).to_numpy()
    return out.reset_index(drop=True)


MAX_TREND_PERIODS = 12  # the trend shows at most this many periods (the newest)


def improvement(table: pd.DataFrame, ind_id: str) -> pd.Series:
    """The change of ``ind_id`` in points with the sign of "better": a fall of a rate where
    higher is worse is a positive improvement. Missing where the change is unknown."""
    change = table[f"{ind_id}_{CHANGE}"].astype("float64")
    return -change if indicators.get(ind_id).higher_is_worse else change


def largest_changes(table: pd.DataFrame, ind_id: str, n: int = 5
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(largest improvements, largest deteriorations) of ``table`` (from
    :func:`compare_tables`): up to ``n`` areas each, with ``kode``, ``nama``, ``<id>_dari``,
    ``<id>_ke``, ``<id>_selisih``; areas whose change is unknown are in neither."""
    better = improvement(table, ind_id)
    known = table.assign(_better=better)[better.notna()]
    columns = ["kode", "nama", f"{ind_id}_{FROM}", f"{ind_id}_{TO}", f"{ind_id}_{CHANGE}"]
    improved = known[known["_better"] > 0].sort_values("_better", ascending=False)
    worsened = known[known["_better"] < 0].sort_values("_better")
    return (improved[columns].head(n).reset_index(drop=True),
            worsened[columns].head(n).reset_index(drop=True))


def trend(tables: dict[str, pd.DataFrame], ind_id: str, code: str, hide: bool = False,
          hidden: Mapping[str, pd.Series] | None = None) -> pd.DataFrame:
    """The rate of ``ind_id`` for the area ``code`` in each period of ``tables`` (period ->
    :func:`geo.indicator_table.indicator_table` of the area's level), oldest first, at most
    :data:`MAX_TREND_PERIODS`: ``periode``, ``persen`` (missing where unknown), ``diketahui``,
    ``rumah_tangga``, ``tersembunyi``. With ``hide`` (a forum) a rate whose count or households
    are small is missing too and ``tersembunyi``: the trend must not show what the table
    beside it hides (:mod:`geo.suppression`)."""
    rows = []
    for period in sorted(tables)[-MAX_TREND_PERIODS:]:
        table = tables[period].set_index("kode")
        if code in table.index:
            row = table.loc[code]
            rows.append((period, row[f"{ind_id}_persen"], row[f"{ind_id}_diketahui"],
                         row["rumah_tangga"], row[ind_id]))
        else:
            rows.append((period, np.nan, np.nan, 0, np.nan))
    out = pd.DataFrame(rows, columns=["periode", "persen", "diketahui", "rumah_tangga",
                                      ind_id])
    out["persen"] = out["persen"].astype("float64")
    out["tersembunyi"] = hide & small_rates(out, ind_id).to_numpy()
    if hide:  # and where the forum's map of that period hides it to protect another
        hidden = hidden if hidden is not None else hidden_by_period(
            {p: tables[p] for p in out["periode"]}, ind_id)
        out["tersembunyi"] |= np.array([bool(hidden[p].get(code, False))
                                        for p in out["periode"]], dtype=bool)
    out.loc[out["tersembunyi"], "persen"] = np.nan
    return out.drop(columns=ind_id)
