"""Map explorer: any indicator of the registry as a choropleth at kota, kecamatan or kelurahan
level, for the sidebar's filters, with totals, the worst kelurahan and the table behind it."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st
from streamlit_folium import st_folium

from geo import indicators, links
from geo.fmt import fmt_int, fmt_num, fmt_period, plain
from geo.maps import add_point_clusters, choropleth, classify
from geo.views import map_view as mv
from ui import auth, context, downloads, explorer
from ui import change_view as ui_change
from ui import data as ui_data
from ui import filters as ui_filters
from ui import planning as ui_planning
from ui import referrals as ui_referrals
from ui import sheets as ui_sheets

auth.require("peta")
view = context.page_with_data("Peta indikator")
filters = ui_filters.current()
mode = ui_change.mode_control()  # comparing periods: its own view (ui/change_view.py)
if mode != "satu":
    (ui_change.render_compare if mode == "banding" else ui_change.render_moves)(view)
    st.stop()

MEASURES = mv.MEASURES
METHODS = {"quantile": "Kuantil", "natural": "Jenks (alami)", "equal": "Interval sama"}
MAP_SIZE = (620, 620)  # the map column at a 1400 px wide window; labels must fit there

# ------------------------------------------------------------------ page controls (in the URL)
PAGE_PARAMS = [ui_filters.Param(name, key, default, decode=lambda t, o=options: (
    links.decode_choice(t, o))) for name, key, options, default in (
        ("indikator", "p_ind", list(indicators.BY_ID), "miskin"),
        ("tingkat", "p_level", list(mv.LEVELS), "kelurahan"),
        ("ukuran", "p_measure", list(MEASURES), "persen"),
        ("kelas", "p_method", list(METHODS), "quantile"),
        ("jumlah_kelas", "p_k", ["3", "4", "5"], "5"))]
ui_filters.params_from_url(*PAGE_PARAMS)

LEVEL_WORDS = ui_data.level_words(view.version)  # "Kabupaten" in a kabupaten, "Kota" in a kota
phone = context.on_phone()  # a phone: the controls fold away above the map
if phone:
    MAP_SIZE = (360, 460)
    box = st.expander(f"Pilihan peta: {indicators.BY_ID[st.session_state['p_ind']].label} · "
                      f"{LEVEL_WORDS[st.session_state['p_level']]}", expanded=False)
else:
    box = st.container()
c1, c2, c3, c4 = box.columns([2.2, 1.4, 1.4, 1.2])
available = explorer.available_indicators(int(view.snapshot["id"]), view.version)
ind_id = c1.selectbox(
    "Indikator", list(indicators.BY_ID), key="p_ind",
    format_func=lambda i: f"{indicators.BY_ID[i].group} · {indicators.BY_ID[i].label}" + (
        "" if i in available else f" ({indicators.NOT_IN_REGISTER})"))
level = c2.radio("Tingkat wilayah", list(mv.LEVELS), key="p_level", horizontal=True,
                 format_func=LEVEL_WORDS.get)
measure = c3.radio("Ukuran", list(MEASURES), key="p_measure", format_func=MEASURES.get,
                   horizontal=True)
method = c4.selectbox("Klasifikasi", list(METHODS), key="p_method", format_func=METHODS.get)
n_classes = int(c4.select_slider("Jumlah kelas", ["3", "4", "5"], key="p_k"))
ui_filters.params_to_url(*PAGE_PARAMS)

IND = indicators.get(ind_id)
names = ui_data.region_names(view.version)
name_of = ui_data.names_by_code(view.version)
level_shown = mv.shown_level(filters, level)
if level_shown != level:
    st.caption(f"Wilayah dipilih di filter: peta menampilkan "
               f"{LEVEL_WORDS[level_shown].lower()} di dalamnya "
               f"({plain(filters.describe(name_of).split(' · ')[0])}).")

# ------------------------------------------------------------------ counting (hot path)
# the definition choices where official rules differ; shared with the planning pages
settings = ui_planning.settings_control()
if settings == indicators.DEFAULT_SETTINGS:  # one cache entry for the default
    base = explorer.base(int(view.snapshot["id"]), view.version)
else:
    base = explorer.base(int(view.snapshot["id"]), view.version, settings)
hide = auth.small_counts_hidden("peta_hide")
local = (explorer.local(int(view.snapshot["id"]), view.version, filters.kelurahan[0], settings)
         if len(filters.kelurahan) == 1 else None)  # its households, for the point clusters
mapped = mv.map_view(base.for_filters(filters), filters, ind_id, level, measure,
                     explorer.areas(level_shown, view.version), name_of, settings,
                     kelurahan=explorer.areas("kelurahan", view.version), hide=hide,
                     lon=local and local.lon, lat=local and local.lat,
                     local=local and local.prepared)
if mapped is None:
    st.warning("Tidak ada wilayah yang cocok dengan filter wilayah. Ubah filter di samping.")
    st.stop()
if mapped.warning:
    st.warning(mapped.warning + " Semua wilayah abu-abu: tidak ada data, bukan 0.")
areas = mapped.areas
classes = classify(mapped.values.to_numpy(), k=n_classes, method=method,
                   palette=mapped.palette)
level_label = mapped.level_label
description = filters.describe(name_of)
fmap = choropleth(
    areas, mapped.values, title=IND.label, unit=f"{mapped.unit} per {level_label.lower()}",
    tooltip_rows=mapped.tooltip, classes=classes, decimals=mapped.decimals, labels=name_of,
    note=f"{description} · {fmt_period(view.snapshot['period'])}", size_px=MAP_SIZE,
    fill_opacity=0.3 if len(filters.kelurahan) == 1 else 0.8, tiles=view.basemap,
    grey_label=mapped.grey_label)

if mapped.points is not None and len(mapped.points):  # cell centres, none under k
    add_point_clusters(fmap, mapped.points, IND.label.lower())

ui_referrals.service_points_layer(fmap, view.version, "peta_titik")  # optional layer

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
    kel = mapped.kel_word.lower()
    if len(mapped.worst):
        st.dataframe(mapped.worst, hide_index=True, width="stretch", key="peta_terburuk",
                     column_config={  # a short header: "Rumah tangga" was cut in this column
                         "%": st.column_config.TextColumn("%", width="small"),
                         "Rumah tangga": st.column_config.TextColumn(
                             "Jumlah", help="Jumlah rumah tangga terhitung indikator ini")})
    else:
        st.caption(f"Tidak ada {kel} yang diperingkat: {indicators.NO_DATA} untuk indikator "
                   "ini di wilayah dan filter ini.")
    st.caption(f"Diurutkan menurut persentase; {kel} dengan penyebut kurang dari "
               f"{mv.MIN_DENOMINATOR} rumah tangga, atau yang nilainya diketahui untuk kurang "
               f"dari {settings.min_known_share:.0%} rumah tangga, tidak diperingkat.")
    if mapped.worst_hidden:
        st.caption(f"{fmt_int(mapped.worst_hidden)} {kel} yang persentasenya disembunyikan "
                   "(angka kecil) tidak diperingkat.")
    ui_change.trend_chart(view, ind_id, level, filters, hide)

# ------------------------------------------------------------------ the table behind the map
st.subheader(f"Tabel per {level_label.lower()}")
# shown on request (the choice stays for the session): building and formatting the whole
# table was half of every filter change's rerun at 56 kelurahan, and seconds at a province
if st.toggle(f"Tampilkan tabel ({fmt_int(len(areas))} baris)", value=False,
             key="peta_tabel_tampil"):
    on_screen, int_columns, rate_columns = mapped.on_screen()
    styled = on_screen.style.format(fmt_int, subset=int_columns)
    styled = styled.format(lambda v: fmt_num(v, 2), subset=rate_columns)
    st.dataframe(styled, hide_index=True, width="stretch", key="peta_tabel",
                 column_config={c: st.column_config.Column(label)
                                for c, label in mapped.labels.items()})
else:
    st.caption("Tabel lengkap ada juga di unduhan di bawah.")

stem = f"peta_{IND.id}_{mapped.level}_{view.snapshot['period']}"
downloads.table_downloads(
    stem, "peta", mapped.export_table,
    notes=lambda: mapped.export_notes(description, view.period_label, base.prepared.settings,
                                      view.snapshot),
    machine=lambda: mapped.export, layer=mapped.area_layer)
p0, p1, p2, _ = st.columns([0.8, 1.5, 1.6, 1.1])  # printed sheets (geo.sheets), built on click
ui_sheets.map_sheet_button(p0, p1, mapped, classes, description, view, base.prepared.settings,
                           method, n_classes)
ui_sheets.kartu_button(p2, filters, view, base.prepared.settings, hide)
with st.expander("Cara menghitung dan pengaturan yang berlaku"):
    st.markdown(f"**{IND.label}** — pemilik: {IND.opd}.  \n{IND.definition}  \n"
                f"Penyebut persentase: {IND.denominator_label}.")
    st.markdown("\n".join(f"- {line}" for line in base.prepared.settings.describe()))
