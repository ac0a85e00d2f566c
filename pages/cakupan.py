"""Cakupan & ketepatan sasaran: program coverage among eligible households, exclusion and
inclusion errors per kelurahan, and the verification list (NIK/No. KK masked)."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from geo import access, audit, exports, indicators, planning
from geo.fmt import fmt_int
from geo.maps import choropleth, classify, grey_label
from geo.schema import PROGRAMS
from geo.views import coverage_view as cv
from ui import auth, context, data, downloads
from ui import planning as up
from ui import referrals as ur

user = auth.require("cakupan")
view = context.page_with_data("Cakupan & ketepatan sasaran")
settings, scope = up.planning_scope(view)

SHOW_ROWS = 2_000  # rows of the verification list sent to the browser
hide = auth.small_counts_hidden("cak_hide")
page = cv.coverage_view(scope, data.region_names(view.version), hide)
kel = page.kel_word.lower()  # "kelurahan", "desa" or "kelurahan/desa"

SECTIONS = ["Cakupan program", "Kesalahan sasaran"] + (
    ["Daftar verifikasi"] if access.allowed(user, "household_list") else [])
section = st.radio("Tampilan", SECTIONS, horizontal=True, key="cak_view",
                   label_visibility="collapsed")


def area_map(ind_id: str, palette: str, key: str) -> None:
    ind = indicators.get(ind_id)
    rate, tooltip = page.map_values(ind_id)
    fmap = choropleth(scope.areas, rate, title=ind.label, unit=f"{ind.unit} per {kel}",
                      tooltip_rows=tooltip, note=view.period_label, tiles=view.basemap,
                      classes=classify(rate.to_numpy(dtype=float), palette=palette),
                      grey_label=grey_label(page.hide))
    ur.service_points_layer(fmap, view.version, f"{key}_titik")  # optional layer
    st_folium(fmap, height=520, use_container_width=True, returned_objects=[], key=key)


METRICS_PER_ROW = 3  # six programs in one row cut "Bedah rumah (RTLH)" to "Bedah rumah (RT…"


def metric_row(metrics: list[cv.Metric]) -> None:
    for start in range(0, len(metrics), METRICS_PER_ROW):
        for col, m in zip(st.columns(METRICS_PER_ROW), metrics[start:start + METRICS_PER_ROW]):
            col.metric(m.label, m.value, help=m.help)
            if m.caption:
                col.caption(m.caption)


if section == "Cakupan program":
    metric_row(page.program_metrics())
    program = st.selectbox("Program untuk peta", list(planning.COVERAGE),
                           format_func=lambda p: PROGRAMS[p], key="cak_program")
    ind_id = planning.COVERAGE[program]
    left, right = st.columns([3, 2])
    with left:
        area_map(ind_id, "YlGnBu", "cak_map_cov")
    with right:
        if ind_id not in page.available:
            st.warning(page.unavailable[ind_id])
        st.markdown(f"**Cakupan {PROGRAMS[program]} terendah**")
        lowest = page.lowest_coverage(ind_id)
        if lowest.empty:
            st.caption(f"Tidak ada {kel} yang diperingkat ({indicators.NO_DATA}).")
        else:
            st.dataframe(lowest, hide_index=True, width="stretch",
                         height=up.table_height(len(lowest)))
        st.caption(f"{page.kel_word} dengan kurang dari {indicators.MIN_RANKED_DENOMINATOR} rumah "
                   "tangga layak yang diketahui tidak diperingkat.")
    st.subheader(f"Cakupan semua program per {kel}")
    st.dataframe(page.coverage_table(), hide_index=True, width="stretch", key="cak_cov_table")
    st.caption("Cakupan = rumah tangga layak yang menerima program ÷ rumah tangga layak "
               "program itu (rentang desil layak per program di pengaturan).")

elif section == "Kesalahan sasaran":
    metric_row(page.error_metrics())
    error = st.radio("Jenis kesalahan", planning.ERROR_IDS, horizontal=True, key="cak_error",
                     format_func=lambda i: indicators.get(i).label)
    left, right = st.columns([3, 2])
    with left:
        area_map(error, "YlOrRd", "cak_map_err")
    with right:
        st.markdown(f"**{page.kel_word} dengan {indicators.get(error).label.lower()} terbanyak**")
        most = page.most_errors(error)
        if most.empty:
            st.caption(f"Tidak ada {kel} yang nilainya diketahui ({indicators.NO_DATA}).")
        else:
            st.dataframe(most, hide_index=True, width="stretch",
                         height=up.table_height(len(most)), key="cak_err_table")

else:
    auth.require("household_list")  # the list of households: checked, not only hidden
    st.info("Daftar ini memuat data pribadi untuk verifikasi lapangan (verval) oleh Dinsos/"
            "SLRT, bukan untuk forum terbuka. NIK dan No. KK disamarkan; nama tidak dicantumkan.",
            icon=":material/lock:")
    key = up.settings_key(settings)
    snapshot_id = int(view.snapshot["id"])
    flagged, reasons = up.verification_base(snapshot_id, view.version, key)
    listing = cv.verification(flagged, reasons,
                              up.flagged_identity(snapshot_id, view.version, key),
                              data.region_names(view.version), scope.filters)
    a, b = st.columns(2)
    kind = a.selectbox("Jenis", cv.KINDS, key="cak_kind")
    places = cv.place_choices(listing)  # by code: a kabupaten repeats desa names
    kel_choice = b.selectbox(page.kel_word, ["Semua", *places], key="cak_kel")
    listing = cv.pick(listing, kind, places.get(kel_choice))
    auth.record_once("household_list", daftar="verifikasi", periode=view.snapshot["period"],
                     jenis=kind, kelurahan=kel_choice, filter=scope.filters.to_query())
    st.markdown(f"**{fmt_int(len(listing))} rumah tangga** perlu diverifikasi.")
    st.dataframe(listing.head(SHOW_ROWS), hide_index=True, width="stretch", key="cak_list")
    if len(listing) > SHOW_ROWS:
        st.caption(f"Tampil {fmt_int(SHOW_ROWS)} baris pertama; pilih kelurahan untuk "
                   "mempersempit, atau unduh Excel untuk seluruh daftar.")
    if access.allowed(user, "reveal_nik") and len(listing):
        with st.expander("Buka NIK lengkap satu rumah tangga (tercatat di jejak audit)"):
            who = st.selectbox("ID keluarga", listing["ID keluarga"].head(SHOW_ROWS).tolist(),
                               key="cak_reveal_id")
            if st.button("Tampilkan NIK lengkap", key="cak_reveal"):
                full = planning.reveal_identity(data.engine(), snapshot_id, who)
                audit.record(data.engine(), user.name, "nik_revealed", id_keluarga=who,
                             periode=view.snapshot["period"])
                st.code("\n".join(f"{k}: {v}" for k, v in full.items()), language=None)
    notes = cv.verification_notes(view.period_label, scope.description, kind, kel_choice,
                                  settings)
    auth.download_button(
        st, "Unduh daftar verifikasi (Excel)",
        lambda: exports.xlsx([exports.Table(listing, "Daftar verifikasi", formats={})], notes),
        f"daftar_verifikasi_{view.snapshot['period']}.xlsx", what="household_list_download",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="cak_download")

if section != "Daftar verifikasi":
    downloads.table_downloads(
        f"cakupan_{view.snapshot['period']}", "cak", lambda: exports.Table(
            page.export(), "Cakupan", exports.labels(page.export().columns, page.kel_word)),
        notes=lambda: exports.Notes(
            view.period_label, scope.description, indicators=cv.IDS,
            suppression=planning.small_count_note() if hide else "Tidak disembunyikan.",
            settings=settings.describe(), **exports.snapshot_source(view.snapshot)),
        machine=page.export, layer=lambda: exports.area_layer(scope.areas, page.export()),
        title=f"Unduh tabel cakupan dan kesalahan sasaran per {kel}:")
if hide and section != "Daftar verifikasi":
    st.caption(planning.small_count_note())
up.how_counted(cv.IDS, settings)
