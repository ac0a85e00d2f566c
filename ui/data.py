"""Cached access to the store for pages. Every Streamlit rerun is a hot path: files, geometry
and the household table are read once per data version, not once per filter change."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine, func, select

from geo import store
from geo.views import map_view


@st.cache_resource
def engine() -> Engine:
    return store.get_engine()


# how long a running app may take to see data imported from the command line: the cheap
# fingerprints of what is stored (data_version, the referral log's and service points' stamps)
# are kept this long, so a filter change asks the database nothing
FINGERPRINT_TTL_S = 15


@st.cache_data(ttl=FINGERPRINT_TTL_S, show_spinner=False)
def data_version() -> tuple:
    """A cheap fingerprint of what is stored; caches below are keyed on it. Imports done in the
    app clear the caches at once; the TTL catches imports from the command line."""
    eng = engine()
    with eng.connect() as conn:
        s = store.snapshots.c
        snaps = conn.execute(select(s.id, s.imported_at, s.links_version)).all()
        regions = conn.execute(select(func.count(), func.max(store.regions.c.source_file))
                               .select_from(store.regions)).one()
    return (tuple((s.id, str(s.imported_at), s.links_version) for s in snaps), tuple(regions))


def clear_caches() -> None:
    st.cache_data.clear()


@st.cache_data(show_spinner=False)
def snapshots(version: tuple) -> pd.DataFrame:
    return store.list_snapshots(engine())


@st.cache_data(show_spinner=False)
def region_names(version: tuple) -> pd.DataFrame:
    """kode, nama, level, kode_induk of every region (no geometry)."""
    return store.region_list(engine())


@st.cache_resource(show_spinner=False, max_entries=8)
def names_by_code(version: tuple) -> dict[str, str]:
    """Region name by code (read only: shared by every session of this data version)."""
    names = region_names(version)
    return dict(zip(names["kode"].tolist(), names["nama"].tolist()))


@st.cache_resource(show_spinner=False, max_entries=8)
def level_words(version: tuple) -> dict[str, str]:
    """What each level is called in these boundaries (read only, shared by every session)."""
    return map_view.level_words(region_names(version))


@st.cache_resource(show_spinner="Menghitung kualitas data…", max_entries=2)
def quality(snapshot_id: int, version: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(data-quality table per kelurahan, kelurahan to verify first) of one snapshot."""
    from geo import data_quality

    period = store.list_snapshots(engine()).set_index("id").loc[snapshot_id, "period"]
    return data_quality.load(engine(), period)
