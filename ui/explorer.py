"""Cached building blocks of the map explorer (and of any page counting indicators by area).

Everything heavy is cached as a *resource* (shared, never copied): the evaluated indicator flags
of a snapshot and the display geometry of a level. A filter change then only builds a boolean
mask and counts with ``np.bincount``; it reads no file, no database row and no geometry.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import streamlit as st

from geo import indicators, snapshot_cache, store
from ui import data


@dataclass(frozen=True, eq=False)
class Base:
    """One snapshot, evaluated: indicator flags plus the house locations (for points)."""

    prepared: indicators.Prepared
    lon: np.ndarray
    lat: np.ndarray


@st.cache_resource(show_spinner="Menghitung indikator untuk seluruh register…", max_entries=3)
def base(snapshot_id: int, version: tuple,
         settings: indicators.Settings = indicators.DEFAULT_SETTINGS) -> Base:
    """Read the snapshot once (only the columns rules, filters and points read; no personal
    data) and evaluate every indicator."""
    columns = [*indicators.RULE_COLUMNS, "lintang", "bujur"]
    households = snapshot_cache.load_households_fast(data.engine(), {"id": snapshot_id}, columns)
    prepared = indicators.prepare(households, settings)
    lon = households["bujur"].to_numpy(dtype=float, na_value=np.nan)
    lat = households["lintang"].to_numpy(dtype=float, na_value=np.nan)
    return Base(prepared, lon, lat)


def available_indicators(snapshot_id: int, version: tuple) -> set[str]:
    """Indicators the period decides for at least one household (the others are "tidak
    tersedia di register ini": never shown as 0, left out of default weights)."""
    prepared = base(snapshot_id, version).prepared
    return {ind.id for ind in indicators.INDICATORS if prepared.available(ind.id)}


@st.cache_resource(show_spinner=False, max_entries=8)
def areas(level: str, version: tuple) -> gpd.GeoDataFrame:
    """Display geometry of one level (shared; do not modify)."""
    return store.load_regions(data.engine(), level=level, display=True)
