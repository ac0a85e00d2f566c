"""Prioritas Musrenbang: a composite index over indicators the forum picks, with weights."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from geo import exports, indicators, links, planning
from geo.fmt import fmt_int
from geo.maps import choropleth, classify
from geo.views import priority_view as pv
from ui import auth, context, data, downloads, explorer
from ui import filters as ui_filters
from ui import planning as up
from ui import referrals as ur

auth.require("prioritas")
view = context.page_with_data("Prioritas Musrenbang")
settings, scope = up.planning_scope(view)

available = scope.available()
default, left_out = pv.default_choice(available)
# a shared link carries the indicator set, the weights, the level and the highlighted top N
CHOSEN = ui_filters.Param("indikator_skor", "prio_ids", default,
                          decode=lambda t: links.decode_list(t, pv.CHOICES),
                          encode=links.encode_list)
LEVEL = ui_filters.Param("tingkat", "prio_level", "kelurahan",
                         decode=lambda t: links.decode_choice(t, ("kelurahan", "kecamatan")))
WEIGHTS = ui_filters.Param("bobot", "_prio_weights", {}, encode=links.encode_weights)
ui_filters.params_from_url(CHOSEN, LEVEL)
chosen = st.multiselect("Indikator yang dipertimbangkan forum", pv.CHOICES,
                        format_func=lambda i: indicators.get(i).label + (
                            "" if i in available else f" ({indicators.NOT_IN_REGISTER})"),
                        key="prio_ids")
if left_out:
    st.caption("Tidak dipilih secara bawaan karena " + indicators.NOT_IN_REGISTER + ". "
               + " ".join(scope.unavailable_text(i) for i in left_out))
if not chosen:
    st.info("Pilih minimal satu indikator.")
    st.stop()

st.markdown("**Bobot** (bawaan sama, 1; bobot 0 mengeluarkan indikator dari skor; bobot 2 "
            "berarti dua kali lebih penting dari bobot 1)")
weights: dict[str, float] = {}
cols = st.columns(4)
url_weights = links.decode_weights(st.query_params.get(WEIGHTS.name, ""), pv.CHOICES)
for n, ind_id in enumerate(chosen):
    key = f"prio_w_{ind_id}"
    if key not in st.session_state:  # a new weight starts from the link (or 1)
        st.session_state[key] = url_weights.get(ind_id, 1)
    weights[ind_id] = float(cols[n % 4].number_input(
        indicators.get(ind_id).label, min_value=0, max_value=10, step=1, key=key))
st.session_state[WEIGHTS.key] = {i: w for i, w in weights.items() if w != 1}
ui_filters.params_to_url(CHOSEN, WEIGHTS)
if not any(w > 0 for w in weights.values()):
    st.info("Semua bobot 0: beri bobot pada minimal satu indikator.")
    st.stop()

words = data.level_words(view.version)  # "Desa" in a kabupaten
level = st.radio("Tingkat wilayah yang diperingkat", ["kelurahan", "kecamatan"],
                 horizontal=True, key="prio_level", format_func=words.get,
                 help="Musrenbang kelurahan/kecamatan: kelurahan; Musrenbang kota: kecamatan.")
st.caption(f"Skor 0–100: persentase tiap indikator dinormalisasi min–maks antar-"
           f"{words[level].lower()} "
           "(0 = terendah, 1 = tertinggi; cakupan program dibalik), lalu dirata-rata dengan "
           "bobot. Rincian di “Cara menghitung skor prioritas” di bawah.")
hide = auth.small_counts_hidden("prio_hide")
page = pv.priority_view(scope, weights, level, explorer.areas("kecamatan", view.version),
                        data.region_names(view.version), hide)
AREA = page.area_label  # column and text label of the ranked areas
most = max(1, len(page.ranked))
TOP = ui_filters.Param("sorot", "prio_top", min(10, most),
                       decode=lambda t: links.decode_int(t, 1, most), encode=str)
ui_filters.params_from_url(TOP)
st.session_state[TOP.key] = min(st.session_state[TOP.key], most)
# one area ranked (a kelurahan chosen in the sidebar): nothing to choose, and Streamlit refuses
# a slider from 1 to 1
top_n = st.slider(f"Sorot N {AREA.lower()} teratas di peta", 1, most, key="prio_top") \
    if most > 1 else 1
ui_filters.params_to_url(LEVEL, TOP)
shown = page.ranking_table(hide)
n_scored = len(page.scored)


def movement_colour(text: str) -> str:
    return ("color: #1a7f37; font-weight: 600" if text.startswith("▲")
            else "color: #c62828; font-weight: 600" if text.startswith("▼") else "")


left, right = st.columns([3, 2])
with left:
    fmap = choropleth(page.areas, page.ranked["skor"], title="Skor prioritas (0–100)",
                      unit=f"garis tebal: {top_n} teratas", tooltip_rows=page.tooltip(),
                      classes=classify(page.ranked["skor"].to_numpy(dtype=float),
                                       palette="YlOrRd"),
                      note=view.period_label, highlight=page.top(top_n), tiles=view.basemap)
    ur.service_points_layer(fmap, view.version, "prio_titik")  # optional layer
    st_folium(fmap, height=560, use_container_width=True, returned_objects=[],
              key="prio_map")
with right:
    st.markdown(f"**{min(top_n, n_scored)} {AREA.lower()} teratas**")
    st.dataframe(shown.head(top_n)[["Peringkat", AREA, "Skor (0–100)", "Perubahan"]],
                 hide_index=True, width="stretch")

st.subheader("Tabel peringkat")
st.caption("Perubahan: selisih dengan peringkat bila semua bobot sama (▲ naik, ▼ turun, "
           "= tetap). " + planning.TIES_METHOD)
rows = up.rows_to_show(len(shown), "prio_tabel_semua", AREA.lower())
st.dataframe(shown.head(rows).style.map(movement_colour, subset=["Perubahan"]),
             hide_index=True, width="stretch", key="prio_table")
if len(page.unscored):
    st.markdown(f"**{AREA} tanpa skor** (didaftar terpisah, tidak diberi peringkat)")
    st.dataframe(page.unscored_table(), hide_index=True, width="stretch")
if hide:
    st.caption(planning.small_count_note())

# Excel for the minutes, built only when the button is clicked.
notes = page.notes(view.period_label, settings, scope.description, hide)
auth.download_button(
    st, "Unduh Excel untuk notulen (peringkat + catatan)",
    lambda: planning.priority_workbook(page.export(hide), notes),
    f"prioritas_musrenbang_{view.snapshot['period']}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="prio_download")
downloads.table_downloads(
    f"prioritas_musrenbang_{view.snapshot['period']}", "prio_csv",
    lambda: exports.Table(page.export(hide), "Peringkat"),
    machine=lambda: page.machine_export(hide), formats=("csv_excel", "csv"),
    title="Tabel peringkat sebagai CSV:")

with st.expander("Cara menghitung skor prioritas"):
    st.markdown(planning.NORMALISATION_METHOD)
    st.markdown(planning.TIES_METHOD + " " + planning.NO_DATA_NOTE)
    if hide:
        st.markdown(pv.FORUM_SCORE_NOTE)
    st.markdown(page.weights_text())
    st.markdown(f"Rumah tangga dalam cakupan filter: {fmt_int(page.households)}.")
up.how_counted(tuple(weights), settings)
