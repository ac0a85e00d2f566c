"""Rujukan SLRT: the referral log joined to the register. Where people come forward, how long
referrals wait per OPD, where exclusion error is high but few come forward, how far households
live from a service point, follow-up lists per OPD (masked) and the imports."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import access, exports, planning
from geo.answers import NO_DATA
from geo.fmt import fmt_date
from geo.maps import choropleth, classify, grey_label
from geo.referrals import measures, vocab
from geo.views import referral_view as rv
from geo.views.common import households_mask
from ui import auth, context, data
from ui import planning as up
from ui import referrals as ur

user = auth.require("rujukan")
view = context.page_with_data("Rujukan SLRT")
settings, scope = up.planning_scope(view)
names = data.region_names(view.version).set_index("kode")["nama"]
hide = auth.small_counts_hidden("ruj_hide")

SECTIONS = ["Peta rujukan", "Backlog per OPD", "Kesenjangan jangkauan", "Akses titik layanan"]
if access.allowed(user, "household_list"):
    SECTIONS.append("Daftar tindak lanjut")
if access.allowed(user, "import"):
    SECTIONS.append("Impor")
section = st.radio("Tampilan", SECTIONS, horizontal=True, key="ruj_view",
                   label_visibility="collapsed")

stamp = ur.log_stamp()
if section == "Impor":
    ur.import_forms(user)
    st.stop()
if stamp is None:
    st.info("Belum ada log rujukan SLRT. Impor log di tab Impor (operator/admin) atau dengan "
            "`python -m geo import-referrals BERKAS`.")
    st.stop()

everyone = ur.joined(int(view.snapshot["id"]), view.version, stamp, settings)
keep = households_mask(everyone.prepared, scope.filters)  # desil, programs, groups
joined = everyone.kept(keep)
in_scope = set(scope.areas["kode"])
# referrals the log could not place count for the whole city, not for an area
whole_city = not (user.areas or scope.filters.has_area)
every_area = measures.area_table(joined, data.region_names(view.version), forum=hide)
table = every_area[every_area["kode"].isin(in_scope)].reset_index(drop=True)
# a forum's suppression is decided over every kelurahan, whatever the area filter (geo.forum)
whole = every_area if hide and scope.filters.has_area else None
area = rv.AreaView(table, hide, whole, scope.filters)


def scoped_backlog() -> pd.DataFrame:
    """The OPD backlog of the referrals in scope (those the log could not place count only
    for the whole city)."""
    refs = joined.referrals[joined.referrals["region_code"].isin(in_scope) | whole_city]
    return measures.opd_backlog(measures.Joined(refs, joined.prepared, joined.referred,
                                                joined.as_of, joined.period, joined.source_file))


word = scope.kel_word  # "Kelurahan", "Desa" or "Kelurahan/Desa"
kel = word.lower()
as_of = fmt_date(joined.as_of) if joined.as_of else NO_DATA
st.caption(f"Log: {joined.source_file} · hari terbuka dihitung sampai {as_of} (tanggal "
           f"terakhir di log) · dicocokkan dengan register {view.period_label}.")
if keep is not None and section != "Daftar tindak lanjut":
    st.caption(rv.FILTERED_NOTE)

if section == "Peta rujukan":
    totals = area.totals()
    for col, (label, key) in zip(st.columns(4), (
            ("Rujukan", "rujukan"), ("Terbuka", "terbuka"),
            ("Dari luar register", "dari_luar_register"),
            ("Eksklusi tanpa rujukan", "eksklusi_tanpa_rujukan"))):
        col.metric(label, totals[key], help=area.exclusion_known()
                   if key == "eksklusi_tanpa_rujukan" else None)
    measure = st.selectbox("Ukuran di peta", list(rv.MAP_MEASURES), key="ruj_measure",
                           format_func=lambda m: rv.MAP_MEASURES[m][0])
    label, unit, palette = rv.MAP_MEASURES[measure]
    values = area.map_values(measure)
    left, right = st.columns([3, 2])
    with left:
        fmap = choropleth(scope.areas, values, title=label, unit=f"{unit} per {kel}",
                          tooltip_rows=area.tooltip(), note=view.period_label,
                          tiles=view.basemap, labels=names, decimals=rv.map_decimals(measure),
                          classes=classify(values.to_numpy(dtype=float), palette=palette),
                          grey_label=grey_label(hide))
        ur.service_points_layer(fmap, view.version, "ruj_titik")
        st_folium(fmap, height=560, use_container_width=True, returned_objects=[],
                  key="ruj_map")
    with right:
        by = st.radio("Rujukan per 1.000 rumah tangga menurut", ["kebutuhan", "dirujuk_ke"],
                      horizontal=True, key="ruj_by",
                      format_func={"kebutuhan": "kebutuhan", "dirujuk_ke": "OPD tujuan"}.get)
        counts = measures.need_counts(joined, table if whole is None else whole, by=by)
        st.dataframe(rv.need_display(counts, names, area,
                                     scoped_backlog() if by == "dirujuk_ke" else None),
                     hide_index=True, width="stretch", height=520, key="ruj_need")
    st.subheader(f"Tabel per {kel}")
    st.dataframe(area.display(measures.facilitators(joined)), hide_index=True,
                 width="stretch", key="ruj_table")
    auth.download_button(st, "Unduh tabel (Excel)", lambda: exports.xlsx(
        [exports.Table(area.display(), f"Rujukan per {kel}")],
        pd.DataFrame([("Periode", view.period_label), ("Log", joined.source_file),
                      ("Hari terbuka dihitung sampai", as_of)], columns=["Keterangan", "Isi"])),
        f"rujukan_kelurahan_{joined.period}.xlsx", key="ruj_xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

elif section == "Backlog per OPD" and not rv.backlog_shown(hide, scope.filters):
    st.info(rv.BACKLOG_HIDDEN_NOTE)

elif section == "Backlog per OPD":
    backlog = scoped_backlog()
    st.markdown("**Rujukan terbuka per OPD / lembaga tujuan** (status baru, dirujuk atau "
                "ditangani), yang terbanyak dulu: backlog yang perlu dilihat Forum OPD.")
    st.dataframe(rv.backlog_display(backlog, hide), hide_index=True, width="stretch",
                 key="ruj_backlog")
    st.caption("Median hari terbuka: separuh rujukan terbuka OPD itu sudah menunggu selama ini "
               "atau lebih. Tanpa rujukan terbuka: tidak ada data (bukan 0).")

elif section == "Kesenjangan jangkauan":
    st.markdown(f"**{word} dengan kesalahan eksklusi tinggi tetapi sedikit warga datang** "
                f"(persentase eksklusi ≥ median {kel}, rujukan per 1.000 RT ≤ median), "
                "diurutkan menurut rumah tangga eksklusi yang belum punya rujukan.")
    gap = measures.outreach_gap(table, n=15)
    if gap.empty:
        st.caption(f"Tidak ada {kel} yang bisa dinilai ({NO_DATA}).")
    else:
        st.dataframe(rv.gap_display(gap, area), hide_index=True, width="stretch",
                     key="ruj_gap")

elif section == "Akses titik layanan":
    point_stamp = ur.points_stamp()
    reach = ur.access(int(view.snapshot["id"]), view.version, point_stamp)
    everywhere, reach = reach, reach[reach.index.isin(in_scope)]
    kind = st.selectbox("Jenis titik layanan", list(vocab.POINT_TYPES), key="ruj_jenis",
                        format_func=lambda k: vocab.POINT_TYPES[k][0])
    values = rv.access_values(reach, kind, hide)
    if reach[f"jarak_{kind}"].isna().all():
        st.warning(f"Belum ada titik {vocab.POINT_TYPES[kind][0]}: jarak {NO_DATA}, bukan 0. "
                   "Impor titiknya di tab Impor.")
    left, right = st.columns([3, 2])
    with left:
        tip = pd.DataFrame({word: names.reindex(reach.index),
                            "Median jarak (m)": rv.access_display(
                                reach, names, (kind,), hide=hide).iloc[:, -1].to_numpy()},
                           index=reach.index)
        fmap = choropleth(scope.areas, values, title=f"Jarak ke {vocab.POINT_TYPES[kind][0]}",
                          unit="median meter dari rumah tangga", tooltip_rows=tip,
                          note=view.period_label, tiles=view.basemap, labels=names, decimals=0,
                          classes=classify(values.to_numpy(dtype=float), palette="YlOrRd"),
                          grey_label=grey_label(hide))
        ur.service_points_layer(fmap, view.version, f"ruj_titik_{kind}", default=(kind,))
        st_folium(fmap, height=560, use_container_width=True, returned_objects=[],
                  key="ruj_access_map")
    with right:
        st.dataframe(rv.access_display(reach, names, tuple(vocab.POINT_TYPES), word, hide,
                                       everywhere if hide else None),
                     hide_index=True, width="stretch", height=540, key="ruj_access")
    st.caption("Jarak garis lurus dalam proyeksi UTM, dari setiap rumah tangga yang punya "
               f"titik lokasi ke titik layanan terdekat jenis itu; median per {kel}.")

else:  # Daftar tindak lanjut
    auth.require("household_list")
    st.info("Daftar ini memuat data pribadi untuk tindak lanjut oleh OPD/SLRT, bukan untuk "
            "forum terbuka. NIK dan No. KK disamarkan; nama tidak dicantumkan.",
            icon=":material/lock:")
    kinds = {"opd": "Tindak lanjut per OPD (rujukan terbuka)",
             "luar": "Calon usulan DTKS (rujukan dari luar register)"}
    a, b = st.columns(2)
    kind = a.radio("Daftar", list(kinds), format_func=kinds.get, key="ruj_list_kind")
    opds = sorted(joined.referrals["dirujuk_ke"].fillna(measures.NO_OPD).unique())
    if kind == "opd":
        opd = b.selectbox("OPD / lembaga tujuan", opds, key="ruj_opd")
        listing = measures.follow_up(joined, names.to_dict(), None if whole_city else in_scope,
                                     opd=opd)
    else:
        opd = "semua"
        listing = measures.follow_up(everyone, names.to_dict(),
                                     None if whole_city else in_scope, open_only=False)
        listing = listing[listing["Di register"] == "tidak"].reset_index(drop=True)
        if keep is not None:
            st.caption(rv.OUTSIDE_LIST_NOTE)
    auth.record_once("household_list", daftar=f"rujukan_{kind}", opd=opd,
                     periode=view.snapshot["period"], filter=scope.filters.to_query())
    st.markdown(f"**{len(listing)} rujukan** dalam daftar.")
    st.dataframe(listing.head(2000), hide_index=True, width="stretch", key="ruj_list")
    notes = pd.DataFrame([("Periode register", view.period_label), ("Daftar", kinds[kind]),
                          ("OPD", opd), ("Hari terbuka dihitung sampai", as_of),
                          ("Data pribadi", "NIK dan No. KK disamarkan; nama tidak "
                                           "dicantumkan. Hanya untuk tindak lanjut.")],
                         columns=["Keterangan", "Isi"])
    auth.download_button(
        st, "Unduh daftar (Excel)", lambda: exports.xlsx([exports.Table(listing, "Tindak lanjut")],
                                                          notes),
        f"tindak_lanjut_{kind}_{joined.period}.xlsx", what="household_list_download",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="ruj_list_xlsx")

if hide and section != "Daftar tindak lanjut":
    st.caption(planning.small_count_note())
up.how_counted((measures.EXCLUSION,), settings, extra=[
    "Rujukan dihitung di kelurahan yang dicatat log; kesalahan eksklusi di kelurahan rumah "
    "tangga di register. Rujukan cocok dengan rumah tangga register lewat ID DTKS, No. KK atau "
    "NIK (hash berkunci, tanpa menyimpan NIK); yang tidak cocok dihitung dari luar register.",
    "Terbuka: status baru, dirujuk atau ditangani. Hari terbuka: dari tanggal rujukan sampai "
    "tanggal terakhir di log."])
