"""Cached building blocks of the map explorer (and of any page counting indicators by area).

Everything heavy is cached as a *resource* (shared, never copied): the period's cube (its
counts summed per cell of alike households, :mod:`geo.cube`; built at import) or, for other
definition settings, the evaluated indicator flags of every household; and the display
geometry of a level. A filter change then only builds a boolean mask and counts with
``np.bincount``; it reads no file, no database row and no geometry.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st

from geo import cube, indicators, planning, snapshot_cache, store
from geo.filters import Filters
from ui import data


@dataclass(frozen=True, eq=False)
class Base:
    """One snapshot, evaluated: indicator counts per cell (the cube) or flags per household,
    plus the house locations when rows are households (for points)."""

    prepared: indicators.Prepared  # every household, or every cell of the cube
    lon: np.ndarray | None = None
    lat: np.ndarray | None = None
    cube: cube.Cube | None = None

    def for_filters(self, filters: Filters) -> indicators.Prepared:
        """The rows that count ``filters``: the cube's sums for them, or the households."""
        return self.prepared if self.cube is None else self.cube.for_filters(filters)


@st.cache_resource(show_spinner="Menyiapkan indikator periode ini…", max_entries=3)
def base(snapshot_id: int, version: tuple,
         settings: indicators.Settings = indicators.DEFAULT_SETTINGS) -> Base:
    """The period's cube when it answers for ``settings`` (read from the database, built
    there first if missing), else every household read once (only the columns rules and
    filters read; no personal data) and evaluated."""
    if cube.serves(settings):
        counts = cube.counts(data.engine(), snapshot_id, settings)
        return Base(counts.cells, cube=counts)
    households = snapshot_cache.load_households_fast(data.engine(), {"id": snapshot_id},
                                                     list(indicators.RULE_COLUMNS))
    return Base(indicators.prepare(households, settings))


@st.cache_resource(show_spinner=False, max_entries=4)
def need_cells(snapshot_id: int, version: tuple) -> planning.NeedCells:
    """The period's needs cube (Lintas OPD, Ringkasan), for the default rules."""
    return cube.needs(data.engine(), snapshot_id)


@st.cache_resource(show_spinner=False, max_entries=8)
def local(snapshot_id: int, version: tuple, kelurahan: str,
          settings: indicators.Settings = indicators.DEFAULT_SETTINGS) -> Base:
    """The households of one kelurahan, evaluated, with their locations: the point clusters
    drawn when a single kelurahan is chosen."""
    columns = [*indicators.RULE_COLUMNS, "lintang", "bujur"]
    households = snapshot_cache.load_households_fast(data.engine(), {"id": snapshot_id}, columns,
                                                     kelurahan=[kelurahan])
    lon = households["bujur"].to_numpy(dtype=float, na_value=np.nan)
    lat = households["lintang"].to_numpy(dtype=float, na_value=np.nan)
    return Base(indicators.prepare(households, settings), lon, lat)


def available_indicators(snapshot_id: int, version: tuple) -> set[str]:
    """Indicators the period decides for at least one household (the others are "tidak
    tersedia di register ini": never shown as 0, left out of default weights)."""
    prepared = base(snapshot_id, version).prepared
    return {ind.id for ind in indicators.INDICATORS if prepared.available(ind.id)}


@st.cache_resource(show_spinner=False, max_entries=8)
def areas(level: str, version: tuple) -> gpd.GeoDataFrame:
    """Display geometry of one level (shared; do not modify). Its texts are plain Python
    strings: each rerun reads the codes and names as arrays, and pandas' Arrow strings are
    converted again on every read (a millisecond per read at a province's 6.000 areas)."""
    regions = store.load_regions(data.engine(), level=level, display=True)
    return regions.astype({c: object for c in regions.columns
                           if isinstance(regions[c].dtype, pd.StringDtype)})
