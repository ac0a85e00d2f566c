"""Kualitas data: per kelurahan how households were linked, what was quarantined and how much
of each indicator the register holds; the kelurahan to verify first (verval)."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import data_quality, indicators
from geo.fmt import fmt_int, fmt_pct
from geo.maps import choropleth, classify
from ui import context, data, explorer

view = context.page_with_data("Kualitas data")
table, first = data.quality(int(view.snapshot["id"]), view.version)
kel = table[table["kode"] != data_quality.UNLINKED_CODE]
stray = table[table["kode"] == data_quality.UNLINKED_CODE]

households = int(table["rumah_tangga"].sum())
quarantined = int(table["dikarantina"].sum())
a, b, c, d = st.columns(4)
a.metric("Rumah tangga tersimpan", fmt_int(households))
b.metric("Tertaut lewat kode", fmt_pct(100 * kel["tertaut_kode"].sum() / households
                                       if households else None))
c.metric("Konflik kode–titik", fmt_int(table["konflik"].sum()))
d.metric("Baris dikarantina", fmt_int(quarantined))
if len(stray) and (stray["rumah_tangga"].iat[0] or stray["dikarantina"].iat[0]):
    st.caption(f"{fmt_int(stray['rumah_tangga'].iat[0])} rumah tangga belum tertaut dan "
               f"{fmt_int(stray['dikarantina'].iat[0])} baris karantina tanpa kode kelurahan "
               "yang dikenal: tidak ada di peta, tercatat di baris terakhir tabel.")
missing = [i for i in indicators.BY_ID if i not in table.attrs.get("available", [])]
if missing:
    st.warning("Tidak tersedia di register ini (tidak ada rumah tangga yang nilainya "
               "diketahui): " + ", ".join(indicators.get(i).label for i in missing) + ".")

measure = st.selectbox("Peta", list(data_quality.MEASURES), key="dq_measure",
                       format_func=lambda m: data_quality.MEASURES[m][0])
label, higher_is_better = data_quality.MEASURES[measure]
values = (100 * kel.set_index("kode")[measure]).astype(float)
areas = explorer.areas("kelurahan", view.version)
left, right = st.columns([3, 2])
with left:
    tooltip = pd.DataFrame({
        "Kelurahan": kel["nama"].to_numpy(),
        label: [fmt_pct(v) if v == v else indicators.NO_DATA for v in values],
        "Rumah tangga": [fmt_int(v) for v in kel["rumah_tangga"]],
        "Dikarantina": [fmt_int(v) for v in kel["dikarantina"]],
    }, index=kel["kode"].to_numpy())
    fmap = choropleth(areas, values, title=label, unit="% per kelurahan",
                      tooltip_rows=tooltip, note=view.period_label, tiles=view.basemap,
                      classes=classify(values.to_numpy(), palette="YlGnBu" if higher_is_better
                                       else "YlOrRd"))
    st_folium(fmap, height=520, use_container_width=True, returned_objects=[], key="dq_map")
with right:
    st.markdown("**Kelurahan yang perlu diverifikasi lebih dulu**")
    if first.empty:
        st.caption("Tidak ada kelurahan yang menonjol: tautan, konflik, karantina dan data "
                   "yang diketahui di dalam batas.")
    else:
        st.dataframe(pd.DataFrame({
            "Kelurahan": first["nama"], "Rumah tangga": [fmt_int(v) for v in
                                                          first["rumah_tangga"]],
            "Alasan": first["alasan"]}), hide_index=True, width="stretch",
            height=min(480, 38 + 35 * len(first)))
    st.caption(f"Masuk daftar bila tertaut lewat kode < {data_quality.MIN_CODE_SHARE:.0%}, "
               f"konflik > {data_quality.MAX_CONFLICT_SHARE:.0%}, dikarantina > "
               f"{data_quality.MAX_QUARANTINE_SHARE:.0%}, atau suatu indikator diketahui "
               f"untuk < {indicators.DEFAULT_SETTINGS.min_known_share:.0%} rumah tangga.")

st.subheader("Tabel kualitas data per kelurahan")
st.dataframe(data_quality.display_table(table), hide_index=True, width="stretch",
             key="dq_table")
st.download_button("Unduh CSV", lambda: explorer.csv_bytes(table),
                   file_name=f"kualitas_data_{view.snapshot['period']}.csv", mime="text/csv",
                   key="dq_csv", on_click="ignore")
st.caption("Kolom diketahui_<indikator>: bagian rumah tangga (0–1) yang nilai indikatornya ada "
           "di register; kosong bila kelurahan tidak punya rumah tangga yang dimaksud. Tanpa "
           "data pribadi.")
