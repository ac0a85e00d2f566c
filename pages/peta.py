"""Map explorer: any indicator of the registry as a choropleth at kota, kecamatan or kelurahan
level, for the sidebar's filters, with totals, the worst kelurahan and the table behind it."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st
from streamlit_folium import st_folium

from geo import indicators
from geo.fmt import fmt_int, fmt_num, fmt_period, plain
from geo.maps import add_point_clusters, choropleth, classify
from geo.views import map_view as mv
from ui import auth, context, explorer
from ui import data as ui_data
from ui import filters as ui_filters
from ui import planning as ui_planning

auth.require("peta")
view = context.page_with_data("Peta indikator")
filters = ui_filters.current()

MEASURES = mv.MEASURES
METHODS = {"quantile": "Kuantil", "natural": "Jenks (alami)", "equal": "Interval sama"}
MAP_SIZE = (620, 620)  # the map column at a 1400 px wide window; labels must fit there

# ------------------------------------------------------------------ page controls (in the URL)
PAGE_PARAMS = {"indikator": ("p_ind", list(indicators.BY_ID), "miskin"),
               "tingkat": ("p_level", list(mv.LEVELS), "kelurahan"),
               "ukuran": ("p_measure", list(MEASURES), "persen"),
               "kelas": ("p_method", list(METHODS), "quantile"),
               "jumlah_kelas": ("p_k", ["3", "4", "5"], "5")}
for param, (key, options, default) in PAGE_PARAMS.items():
    if key not in st.session_state:
        wanted = st.query_params.get(param)
        st.session_state[key] = wanted if wanted in options else default

c1, c2, c3, c4 = st.columns([2.2, 1.4, 1.4, 1.2])
available = explorer.available_indicators(int(view.snapshot["id"]), view.version)
ind_id = c1.selectbox(
    "Indikator", list(indicators.BY_ID), key="p_ind",
    format_func=lambda i: f"{indicators.BY_ID[i].group} · {indicators.BY_ID[i].label}" + (
        "" if i in available else f" ({indicators.NOT_IN_REGISTER})"))
level = c2.radio("Tingkat wilayah", list(mv.LEVELS), key="p_level", horizontal=True,
                 format_func=mv.LEVELS.get)
measure = c3.radio("Ukuran", list(MEASURES), key="p_measure", format_func=MEASURES.get,
                   horizontal=True)
method = c4.selectbox("Klasifikasi", list(METHODS), key="p_method", format_func=METHODS.get)
n_classes = int(c4.select_slider("Jumlah kelas", ["3", "4", "5"], key="p_k"))
for param, (key, _options, default) in PAGE_PARAMS.items():
    value = st.session_state[key]
    if value != default or param in st.query_params:
        if st.query_params.get(param) != value:
            st.query_params[param] = value

IND = indicators.get(ind_id)
names = ui_data.region_names(view.version)
name_of = names.set_index("kode")["nama"]
level_shown = mv.shown_level(filters, level)
if level_shown != level:
    st.caption(f"Wilayah dipilih di filter: peta menampilkan kelurahannya "
               f"({plain(filters.describe(name_of.to_dict()).split(' · ')[0])}).")

# ------------------------------------------------------------------ counting (hot path)
# the definition choices where official rules differ; shared with the planning pages
settings = ui_planning.settings_control()
if settings == indicators.DEFAULT_SETTINGS:  # one cache entry for the default
    base = explorer.base(int(view.snapshot["id"]), view.version)
else:
    base = explorer.base(int(view.snapshot["id"]), view.version, settings)
hide = auth.small_counts_hidden("peta_hide")
mapped = mv.map_view(base.prepared, filters, ind_id, level, measure,
                     explorer.areas(level_shown, view.version), name_of, settings,
                     kelurahan=explorer.areas("kelurahan", view.version), hide=hide,
                     lon=base.lon, lat=base.lat)
if mapped is None:
    st.warning("Tidak ada wilayah yang cocok dengan filter wilayah. Ubah filter di samping.")
    st.stop()
if mapped.warning:
    st.warning(mapped.warning + " Semua wilayah abu-abu: tidak ada data, bukan 0.")
areas = mapped.areas
classes = classify(mapped.values.to_numpy(), k=n_classes, method=method,
                   palette=mapped.palette)
level_label = mapped.level_label
description = filters.describe(name_of.to_dict())
fmap = choropleth(
    areas, mapped.values, title=IND.label, unit=f"{mapped.unit} per {level_label.lower()}",
    tooltip_rows=mapped.tooltip, classes=classes, decimals=mapped.decimals, labels=name_of,
    note=f"{description} · {fmt_period(view.snapshot['period'])}", size_px=MAP_SIZE,
    fill_opacity=0.3 if len(filters.kelurahan) == 1 else 0.8, tiles=view.basemap)

if mapped.points is not None and len(mapped.points):  # cell centres, none under k
    add_point_clusters(fmap, mapped.points, IND.label.lower())

# ------------------------------------------------------------------ layout
left, right = st.columns([3, 1.25])
with left:
    event = st_folium(fmap, height=MAP_SIZE[1], use_container_width=True,
                      returned_objects=["last_active_drawing"], key="peta_utama")
    for note in mapped.notes:
        st.caption(note)

clicked = (event or {}).get("last_active_drawing") or {}
clicked_code = (clicked.get("properties") or {}).get("kode")
if clicked_code and clicked_code != st.session_state.get("_peta_clicked"):
    st.session_state["_peta_clicked"] = clicked_code
    if mapped.level == "kecamatan" and clicked_code in set(areas["kode"]):
        ui_filters.request(replace(filters, kecamatan=(clicked_code,), kelurahan=()))

with right:
    st.markdown(f"**{IND.label}**  \n{plain(description)}")
    for (label, value), helptext in zip(mapped.metrics(), (
            None, None, f"Penyebut: {IND.denominator_label} yang nilainya diketahui.")):
        st.metric(label, value, help=helptext)
    for line in mapped.total_captions():
        st.caption(line)

    st.markdown(mapped.worst_title)
    if len(mapped.worst):
        st.dataframe(mapped.worst, hide_index=True, width="stretch", key="peta_terburuk")
    else:
        st.caption(f"Tidak ada kelurahan yang diperingkat: {indicators.NO_DATA} untuk "
                   "indikator ini di wilayah dan filter ini.")
    st.caption(f"Diurutkan menurut persentase; kelurahan dengan penyebut kurang dari "
               f"{mv.MIN_DENOMINATOR} rumah tangga, atau yang nilainya diketahui untuk kurang "
               f"dari {settings.min_known_share:.0%} rumah tangga, tidak diperingkat.")

# ------------------------------------------------------------------ the table behind the map
st.subheader(f"Tabel per {level_label.lower()}")
export = mapped.export
on_screen, int_columns, rate_columns = mapped.on_screen()
styled = on_screen.style.format(fmt_int, subset=int_columns)
styled = styled.format(lambda v: fmt_num(v, 2), subset=rate_columns)
st.dataframe(styled, hide_index=True, width="stretch", key="peta_tabel",
             column_config={c: st.column_config.Column(label)
                            for c, label in mapped.labels.items()})

notes = mapped.export_notes(description, view.period_label, base.prepared.settings)
stem = f"peta_{IND.id}_{mapped.level}_{view.snapshot['period']}"
d1, d2, _ = st.columns([1, 1, 4])
auth.download_button(d1, "Unduh CSV", lambda: explorer.csv_bytes(export), f"{stem}.csv",
                     mime="text/csv", icon=":material/download:", key="peta_csv")
auth.download_button(d2, "Unduh Excel", lambda: explorer.excel_bytes(export, IND.id, notes),
                     f"{stem}.xlsx", icon=":material/download:", key="peta_xlsx",
                     mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
with st.expander("Cara menghitung dan pengaturan yang berlaku"):
    st.markdown(f"**{IND.label}** — pemilik: {IND.opd}.  \n{IND.definition}  \n"
                f"Penyebut persentase: {IND.denominator_label}.")
    st.markdown("\n".join(f"- {line}" for line in base.prepared.settings.describe()))
