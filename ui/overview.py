"""The overview page's (Ringkasan) cached numbers and its one-screen layout."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import access, indicators
from geo.accounts import User
from geo.filters import Filters
from geo.views import overview_view as ovv
from geo.views.common import Scope, make_scope
from ui import data, explorer
from ui import planning as up
from ui.context import View

# One screen at 1366×768: less padding above the page, smaller numbers than st.metric's own.
COMPACT_CSS = """<style>
[data-testid="stMainBlockContainer"]{padding-top:3.6rem;padding-bottom:0.5rem;
  padding-left:1.5rem;padding-right:1.5rem}
[data-testid="stMainBlockContainer"] h1{font-size:1.5rem;padding:0;line-height:1.2}
[data-testid="stMetricValue"]{font-size:1.35rem}
[data-testid="stMetricLabel"] p{font-size:0.76rem}
[data-testid="stMetricDelta"]{font-size:0.78rem}
[data-testid="stMain"] [data-testid="stVerticalBlock"]{gap:0.55rem}
.ringkasan-list{font-size:0.8rem;line-height:1.35}
.ringkasan-list p{margin:0 0 0.2rem 0}
</style>"""


def compact_layout() -> None:
    st.html(COMPACT_CSS)


@st.cache_data(show_spinner="Menghitung angka utama wilayah…", max_entries=8)
def _city_numbers(period: str, version: tuple
                  ) -> tuple[pd.DataFrame, pd.DataFrame | None, str | None]:
    return ovv.city_numbers(data.engine(), period)


def whole_area_scope(view: View, user: User | None) -> Scope:
    """Every household of the city, or of the account's area (no sidebar filter: the
    overview is always the whole area)."""
    settings = indicators.DEFAULT_SETTINGS
    snapshot_id, key = int(view.snapshot["id"]), up.settings_key(settings)
    kelurahan = explorer.areas("kelurahan", view.version)
    parent_of = kelurahan.set_index("kode")["kode_induk"].to_dict()
    filters = access.scope_filters(user, Filters(), parent_of, parent_of)
    return make_scope(up.prepared(snapshot_id, view.version, settings, filters),
                      up.needs(snapshot_id, view.version, key),
                      up.needs_known(snapshot_id, view.version, key), kelurahan, filters,
                      data.region_names(view.version), settings)


def build(view: View, user: User | None) -> tuple[ovv.Overview, Scope]:
    """The overview of the chosen period for the user (a scoped account sees its area, with
    no change: the indicator table's row counts the whole kabupaten/kota or province). Made
    once per period, data version and account: a rerun (choosing the map's need) reads it.
    Shared between sessions: read only."""
    return _built(int(view.snapshot["id"]), view.version, user, view)


@st.cache_resource(show_spinner=False, max_entries=8)
def _built(snapshot_id: int, version: tuple, user: User | None, _view: View
           ) -> tuple[ovv.Overview, Scope]:
    view = _view
    scope = whole_area_scope(view, user)
    names = data.region_names(view.version)
    if user is not None and user.areas:
        row, changes, previous = ovv.scope_row(scope), None, None
        name_of = names.set_index("kode")["nama"].to_dict()
        area = "wilayah " + ", ".join(name_of.get(c, c) for c in user.areas)
    else:
        table, compared, previous = _city_numbers(str(view.snapshot["period"]), view.version)
        row = ovv.city_row(table)
        changes = (None if compared is None
                   else compared.set_index("kode").loc[row["kode"]])
        area = str(row["nama"] or "wilayah")
    return ovv.overview(row, changes, previous, view.snapshot, scope, names, area,
                        hide=True), scope
