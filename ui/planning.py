"""Shared plumbing of the planning pages (Cakupan, Lintas OPD, Prioritas): cached indicator
flags per (snapshot, settings), the shared sidebar filters, the definition settings.

Hot path: the database is read once per snapshot; a change of filters, weights or the chosen
agency only masks and regroups cached flags.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st

from geo import indicators, planning
from geo.filters import Filters
from geo.fmt import fmt_int
from geo.indicators import Settings
from ui import data
from ui import filters as shared_filters


@st.cache_data(show_spinner="Menghitung indikator…", max_entries=4)
def flags(snapshot_id: int, version: tuple, settings_key: tuple) -> pd.DataFrame:
    """Every indicator's flags for the snapshot's households, under ``settings_key``."""
    settings = _settings_from_key(settings_key)
    return indicators.evaluate(data.households(snapshot_id, version), settings)


@st.cache_data(show_spinner=False, max_entries=4)
def needs(snapshot_id: int, version: tuple, settings_key: tuple) -> pd.DataFrame:
    return planning.agency_needs(flags(snapshot_id, version, settings_key))


# ------------------------------------------------------------------ settings

def settings_key(settings: Settings) -> tuple:
    return (settings.rtlh_floor_per_person, settings.bottled_water_improved,
            settings.eligible_desil)


def _settings_from_key(key: tuple) -> Settings:
    return Settings(rtlh_floor_per_person=key[0], bottled_water_improved=key[1],
                    eligible_desil=key[2])


_SETTINGS_STATE = "_planning_settings"
_SETTINGS_DEFAULTS = {"ps_rtlh": 7.2, "ps_pbi": 4, "ps_bottled": True}


def _remember(widget_key: str) -> None:
    st.session_state.setdefault(_SETTINGS_STATE, dict(_SETTINGS_DEFAULTS))[widget_key] = (
        st.session_state[widget_key])


def settings_control() -> Settings:
    """The definition choices (household-data.md) in an expander; the same keys on every
    planning page, so a choice made on one page holds on the others."""
    base = Settings()
    # Widget state does not follow the user to another page: keep the choice beside it
    # (updated by on_change, before the rerun) and hand it to the widgets on every run.
    stored = st.session_state.setdefault(_SETTINGS_STATE, dict(_SETTINGS_DEFAULTS))
    for widget_key, value in stored.items():
        st.session_state[widget_key] = value
    with st.expander("Pengaturan definisi (berlaku di semua halaman perencanaan)"):
        left, mid, right = st.columns(3)
        rtlh = left.selectbox(
            "Ambang RTLH, luas lantai per orang", (7.2, 9.0), key="ps_rtlh",
            on_change=_remember, args=("ps_rtlh",),
            format_func=lambda v: f"{v:.1f} m²".replace(".", ",") + (
                " (Kemensos)" if v == 7.2 else " (standar PUPR)"))
        pbi_max = mid.selectbox("PBI-JKN layak sampai desil", (4, 5), key="ps_pbi",
                                on_change=_remember, args=("ps_pbi",),
                                help="PBI-JKN sering diperluas ke desil 1–5.")
        bottled = right.checkbox("Air kemasan/isi ulang dihitung layak", key="ps_bottled",
                                 on_change=_remember, args=("ps_bottled",))
    eligible = tuple((name, lo, pbi_max if name == "penerima_pbi_jkn" else hi)
                     for name, lo, hi in base.eligible_desil)
    return Settings(rtlh_floor_per_person=float(rtlh), bottled_water_improved=bool(bottled),
                    eligible_desil=eligible)


# ------------------------------------------------------------------ filters

def current_filters() -> Filters:
    """The shared sidebar filters of this run (set by app.py through ui.filters)."""
    return shared_filters.current()


@dataclass(frozen=True)
class Scope:
    """The households and kelurahan a planning page works on after the sidebar filters."""

    households: pd.DataFrame
    flags: pd.DataFrame
    needs: pd.DataFrame
    areas: gpd.GeoDataFrame  # kelurahan in scope (display geometry)
    description: str  # the filters in words ("" = none)
    settings: Settings


def scope(view, settings: Settings) -> Scope:  # noqa: ANN001
    """Apply the shared filters to cached households, flags and needs (no database read)."""
    snapshot_id = int(view.snapshot["id"])
    key = settings_key(settings)
    hh = data.households(snapshot_id, view.version)
    fl = flags(snapshot_id, view.version, key)
    nd = needs(snapshot_id, view.version, key)
    areas = data.regions("kelurahan", view.version)
    chosen = current_filters()
    description = ""
    if not chosen.is_empty:
        mask = np.asarray(chosen.mask(hh), dtype=bool)
        if not mask.all():
            hh, fl, nd = hh[mask], fl[mask], nd[mask]
        names = data.region_names(view.version).set_index("kode")["nama"].to_dict()
        description = chosen.describe(names)
        # kelurahan outside the chosen area are left out, not listed as "no households"
        if chosen.kelurahan:
            areas = areas[areas["kode"].isin(chosen.kelurahan)]
        elif chosen.kecamatan:
            areas = areas[areas["kode_induk"].isin(chosen.kecamatan)]
    return Scope(hh, fl, nd, areas.reset_index(drop=True), description, settings)


def filters_caption(scope: Scope) -> None:
    """The active filters, and the households no kelurahan table can show (not linked)."""
    st.caption(f"**Filter aktif:** {scope.description}" if scope.description
               else "**Filter:** semua rumah tangga (atur filter di panel samping).")
    codes = scope.households["region_code"]
    unlinked = int((codes.isna() | ~codes.isin(set(scope.areas["kode"]))).sum())
    if unlinked:
        st.caption(f"{fmt_int(unlinked)} rumah tangga belum tertaut ke kelurahan: tidak masuk "
                   "tabel dan peta per kelurahan (lihat halaman Data), tetapi tetap masuk daftar "
                   "verifikasi.")


def how_counted(ids: tuple[str, ...], settings: Settings, extra: list[str] | None = None) -> None:
    """The 'cara menghitung' block: each indicator's rule and denominator, the settings."""
    with st.expander("Cara menghitung setiap angka"):
        for ind_id in ids:
            ind = indicators.get(ind_id)
            st.markdown(f"- **{ind.label}** ({ind.opd}): {ind.definition} "
                        f"Penyebut persentase: {ind.denominator_label}.")
        for line in extra or []:
            st.markdown(f"- {line}")
        st.markdown("**Pengaturan yang berlaku:**  \n" + "  \n".join(settings.describe()))


