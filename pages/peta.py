"""Map page: a choropleth of the poverty share per kelurahan."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import indicators
from geo.fmt import fmt_int, fmt_pct
from geo.maps import choropleth
from ui import context, data

view = context.current()
context.page_header("Peta kemiskinan", view)

if not view.snapshot:
    st.warning("Belum ada data rumah tangga. Impor register di halaman **Data**.")
    st.stop()

INDICATOR = indicators.get("miskin")


@st.cache_data(show_spinner=False, max_entries=8)
def area_table(snapshot_id: int, version: tuple) -> pd.DataFrame:
    households = data.households(snapshot_id, version)
    flags = indicators.evaluate(households, ids=(INDICATOR.id,))
    return indicators.aggregate(households, flags, "region_code", ids=(INDICATOR.id,))


areas = data.regions("kelurahan", view.version)
table = area_table(int(view.snapshot["id"]), view.version)
table = table.reindex(areas["kode"])
rate = table[f"{INDICATOR.id}_persen"]
tooltip = pd.DataFrame({
    "Kelurahan": areas["nama"].to_numpy(),
    "Kode": areas["kode"].to_numpy(),
    INDICATOR.label: [fmt_pct(v) for v in rate],
    "Rumah tangga miskin": [fmt_int(v) for v in table[INDICATOR.id]],
    "Rumah tangga (penyebut)": [fmt_int(v) for v in table[f"{INDICATOR.id}_penyebut"]],
}, index=areas["kode"].to_numpy())

fmap = choropleth(areas, rate, title=INDICATOR.label, unit=f"{INDICATOR.unit} per kelurahan",
                  tooltip_rows=tooltip, note=view.period_label)
left, right = st.columns([3, 1])
with left:
    st_folium(fmap, height=620, use_container_width=True, returned_objects=[],
              key="peta_utama")
with right:
    total = table[INDICATOR.id].sum()
    households = table["rumah_tangga"].sum()
    st.metric("Rumah tangga miskin", fmt_int(total))
    st.metric("Dari rumah tangga dalam register", fmt_int(households))
    st.metric("Persentase", fmt_pct(100 * total / households if households else None))
    st.caption(f"**Cara menghitung:** {INDICATOR.definition} Penyebut: "
               f"{INDICATOR.denominator_label}.")
