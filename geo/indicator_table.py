"""The table behind the map for the whole register of a period: one row per region of a level.

Columns ``kode``, ``nama``, ``rumah_tangga``, ``jiwa`` and per indicator id ``<id>``
(households counted), ``<id>_persen`` (rate over the households whose value is known),
``<id>_penyebut`` (those households: the rate's denominator; 0 where none is known, as it
counts what is known, like ``<id>_diketahui``) and ``<id>_diketahui`` (share of
the households the indicator is about whose value is known, 0–1).
Where too little is known (``Settings.min_known_share``) the count and the rate are missing
(``pd.NA``/NaN), never 0. Regions without households count 0 households. Households not linked
to any kelurahan are not in any row; :func:`indicator_table` returns their number beside the
table. Levels: kelurahan, kecamatan, kabupaten/kota (``kota``), ``provinsi``, and ``semua``:
one row (code "") of every linked household. ``python -m geo indicators``
(:mod:`geo.cli.indicators`) prints it as CSV or JSON.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from geo import cube, indicators, snapshot_cache, store
from geo.forum import FLAG, hidden_counts_columns, hidden_counts_levels

AREA_LEVELS = ("kelurahan", "kecamatan", "kota")  # the levels a map is drawn at
LEVELS = (*AREA_LEVELS, "provinsi", indicators.WHOLE_AREA)
WHOLE_AREA_NAME = "Seluruh wilayah"


def indicator_table(engine: Engine, period: str | None = None, level: str = "kelurahan",
                    settings: indicators.Settings = indicators.DEFAULT_SETTINGS,
                    forum: bool = False) -> tuple[pd.DataFrame, int]:
    """(table, households not linked) for the snapshot of ``period`` (default: the newest);
    ``forum``: with the forum flags (:func:`tables_from`)."""
    tables, unlinked = indicator_tables(engine, period, (level,), settings, forum)
    return tables[level], unlinked


def indicator_tables(engine: Engine, period: str | None, levels: tuple[str, ...],
                     settings: indicators.Settings = indicators.DEFAULT_SETTINGS,
                     forum: bool = False) -> tuple[dict[str, pd.DataFrame], int]:
    """:func:`indicator_table` at each of ``levels``, from one count of the register."""
    snapshot = store.snapshot_for(engine, period)
    if snapshot is None:
        raise LookupError(f"Tidak ada data untuk periode {period}." if period
                          else "Belum ada data rumah tangga di basis data.")
    return tables_from(_prepared(engine, snapshot, settings), store.region_list(engine),
                       levels, settings, forum)


def tables_from(prepared: indicators.Prepared, regions: pd.DataFrame, levels: tuple[str, ...],
                settings: indicators.Settings = indicators.DEFAULT_SETTINGS,
                forum: bool = False) -> tuple[dict[str, pd.DataFrame], int]:
    """:func:`indicator_tables` of a register already evaluated (households, or the cube's
    cells for no filter); ``regions``: :func:`geo.store.region_list`. ``forum``: each table
    also says, per indicator, whether a forum's map of the whole register hides its count
    (``<id>_disembunyikan``), its denominator (``<id>_penyebut_disembunyikan``), its
    population (``<id>_semesta_disembunyikan``: the share known is denominator ÷ population)
    and the households (``rumah_tangga_disembunyikan``): decided from the counts behind the
    table (:func:`geo.forum.hidden_counts`), which the table alone does not hold."""
    ids = tuple(ind.id for ind in indicators.INDICATORS)
    kel, unlinked = indicators.area_counts(prepared, ids=ids, detail=())
    tables = {level: _at_level(kel, regions, level, settings, ids) for level in levels}
    area_levels = [level for level in tables if level in AREA_LEVELS]
    if forum and area_levels:
        by_level = hidden_counts_levels(kel, ids, settings.min_known_share, area_levels,
                                        population=True)
        for level in area_levels:
            table = tables[level]
            flags = by_level[level].reindex(table["kode"], fill_value=False).to_numpy(
                dtype=bool)
            names = [f"{c}{FLAG}" for c in hidden_counts_columns(ids, population=True)]
            tables[level] = pd.concat([table, pd.DataFrame(flags, columns=names)], axis=1)
    return tables, int(unlinked["rumah_tangga"])


def _prepared(engine: Engine, snapshot: dict, settings: indicators.Settings
              ) -> indicators.Prepared:
    """The whole register of the period evaluated: the period's counts cube (:mod:`geo.cube`,
    cells of alike households, stored at import) when it answers for ``settings``, as the map
    reads it; otherwise every household read and evaluated (4,5 s at 3 million)."""
    if cube.serves(settings):
        return cube.totals(engine, int(snapshot["id"]), settings)
    households = snapshot_cache.load_households_fast(engine, snapshot,
                                                     list(indicators.RULE_COLUMNS))
    return indicators.prepare(households, settings)


def _at_level(kel: pd.DataFrame, regions: pd.DataFrame, level: str,
              settings: indicators.Settings, ids: tuple[str, ...]) -> pd.DataFrame:
    table = indicators.roll_up(kel, level, settings.min_known_share)
    regions = regions[regions["level"] == level]
    # areas with households but no boundary (codes of another scheme) are kept, named by code
    extra = table.index.difference(regions["kode"])
    names = pd.concat([regions.set_index("kode")["nama"],
                       pd.Series("", index=extra, dtype=object)])
    if level == indicators.WHOLE_AREA:
        names = pd.Series(WHOLE_AREA_NAME, index=pd.Index([""], dtype=object), dtype=object)
    counts = table.reindex(names.index)
    empty = counts["rumah_tangga"].isna().to_numpy()
    out = pd.DataFrame({"kode": names.index, "nama": names.to_numpy()})
    for column in ("rumah_tangga", "jiwa"):
        out[column] = counts[column].fillna(0).astype("int64").to_numpy()
    for ind_id in ids:
        known = indicators.is_known(counts, ind_id, settings.min_known_share) & ~empty
        out[ind_id] = pd.array(np.where(known, counts[ind_id].fillna(0), 0), dtype="Int64")
        out.loc[~known, ind_id] = pd.NA
        out[f"{ind_id}_persen"] = counts[f"{ind_id}_persen"].round(2).to_numpy()
        out[f"{ind_id}_penyebut"] = counts[f"{ind_id}_penyebut"].fillna(0).astype(
            "int64").to_numpy()
        out[f"{ind_id}_diketahui"] = counts[f"{ind_id}_diketahui"].round(4).to_numpy()
    return out.reset_index(drop=True)
