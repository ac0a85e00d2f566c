"""Kualitas data: per kelurahan how households were linked, what was quarantined and how much
of each indicator the register holds; the kelurahan to verify first (verval)."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from geo import data_quality, exports, indicators
from geo.maps import choropleth, classify
from geo.views import quality_view as qv
from ui import auth, context, data, downloads, explorer
from ui import planning as up

auth.require("kualitas_data")
view = context.page_with_data("Kualitas data")
table, first = data.quality(int(view.snapshot["id"]), view.version)
page = qv.quality_view(table, first)
kel = page.kel_word.lower()  # "kelurahan", "desa" or "kelurahan/desa"
for col, (label, value) in zip(st.columns(4), page.metrics()):
    col.metric(label, value)
if page.stray_note():
    st.caption(page.stray_note())
if page.missing_note():
    st.warning(page.missing_note())

measure = st.selectbox("Peta", list(data_quality.MEASURES), key="dq_measure",
                       format_func=lambda m: data_quality.MEASURES[m][0])
label, higher_is_better = data_quality.MEASURES[measure]
values, tooltip = page.map_values(measure)
areas = explorer.areas("kelurahan", view.version)
left, right = st.columns([3, 2])
with left:
    fmap = choropleth(areas, values, title=label, unit=f"% per {kel}",
                      tooltip_rows=tooltip, note=view.period_label, tiles=view.basemap,
                      classes=classify(values.to_numpy(), palette="YlGnBu" if higher_is_better
                                       else "YlOrRd"))
    st_folium(fmap, height=520, use_container_width=True, returned_objects=[], key="dq_map")
with right:
    st.markdown(f"**{page.kel_word} yang perlu diverifikasi lebih dulu**")
    if first.empty:
        st.caption(f"Tidak ada {kel} yang menonjol: tautan, konflik, karantina dan data "
                   "yang diketahui di dalam batas.")
    else:
        st.dataframe(page.first_table(), hide_index=True, width="stretch",
                     height=up.table_height(len(first)))
    st.caption(f"Masuk daftar bila tertaut lewat kode < {data_quality.MIN_CODE_SHARE:.0%}, "
               f"konflik > {data_quality.MAX_CONFLICT_SHARE:.0%}, dikarantina > "
               f"{data_quality.MAX_QUARANTINE_SHARE:.0%}, atau suatu indikator diketahui "
               f"untuk < {indicators.DEFAULT_SETTINGS.min_known_share:.0%} rumah tangga.")

st.subheader(f"Tabel kualitas data per {kel}")
st.dataframe(data_quality.display_table(table), hide_index=True, width="stretch",
             key="dq_table")


def quality_export() -> exports.Table:
    frame, labels, shares = data_quality.export_table(table)
    return exports.Table(frame, "Kualitas data", labels,
                         exports.number_formats(frame.columns, percent=shares))


downloads.table_downloads(
    f"kualitas_data_{view.snapshot['period']}", "dq", quality_export,
    notes=lambda: exports.Notes(
        view.period_label, "Seluruh register periode ini (tanpa filter)",
        lines=[("Isi", "Per kelurahan: cara rumah tangga tertaut, konflik, baris yang "
                       "dikarantina dan bagian rumah tangga yang nilai tiap indikatornya ada "
                       "di register. Tanpa data pribadi.")],
        suppression="Tidak berlaku: tabel ini untuk operator data, bukan forum terbuka.",
        **exports.snapshot_source(view.snapshot)),
    machine=lambda: table)
st.caption("Kolom diketahui_<indikator>: bagian rumah tangga yang nilai indikatornya ada di "
           "register (CSV mesin 0–1, Excel dan tabel ini %); kosong bila kelurahan tidak punya "
           "rumah tangga yang dimaksud. Tanpa data pribadi.")
