"""Kesenjangan lintas OPD: households needing each agency's action per kelurahan, one
agency's map and ranking, and households with needs across two or more agencies."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import exports, indicators, links, planning
from geo.maps import choropleth, classify, grey_label
from geo.views import opd_view as ov
from ui import auth, context, data, downloads
from ui import filters as ui_filters
from ui import planning as up
from ui import referrals as ur

auth.require("lintas_opd")
view = context.page_with_data("Kesenjangan lintas OPD")
settings, scope = up.planning_scope(view)

with st.expander("OPD dan indikator yang menjadi tugasnya", expanded=False):
    st.dataframe(planning.agency_table(), hide_index=True, width="stretch")
    st.caption("Rumah tangga dihitung “perlu tindakan” suatu OPD bila minimal satu indikator "
               "OPD itu berlaku padanya; satu rumah tangga dapat perlu beberapa OPD.")

MEASURE_IN_URL = {"jumlah": "Jumlah rumah tangga", "persen": "Persentase rumah tangga"}
PAGE_PARAMS = (
    ui_filters.Param("ukuran", "opd_measure", MEASURE_IN_URL["jumlah"],
                     decode=MEASURE_IN_URL.get,
                     encode=lambda v: "persen" if v.startswith("Persentase") else "jumlah"),
    ui_filters.Param("opd", "opd_agency", ov.AGENCIES[0],
                     decode=lambda t: links.decode_choice(t, ov.AGENCIES)))
ui_filters.params_from_url(*PAGE_PARAMS)
a, b = st.columns(2)
measure = a.radio("Angka dalam matriks", ["Jumlah rumah tangga", "Persentase rumah tangga"],
                  horizontal=True, key="opd_measure")
hide = auth.small_counts_hidden("opd_hide", b)
as_pct = measure.startswith("Persentase")


def tables() -> tuple[ov.OpdView, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The page's numbers and the tables that do not depend on the chosen agency."""
    built = ov.opd_view(scope, data.region_names(view.version), as_pct, hide)
    return (built, *built.matrix_table(), built.overlap_table())


# the same for every agency chosen below: built once per filters, settings and measure
page, display, shade, overlap = up.per_scope("lintas_opd", view, settings, (as_pct, hide),
                                             tables)

kel = scope.kel_word.lower()  # "kelurahan", "desa" or "kelurahan/desa"
st.subheader(f"Matriks {kel} × OPD")
rows = up.rows_to_show(len(display), "opd_matrix_semua", kel)
st.dataframe(up.intensity_styler(display, shade, rows=rows), hide_index=True, width="stretch",
             height=420, key="opd_matrix")
st.caption("Warna: intensitas dalam tiap kolom (kelas kuantil, makin gelap makin banyak); "
           f"abu-abu “{indicators.NO_DATA}”: kebutuhan OPD itu diketahui untuk kurang dari "
           f"{settings.min_known_share:.0%} rumah tangga {kel} (bukan 0); abu-abu juga "
           "untuk angka yang disembunyikan (“< 5”, “–”). Persentase "
           "dihitung atas rumah tangga yang kebutuhannya diketahui. Diurutkan menurut rumah "
           "tangga yang perlu ≥ 2 OPD (kebutuhan yang diketahui).")
for kind, text in page.availability():
    (st.warning if kind == "warning" else st.info)(text)



def matrix_table() -> exports.Table:
    frame, labels = page.matrix_export()
    return exports.Table(frame, "Lintas OPD", labels,
                         exports.number_formats(frame.columns, [c for c in frame.columns
                                                                if c.endswith("_persen")]))


downloads.table_downloads(
    f"lintas_opd_{view.snapshot['period']}", "opd", matrix_table,
    notes=lambda: exports.Notes(
        view.period_label, scope.description, indicators=planning.AGENCY_INDICATORS,
        suppression=planning.small_count_note() if hide else "Tidak disembunyikan.",
        lines=[(f"OPD {agency}", ", ".join(indicators.get(i).label for i in ids))
               for agency, ids in planning.AGENCIES.items()]
        + [("Perlu tindakan", "Rumah tangga dihitung perlu tindakan suatu OPD bila minimal "
                              "satu indikator OPD itu berlaku padanya; persentase atas rumah "
                              "tangga yang kebutuhannya diketahui.")],
        settings=settings.describe(), **exports.snapshot_source(view.snapshot)),
    machine=lambda: page.matrix_export()[0],
    layer=lambda: exports.area_layer(scope.areas, page.matrix_export()[0]))

st.subheader(f"Satu OPD: peta dan urutan {kel}")
agency = st.selectbox("Pilih OPD", ov.AGENCIES, key="opd_agency")
ui_filters.params_to_url(*PAGE_PARAMS)  # the matrix's measure and the OPD: a link keeps both
left, right = st.columns([3, 2])
with left:
    agency_values, tooltip = page.agency_map(agency)
    fmap = choropleth(scope.areas, agency_values, title=f"Perlu tindakan {agency}",
                      unit="% rumah tangga" if as_pct else "rumah tangga",
                      tooltip_rows=tooltip, note=view.period_label, tiles=view.basemap,
                      decimals=1 if as_pct else 0,
                      classes=classify(agency_values.to_numpy(dtype=float), palette="Purples"),
                      grey_label=grey_label(page.hide))
    ur.service_points_layer(fmap, view.version, "opd_titik")  # optional layer
    st_folium(fmap, height=520, use_container_width=True, returned_objects=[], key="opd_map")
with right:
    ranking = page.agency_ranking(agency)
    st.dataframe(ranking, hide_index=True, width="stretch",
                 height=up.table_height(len(ranking)), key="opd_rank")
    st.caption(page.agency_total(agency))

st.subheader("Kebutuhan tumpang tindih: rumah tangga yang perlu ≥ 2 OPD")
st.dataframe(overlap, hide_index=True, width="stretch",
             height=up.table_height(len(overlap), most=420), key="opd_overlap")
st.markdown("**Seluruh wilayah terpilih: rumah tangga yang perlu kedua OPD**")
pairs = page.pairs_table()
if pairs is None:
    st.info(ov.PAIRS_HIDDEN_NOTE)
else:
    st.dataframe(pairs, width="stretch")
st.caption(f"{page.multi_total_text()} rumah tangga perlu ≥ 2 OPD — di sini OPD sebaiknya "
           "bertindak bersama." + ("" if pairs is None
                                   else " Diagonal: rumah tangga yang perlu OPD itu."))
if hide:
    st.caption(planning.small_count_note())
up.how_counted(planning.AGENCY_INDICATORS, settings)