@st.cache_data(show_spinner=False, max_entries=4)
def reasons(snapshot_id: int, version: tuple, settings_key: tuple) -> pd.DataFrame:
    """Why each household of the snapshot is on the verification list (all, unfiltered)."""
    hh = data.households(snapshot_id, version)
    return planning.verification_reasons(hh, flags(snapshot_id, version, settings_key),
                                         _settings_from_key(settings_key))


@st.cache_data(show_spinner="Menyiapkan daftar verifikasi…", max_entries=2)
def flagged_identity(snapshot_id: int, version: tuple, settings_key: tuple) -> pd.DataFrame:
    """Masked NIK/No. KK and address of the flagged households only, read once per snapshot
    and settings (filters then only select rows)."""
    hh = data.households(snapshot_id, version)
    flagged = reasons(snapshot_id, version, settings_key)
    rows = hh.loc[flagged.index, "row_number"].astype(int).tolist()
    return planning.load_identity(data.engine(), snapshot_id, rows)


def area_labels(view, codes) -> tuple[list[str], list[str]]:  # noqa: ANN001
    """(kelurahan names, kecamatan names) of kelurahan codes."""
    names = data.region_names(view.version).set_index("kode")
    kel = pd.Index(codes)
    parent = names["kode_induk"].reindex(kel)
    return (names["nama"].reindex(kel).fillna("(tanpa nama)").tolist(),
            names["nama"].reindex(parent).fillna("–").tolist())


def intensity_styler(display: pd.DataFrame, values: pd.DataFrame,
                     palette: str = "YlOrRd"):  # noqa: ANN201
    """Colour each cell of ``display`` by its column's class in ``values`` (same shape)."""
    from geo.maps import classify

    css = pd.DataFrame("", index=display.index, columns=display.columns)
    for col in values.columns:
        vals = values[col].to_numpy(dtype=float)
        classes = classify(vals, k=5, palette=palette)
        colours = classes.color_of(vals)
        dark = {classes.colors[-1], classes.colors[-2] if len(classes.colors) > 1 else ""}
        css[col] = [f"background-color: {c}; color: {'#fff' if c in dark else '#222'}"
                    for c in colours]
    return display.style.apply(lambda _: css, axis=None)
