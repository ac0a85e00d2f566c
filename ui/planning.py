"""Shared plumbing of the planning pages (Cakupan, Lintas OPD, Prioritas): the evaluated
snapshot (shared with the map explorer), the shared sidebar filters, the definition settings.

Hot path: the database is read once per (snapshot, settings) into a shared resource (never
copied); a change of filters, weights or the chosen agency only builds a mask and counts with
``np.bincount``. Personal columns are read only for the verification list, and only for the
flagged households.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pandas as pd
import streamlit as st

from geo import access, cube, indicators, planning, snapshot_cache, suppression
from geo.filters import Filters
from geo.fmt import fmt_int, plain
from geo.indicators import DEFAULT_SETTINGS, Settings
from geo.views.common import Scope, make_scope
from ui import auth, data, explorer
from ui import filters as shared_filters


def prepared(snapshot_id: int, version: tuple, settings: Settings,
             filters: Filters | None = None) -> indicators.Prepared:
    """Every indicator evaluated once for the snapshot (the map explorer's cached resource):
    the rows that count ``filters`` (the cube's, see ``explorer.Base.for_filters``)."""
    if settings == DEFAULT_SETTINGS:  # same cache entry as the map page
        base = explorer.base(snapshot_id, version)
    else:
        base = explorer.base(snapshot_id, version, settings)
    return base.for_filters(filters or Filters())


def needs(snapshot_id: int, version: tuple, settings_key: tuple
          ) -> pd.DataFrame | planning.NeedCells:
    """Household × agency needs, or the needs cube's cells when the cube answers for the
    settings (shared resources; do not modify)."""
    if cube.serves(_settings_from_key(settings_key)):
        return explorer.need_cells(snapshot_id, version)
    return _household_needs(snapshot_id, version, settings_key)


@st.cache_resource(show_spinner=False, max_entries=4)
def _household_needs(snapshot_id: int, version: tuple, settings_key: tuple) -> pd.DataFrame:
    p = prepared(snapshot_id, version, _settings_from_key(settings_key))
    return planning.agency_needs(p.hits, _available_ids(p))


def _available_ids(p: indicators.Prepared) -> list[str]:
    return [ind.id for ind in indicators.INDICATORS if p.available(ind.id)]


def needs_known(snapshot_id: int, version: tuple, settings_key: tuple) -> pd.DataFrame | None:
    """Household × agency: whether the need is known (None with the needs cube, whose cells
    carry it)."""
    if cube.serves(_settings_from_key(settings_key)):
        return None
    return _household_needs_known(snapshot_id, version, settings_key)


@st.cache_resource(show_spinner=False, max_entries=4)
def _household_needs_known(snapshot_id: int, version: tuple, settings_key: tuple
                           ) -> pd.DataFrame:
    p = prepared(snapshot_id, version, _settings_from_key(settings_key))
    return planning.agency_known(p.hits, p.dens, p.bases, _available_ids(p))


# Columns the verification list and its filters read (no personal data).
VERIFY_COLUMNS = ["row_number", "region_code", *indicators.FILTER_COLUMNS, "punya_mobil"]


@st.cache_resource(show_spinner="Menyiapkan daftar verifikasi…", max_entries=2)
def verification_base(snapshot_id: int, version: tuple, settings_key: tuple
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(flagged households with the columns filters read, why each is flagged), read once per
    snapshot and settings, only when the verification list is opened."""
    settings = _settings_from_key(settings_key)
    columns = list(dict.fromkeys(VERIFY_COLUMNS))
    hh = snapshot_cache.load_households_fast(data.engine(), {"id": snapshot_id}, columns)
    flags = indicators.evaluate(hh, settings, ids=planning.ERROR_IDS)
    reasons = planning.verification_reasons(hh, flags, settings)
    return hh.loc[reasons.index].reset_index(drop=True), reasons.reset_index(drop=True)


@st.cache_resource(show_spinner=False, max_entries=2)
def flagged_identity(snapshot_id: int, version: tuple, settings_key: tuple) -> pd.DataFrame:
    """Masked NIK/No. KK and address of the flagged households only."""
    hh, _ = verification_base(snapshot_id, version, settings_key)
    codes = hh["region_code"]  # a dataset period then opens only their partitions
    return planning.load_identity(data.engine(), snapshot_id, hh["row_number"].astype(int),
                                  None if codes.isna().any() else codes.unique().tolist())


T = TypeVar("T")


@st.cache_resource(show_spinner=False, max_entries=8)
def _per_scope(page: str, snapshot_id: int, version: tuple, settings: tuple, filters: Filters,
               key: tuple, k: int, _build: Callable[[], T]) -> T:
    return _build()


def per_scope(page: str, view, settings: Settings, key: tuple,  # noqa: ANN001
              build: Callable[[], T]) -> T:
    """``build()`` once per page, period, data version, definition settings, shared filters
    (with the user's area), ``key`` (the page's own choices) and k of small counts, shared by
    sessions: a rerun that changes none of them (another agency, the map's layers) reuses it.
    What it returns is shared: never modify it."""
    return _per_scope(page, int(view.snapshot["id"]), view.version, settings_key(settings),
                      current_filters(), key, suppression.k(), build)


# ------------------------------------------------------------------ settings

ROW_PX = 35  # one row of st.dataframe, the header included


def table_height(rows: int, most: int = 480) -> int:
    """A table as tall as its rows, up to ``most`` pixels (then it scrolls): ten rows in a
    fixed 480 px left three empty rows under them."""
    return min(most, ROW_PX * (max(rows, 1) + 1) + 3)  # an empty table: its "empty" row


def settings_key(settings: Settings) -> tuple:
    return (settings.rtlh_floor_per_person, settings.bottled_water_improved,
            settings.eligible_desil, settings.min_known_share)


def _settings_from_key(key: tuple) -> Settings:
    return Settings(rtlh_floor_per_person=key[0], bottled_water_improved=key[1],
                    eligible_desil=key[2], min_known_share=key[3])


DEFAULTS_ONLY_NOTE = ("Akun forum memakai definisi bawaan dan tidak dapat mengubahnya: selisih "
                      "dua definisi (mis. ambang RTLH 9,0 dan 7,2 m²) dapat membuka angka kecil "
                      "yang disembunyikan.")
_SETTINGS_STATE = "_planning_settings"
_SETTINGS_DEFAULTS = {"ps_rtlh": 7.2, "ps_pbi": 4, "ps_bottled": True, "ps_known": 0.5}


def _remember(widget_key: str) -> None:
    st.session_state.setdefault(_SETTINGS_STATE, dict(_SETTINGS_DEFAULTS))[widget_key] = (
        st.session_state[widget_key])


def settings_control() -> Settings:
    """The definition choices (household-data.md) in an expander; the same keys on every
    planning page, so a choice made on one page holds on the others."""
    base = Settings()
    if not access.may_select_households(auth.visitor()):
        with st.expander("Definisi yang dipakai (bawaan)"):
            st.caption(DEFAULTS_ONLY_NOTE)
            st.markdown("\n".join(f"- {plain(line)}" for line in base.describe()))
        return base
    # Widget state does not follow the user to another page: keep the choice beside it
    # (updated by on_change, before the rerun) and hand it to the widgets on every run.
    stored = st.session_state.setdefault(_SETTINGS_STATE, dict(_SETTINGS_DEFAULTS))
    for widget_key, value in stored.items():
        st.session_state[widget_key] = value
    with st.expander("Pengaturan definisi (berlaku di semua halaman perencanaan)"):
        left, mid, right, last = st.columns(4)
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
        known = last.selectbox(
            "Minimal data diketahui per wilayah", (0.5, 0.75, 0.9), key="ps_known",
            on_change=_remember, args=("ps_known",), format_func=lambda v: f"{v:.0%}",
            help="Wilayah yang nilai indikatornya diketahui untuk lebih sedikit rumah tangga "
                 "ditampilkan abu-abu “tidak ada data”, tidak diberi warna dan tidak "
                 "diperingkat.")
    eligible = tuple((name, lo, pbi_max if name == "penerima_pbi_jkn" else hi)
                     for name, lo, hi in base.eligible_desil)
    return Settings(rtlh_floor_per_person=float(rtlh), bottled_water_improved=bool(bottled),
                    eligible_desil=eligible, min_known_share=float(known))


# ------------------------------------------------------------------ filters

def current_filters() -> Filters:
    """The shared sidebar filters of this run (set by app.py through ui.filters)."""
    return shared_filters.current()


def scope(view, settings: Settings) -> Scope:  # noqa: ANN001
    """Apply the shared filters to the cached evaluation (no database read)."""
    snapshot_id, filters = int(view.snapshot["id"]), current_filters()
    return make_scope(prepared(snapshot_id, view.version, settings, filters),
                      needs(snapshot_id, view.version, settings_key(settings)),
                      needs_known(snapshot_id, view.version, settings_key(settings)),
                      explorer.areas("kelurahan", view.version), filters,
                      data.region_names(view.version), settings)


def filters_caption(scope: Scope) -> None:
    """The active filters, and the households no kelurahan table can show (not linked)."""
    st.caption(f"**Filter aktif:** {plain(scope.description)}" if scope.description
               else "**Filter:** semua rumah tangga (atur filter di panel samping).")
    if scope.unlinked:
        st.caption(f"{fmt_int(scope.unlinked)} rumah tangga belum tertaut ke kelurahan: tidak "
                   "masuk tabel dan peta per kelurahan (lihat halaman Data), tetapi tetap masuk "
                   "daftar verifikasi.")


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


# A styled table costs pandas' Styler time per cell on every rerun (0,4 s for the 1.552 × 9
# matrix of a province): the planning pages show its first rows, all on the planner's request.
SHOWN_ROWS = 100


def intensity_css(values: pd.DataFrame, palette: str = "YlOrRd") -> pd.DataFrame:
    """The CSS of each cell of ``values``: its column's quantile class (classes over every
    row, so a cell keeps its colour however many rows are shown); grey
    (:data:`geo.maps.NO_DATA_COLOR`) where the value is NaN: unknown, or a hidden count."""
    from geo.maps import PALETTES, classify

    dark = set(PALETTES[palette][-2:])  # white text on the two darkest colours
    css = {}
    for col in values.columns:
        vals = values[col].to_numpy(dtype=float)
        colours = classify(vals, k=5, palette=palette).color_of(vals)
        css[col] = [f"background-color: {c}; color: {'#fff' if c in dark else '#222'}"
                    for c in colours]
    return pd.DataFrame(css, index=values.index, columns=values.columns)


def intensity_styler(display: pd.DataFrame, values: pd.DataFrame, palette: str = "YlOrRd",
                     rows: int | None = None):  # noqa: ANN201
    """Colour each cell of ``display`` by its column's class in ``values`` (same rows; its
    columns a subset of ``display``'s), showing the first ``rows`` rows (None: all)."""
    css = intensity_css(values, palette)
    if rows is not None:
        display, css = display.iloc[:rows], css.iloc[:rows]
    full = pd.DataFrame("", index=display.index, columns=display.columns)
    full[list(css.columns)] = css
    return display.style.apply(lambda _: full, axis=None)


def rows_to_show(total: int, key: str, noun: str) -> int:
    """How many rows of a styled table to show: all when they are few, else the first
    :data:`SHOWN_ROWS` until the planner switches the toggle ``key`` on (kept for the
    session)."""
    if total <= SHOWN_ROWS:
        return total
    if st.toggle(f"Tampilkan semua {fmt_int(total)} {noun}", value=False, key=key,
                 help="Tabel lengkap lebih lambat dimuat ulang pada setiap perubahan; "
                      "semua baris ada juga di unduhan."):
        return total
    st.caption(f"Menampilkan {fmt_int(SHOWN_ROWS)} {noun} teratas dari {fmt_int(total)} "
               "(urutan yang sama; semua baris ada di unduhan).")
    return SHOWN_ROWS


def planning_scope(view) -> tuple[Settings, Scope]:  # noqa: ANN001
    """The definition settings, the filtered scope and its caption: the top of a planning
    page."""
    settings = settings_control()
    scope_ = scope(view, settings)
    filters_caption(scope_)
    return settings, scope_
