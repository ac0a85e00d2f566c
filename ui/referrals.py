"""Cached referral data for pages, the import forms of the Rujukan SLRT page, and the service
points layer any map page can offer."""

from __future__ import annotations

import folium
import pandas as pd
import streamlit as st

from geo import audit, indicators
from geo.referrals import layer, measures, points, vocab
from geo.referrals.log import import_referrals
from geo.register_errors import ImportFailed
from ui import auth, data


@st.cache_data(ttl=data.FINGERPRINT_TTL_S, show_spinner=False)
def log_stamp() -> str | None:
    """When the log in force was imported (part of the cache keys; None: no log). Cached as
    :func:`ui.data.data_version` is: an import in the app clears it at once, the TTL catches
    one from the command line; a filter change asks the database nothing."""
    info = measures.log_info(data.engine())
    return str(info["imported_at"]) if info else None


@st.cache_resource(show_spinner="Mencocokkan log rujukan dengan register…", max_entries=2)
def _matched(snapshot_id: int, version: tuple, stamp: str | None) -> measures.Joined:
    period = data.snapshots(version).set_index("id").loc[snapshot_id, "period"]
    return measures.load_joined(data.engine(), period)


@st.cache_resource(show_spinner="Menghitung kesalahan eksklusi menurut pengaturan…",
                   max_entries=2)
def _under(snapshot_id: int, version: tuple, stamp: str | None,
           settings: indicators.Settings) -> measures.Joined:
    period = data.snapshots(version).set_index("id").loc[snapshot_id, "period"]
    return measures.load_joined(data.engine(), period, settings,
                                matched=_matched(snapshot_id, version, stamp))


def joined(snapshot_id: int, version: tuple, stamp: str | None,
           settings: indicators.Settings = indicators.DEFAULT_SETTINGS) -> measures.Joined:
    """The log joined to the period's register, exclusion errors under ``settings`` (the
    planning pages' definitions); matching the ids, the slow part, is done once."""
    if settings == indicators.DEFAULT_SETTINGS:
        return _matched(snapshot_id, version, stamp)
    return _under(snapshot_id, version, stamp, settings)


@st.cache_data(show_spinner=False, ttl=60)
def stored_points(version: tuple, stamp: str) -> pd.DataFrame:
    return points.load_points(data.engine())


@st.cache_data(ttl=data.FINGERPRINT_TTL_S, show_spinner=False)
def points_stamp() -> str:
    """How many service points are stored, and the newest: part of the points' cache keys.
    Cached as :func:`log_stamp` is."""
    with data.engine().connect() as conn:
        from sqlalchemy import func, select

        from geo.referrals.tables import ensure, service_points

        ensure(data.engine())
        n, last = conn.execute(select(func.count(), func.max(service_points.c.id))).one()
    return f"{n}:{last}"


@st.cache_resource(show_spinner="Menghitung jarak ke titik layanan…", max_entries=2)
def access(snapshot_id: int, version: tuple, stamp: str) -> pd.DataFrame:
    period = data.snapshots(version).set_index("id").loc[snapshot_id, "period"]
    return points.service_access(data.engine(), period)


def service_points_layer(fmap: folium.Map, version: tuple, key: str,
                         container: object = None, default: tuple[str, ...] | None = None
                         ) -> None:
    """An optional layer: a toggle, then the stored service points (of the chosen types;
    ``default``: those chosen at first, all when None) on ``fmap``."""
    stamp = points_stamp()
    if stamp.startswith("0:"):
        return
    where = container or st
    if not where.toggle("Tampilkan titik layanan (Puskesos, SLRT, puskesmas, …)", key=key):
        return
    pts = stored_points(version, stamp)
    kinds = tuple(k for k in vocab.POINT_TYPES if (pts["jenis"] == k).any())
    first = [k for k in kinds if default is None or k in default]
    chosen = where.multiselect("Jenis titik", kinds, default=first, key=f"{key}_jenis",
                               format_func=lambda k: vocab.POINT_TYPES[k][0])
    layer.add_service_points(fmap, pts, tuple(chosen))


def import_forms(user: object) -> None:
    """Upload the referral log and service points (users allowed to import)."""
    st.markdown("**Impor log rujukan SLRT/Puskesos** (CSV atau XLSX). Log yang diimpor "
                "menggantikan log sebelumnya seluruhnya. Kolom dikenali dari namanya (mis. "
                "NO_RUJUKAN, TANGGAL, NIK / NO_KK / ID_DTKS, KELURAHAN atau KODE_WILAYAH, "
                "KEBUTUHAN, DIRUJUK_KE, STATUS, TANGGAL_STATUS). NIK dan No. KK tidak disimpan: "
                "hanya hash berkunci untuk mencocokkan dengan register.")
    log_file = st.file_uploader("Berkas log rujukan", type=["csv", "xlsx"], key="ruj_upload")
    if log_file is not None and st.button("Impor log rujukan", key="ruj_import"):
        try:
            result = import_referrals(data.engine(), log_file, name=log_file.name)
        except ImportFailed as err:
            st.error(str(err))
        else:
            audit.record(data.engine(), user.name, "import_referrals", berkas=log_file.name,
                         **result.counts)
            data.clear_caches()
            st.cache_resource.clear()
            c = result.counts
            st.success(f"Log tersimpan: {c['rows_read']} baris dibaca, {c['accepted']} "
                       f"diterima, {c['quarantined']} dikarantina, {c['linked']} tertaut ke "
                       f"kelurahan, {c['matched_to_register']} cocok dengan register.")
            if result.messages():
                st.dataframe(pd.DataFrame({"Pesan": result.messages()}), hide_index=True,
                             width="stretch", height=240)
    st.divider()
    st.markdown("**Impor titik layanan** (CSV/XLSX dengan lintang dan bujur, atau GeoJSON "
                "titik). Titik jenis yang sama diganti.")
    a, b = st.columns([3, 2])
    pts_file = a.file_uploader("Berkas titik layanan", type=["csv", "xlsx", "geojson", "json"],
                               key="titik_upload")
    jenis = b.selectbox("Jenis (bila berkas tidak punya kolom jenis)",
                        ["(dari berkas)", *vocab.POINT_TYPES], key="titik_jenis",
                        format_func=lambda k: vocab.POINT_TYPES[k][0]
                        if k in vocab.POINT_TYPES else k)
    if pts_file is not None and st.button("Impor titik layanan", key="titik_import"):
        try:
            result = points.import_points(data.engine(), pts_file,
                                          None if jenis == "(dari berkas)" else jenis,
                                          name=pts_file.name)
        except ImportFailed as err:
            st.error(str(err))
        else:
            audit.record(data.engine(), user.name, "import_points", berkas=pts_file.name,
                         **result.counts)
            data.clear_caches()
            st.success(f"{result.counts['accepted']} titik tersimpan, "
                       f"{result.counts['quarantined']} ditolak.")
            for line in result.messages()[:50]:
                st.caption(line)


__all__ = ["auth", "import_forms", "joined", "service_points_layer"]
