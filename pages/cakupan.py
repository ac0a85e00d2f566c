"""Cakupan & ketepatan sasaran: program coverage among eligible households, exclusion and
inclusion errors per kelurahan, and the verification list (NIK/No. KK masked)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import indicators, planning
from geo.fmt import fmt_int
from geo.maps import choropleth, classify
from geo.schema import PROGRAMS
from ui import context, data
from ui import planning as up

view = context.page_with_data("Cakupan & ketepatan sasaran")
settings, scope = up.planning_scope(view)

COVER_IDS = tuple(planning.COVERAGE.values())
SHOW_ROWS = 2_000  # rows of the verification list sent to the browser
IDS = COVER_IDS + planning.ERROR_IDS
table = scope.table(IDS)
total = indicators.totals(table, settings.min_known_share)
available = up.available(view, settings)
kel_names, kec_names = up.area_labels(view, table.index)
hide = st.toggle("Sembunyikan angka kecil (< 5) untuk forum terbuka", value=True,
                 key="cak_hide")

section = st.radio("Tampilan", ["Cakupan program", "Kesalahan sasaran", "Daftar verifikasi"],
                   horizontal=True, key="cak_view", label_visibility="collapsed")


def area_map(ind_id: str, palette: str, key: str) -> None:
    ind = indicators.get(ind_id)
    rate = table[f"{ind_id}_persen"]
    if hide:
        rate = rate.where(~table[f"{ind_id}_penyebut"].between(1, planning.SMALL_COUNT - 1))
    tooltip = pd.DataFrame({
        "Kelurahan": kel_names,
        "Kecamatan": kec_names,
        ind.label: [planning.rate_text(r, d, hide) for r, d in
                    zip(table[f"{ind_id}_persen"], table[f"{ind_id}_penyebut"])],
        "Rumah tangga": [planning.count_text(v, hide) for v in
                         indicators.known_count(table, ind_id, ind_id, settings.min_known_share)],
        f"Penyebut ({ind.denominator_label}, diketahui)": [
            planning.count_text(v, hide) for v in table[f"{ind_id}_penyebut"]],
        f"Semua {ind.denominator_label}": [planning.count_text(v, hide)
                                            for v in table[f"{ind_id}_semesta"]],
    }, index=table.index)
    fmap = choropleth(scope.areas, rate, title=ind.label, unit=f"{ind.unit} per kelurahan",
                      tooltip_rows=tooltip, note=view.period_label, tiles=view.basemap,
                      classes=classify(rate.to_numpy(dtype=float), palette=palette))
    st_folium(fmap, height=520, use_container_width=True, returned_objects=[], key=key)


if section == "Cakupan program":
    cols = st.columns(len(PROGRAMS))
    for col, (program, ind_id) in zip(cols, planning.COVERAGE.items()):
        if ind_id not in available:  # a short value: the metric has a column's width
            col.metric(PROGRAMS[program], "–", help=up.unavailable_text(view, settings, ind_id))
            col.caption(indicators.NOT_IN_REGISTER)
            continue
        col.metric(PROGRAMS[program], planning.rate_text(total[f"{ind_id}_persen"], None),
                   help=f"{fmt_int(total[ind_id])} dari {fmt_int(total[f'{ind_id}_penyebut'])} "
                        f"rumah tangga layak menerima; {indicators.known_text(total, ind_id)} "
                        "layak.")
    program = st.selectbox("Program untuk peta", list(planning.COVERAGE),
                           format_func=lambda p: PROGRAMS[p], key="cak_program")
    ind_id = planning.COVERAGE[program]
    left, right = st.columns([3, 2])
    with left:
        area_map(ind_id, "YlGnBu", "cak_map_cov")
    with right:
        ranked = table[table[f"{ind_id}_persen"].notna()].sort_values(f"{ind_id}_persen")
        pos = table.index.get_indexer(ranked.index)
        if ind_id not in available:
            st.warning(up.unavailable_text(view, settings, ind_id))
        st.markdown(f"**Cakupan {PROGRAMS[program]} terendah**")
        st.dataframe(pd.DataFrame({
            "Kelurahan": [kel_names[i] for i in pos],
            "Layak": [planning.count_text(v, hide) for v in ranked[f"{ind_id}_penyebut"]],
            "Menerima": [planning.count_text(v, hide) for v in ranked[ind_id]],
            "Cakupan": [planning.rate_text(r, d, hide) for r, d in
                        zip(ranked[f"{ind_id}_persen"], ranked[f"{ind_id}_penyebut"])],
        }), hide_index=True, width="stretch", height=480)
    st.subheader("Cakupan semua program per kelurahan")
    wide = pd.DataFrame({"Kecamatan": kec_names, "Kelurahan": kel_names}, index=table.index)
    for program, ind_id in planning.COVERAGE.items():
        wide[PROGRAMS[program]] = [planning.rate_text(r, d, hide) for r, d in
                                   zip(table[f"{ind_id}_persen"], table[f"{ind_id}_penyebut"])]
    st.dataframe(wide, hide_index=True, width="stretch", key="cak_cov_table")
    st.caption("Cakupan = rumah tangga layak yang menerima program ÷ rumah tangga layak "
               "program itu (rentang desil layak per program di pengaturan).")

elif section == "Kesalahan sasaran":
    a, b = st.columns(2)
    for col, ind_id in zip((a, b), planning.ERROR_IDS):
        ind = indicators.get(ind_id)
        if ind_id not in available:
            col.metric(ind.label, "–")
            col.caption(up.unavailable_text(view, settings, ind_id))
            continue
        known = indicators.is_known(total, ind_id, settings.min_known_share)
        col.metric(ind.label, fmt_int(total[ind_id]) if known else indicators.NO_DATA,
                   help=f"{planning.rate_text(total[f'{ind_id}_persen'], None)} dari "
                        f"{fmt_int(total[f'{ind_id}_penyebut'])} {ind.denominator_label}.")
        col.caption(f"{planning.rate_text(total[f'{ind_id}_persen'], None)} dari "
                    f"{fmt_int(total[f'{ind_id}_penyebut'])} {ind.denominator_label} "
                    f"({indicators.known_text(total, ind_id)})")
    error = st.radio("Jenis kesalahan", planning.ERROR_IDS, horizontal=True, key="cak_error",
                     format_func=lambda i: indicators.get(i).label)
    left, right = st.columns([3, 2])
    with left:
        area_map(error, "YlOrRd", "cak_map_err")
    with right:
        ranked = table[indicators.is_known(table, error, settings.min_known_share)]
        ranked = ranked.sort_values(error, ascending=False)
        pos = table.index.get_indexer(ranked.index)
        st.markdown(f"**Kelurahan dengan {indicators.get(error).label.lower()} terbanyak**")
        st.dataframe(pd.DataFrame({
            "Kelurahan": [kel_names[i] for i in pos],
            "Kecamatan": [kec_names[i] for i in pos],
            "Rumah tangga": [planning.count_text(v, hide) for v in ranked[error]],
            "Persentase": [planning.rate_text(r, d, hide) for r, d in
                           zip(ranked[f"{error}_persen"], ranked[f"{error}_penyebut"])],
        }), hide_index=True, width="stretch", height=480, key="cak_err_table")

else:
    st.info("Daftar ini memuat data pribadi untuk verifikasi lapangan (verval) oleh Dinsos/"
            "SLRT, bukan untuk forum terbuka. NIK dan No. KK disamarkan; nama tidak dicantumkan.",
            icon="🔒")
    key = up.settings_key(settings)
    snapshot_id = int(view.snapshot["id"])
    flagged, reasons = up.verification_base(snapshot_id, view.version, key)
    if not scope.filters.is_empty:  # the same filters, on the flagged households
        kept = np.asarray(scope.filters.mask(flagged), dtype=bool)
        flagged, reasons = flagged[kept], reasons[kept]
    identity = up.flagged_identity(snapshot_id, view.version, key)
    listing = planning.verification_list(flagged, reasons, identity,
                                         data.region_names(view.version))
    a, b = st.columns(2)
    kind = a.selectbox("Jenis", ["Semua", "Eksklusi", "Inklusi"], key="cak_kind")
    kel_choice = b.selectbox("Kelurahan", ["Semua", *sorted(set(listing["Kelurahan"]))],
                             key="cak_kel")
    if kind != "Semua":
        listing = listing[listing["Jenis"].str.contains(kind)]
    if kel_choice != "Semua":
        listing = listing[listing["Kelurahan"] == kel_choice]
    st.markdown(f"**{fmt_int(len(listing))} rumah tangga** perlu diverifikasi.")
    st.dataframe(listing.head(SHOW_ROWS), hide_index=True, width="stretch", key="cak_list")
    if len(listing) > SHOW_ROWS:
        st.caption(f"Tampil {fmt_int(SHOW_ROWS)} baris pertama; pilih kelurahan untuk "
                   "mempersempit, atau unduh Excel untuk seluruh daftar.")
    notes = pd.DataFrame([
        ("Periode data", view.period_label),
        ("Filter", scope.description or "Tanpa filter"),
        ("Pilihan", f"Jenis: {kind}; kelurahan: {kel_choice}"),
        ("Data pribadi", "NIK dan No. KK disamarkan (4 digit awal dan 4 digit akhir); nama "
                         "tidak dicantumkan. Hanya untuk verifikasi lapangan."),
        *[(indicators.get(i).label, indicators.get(i).definition) for i in planning.ERROR_IDS],
        *[("Pengaturan definisi", line) for line in settings.describe()],
    ], columns=["Keterangan", "Isi"])
    st.download_button(
        "Unduh daftar verifikasi (Excel)",
        lambda: planning.workbook([("Daftar verifikasi", listing)], notes),
        file_name=f"daftar_verifikasi_{view.snapshot['period']}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="cak_download", on_click="ignore")

if hide and section != "Daftar verifikasi":
    st.caption(planning.small_count_note())
up.how_counted(IDS, settings)
