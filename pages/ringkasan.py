"""Ringkasan: the city on one screen for leadership (headline numbers and their change, one
map of a chosen need, the kelurahan needing most action per OPD, the largest coverage gaps,
how fresh the data is). All numbers come from geo.views.overview_view."""

from __future__ import annotations

import html

import streamlit as st
from streamlit_folium import st_folium

from geo import indicators
from geo.indicators import NO_DATA
from geo.views import overview_view as ovv
from ui import auth, context, data, explorer, overview
from ui import filters as ui_filters
from ui import planning as up
from ui import sheets as ui_sheets

user = auth.require("ringkasan")
view = context.current()
overview.compact_layout()
st.title("Ringkasan")
if not view.snapshot:
    st.warning(context.NO_DATA_HINT)
    st.stop()

ov, scope = overview.build(view, user)
st.caption(f"**{ov.area}** · {ov.freshness()}")

# ------------------------------------------------------------------ headline numbers
for col, h in zip(st.columns([ovv.WIDTHS.get(h.key, 1) for h in ov.headline]), ov.headline):
    has_delta = h.delta is not None
    col.metric(h.label, h.value, delta=h.change if has_delta else None,
               delta_color=("off" if h.delta == 0 else "inverse" if h.higher_is_worse
                            else "normal"),
               delta_arrow="off" if h.delta == 0 else "auto",
               help=h.explanation + ("" if has_delta or h.change is None
                                     else f" Perubahan: {NO_DATA}."))
    col.caption(h.detail)

# ------------------------------------------------------------------ map | lists
NEED = ui_filters.Param("kebutuhan", "rk_need", "miskin",
                        decode=lambda t: t if t in ovv.MAP_CHOICES else None)
ui_filters.params_from_url(NEED)
left, right = st.columns([1.1, 1])
with left:
    pick, printing = st.columns([3, 1], vertical_alignment="center")
    need = pick.selectbox("Peta kebutuhan", ovv.MAP_CHOICES, key=NEED.key,
                          format_func=lambda i: indicators.get(i).label,
                          label_visibility="collapsed")
    ui_filters.params_to_url(NEED)
    names = data.region_names(view.version)
    kelurahan, name_of = explorer.areas("kelurahan", view.version), names.set_index("kode")["nama"]
    shown = ovv.need_view(scope.prepared, scope.filters, need, kelurahan, name_of,
                          scope.settings, True)
    fmap = ovv.need_map(shown, name_of, note="", size_px=(520, 370), tiles=view.basemap)
    ui_sheets.overview_button(printing, ov, shown, view)
    if fmap is not None:
        st_folium(fmap, height=370, use_container_width=True, returned_objects=[],
                  key="rk_map")

with right:
    lines = [f"<p><b>{html.escape(agency)}</b>: {html.escape(top.text())}</p>"
             for agency, top in ov.opd_top.items()]
    st.markdown(f"**{ovv.TOP_KELURAHAN} {scope.kel_word.lower()} dengan rumah tangga perlu "
                "tindakan terbanyak, per OPD**")
    st.html(f'<div class="ringkasan-list">{"".join(lines)}</div>')
    st.markdown("**Kesenjangan cakupan terbesar** (layak, belum menerima)")
    st.dataframe([{"Program": g.program, "Cakupan": g.coverage, "Belum menerima": g.not_covered,
                   f"{scope.kel_word} terendah": g.lowest} for g in ov.coverage_gaps],
                 hide_index=True, width="stretch", height=up.table_height(len(ov.coverage_gaps)),
                 key="rk_gaps")
