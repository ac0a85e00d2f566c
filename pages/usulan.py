"""Usulan Musrenbang: every proposal beside the need it answers, ranked per OPD by an evidence
score with visible weights; the need no proposal answers; decisions; the berita acara."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from geo import access, indicators
from geo.filters import chosen_areas
from geo.fmt import fmt_int
from geo.proposals import evidence as pe
from geo.proposals import kamus, minutes
from geo.proposals.forum_map import forum_map
from ui import auth, context, data, explorer, filters
from ui import planning as up
from ui import proposals as ui

auth.require("usulan")
view = context.page_with_data("Usulan Musrenbang")
period = view.snapshot["period"]
settings = up.settings_control()
version = ui.proposals_version()
props, entries, history = ui.stored(version)
table = ui.need_table(int(view.snapshot["id"]), view.version, up.settings_key(settings))
names = data.region_names(view.version)

# the user's area and the sidebar's area filter: which kelurahan's proposals are shown
kel = names[names["level"] == "kelurahan"]
parent_of = dict(zip(kel["kode"], kel["kode_induk"]))
chosen = access.scope_filters(auth.visitor(), filters.current(), kel["kode"], parent_of)
shown_codes = set(kel.loc[chosen_areas(kel, chosen, "kelurahan"), "kode"])

opd_ids = kamus.opd_indicators(entries)
opds = sorted({*opd_ids, *props["opd"].dropna()})
top_col, opd_col, hide_col = st.columns([1, 2, 2])
top = top_col.number_input("Top N kelurahan", 1, 50, pe.DEFAULT_TOP, key="usulan_top")
opd = opd_col.selectbox("OPD", ["(semua OPD)", *opds], key="usulan_opd")
opd = None if opd.startswith("(") else opd
hide = auth.small_counts_hidden("usulan_hide", hide_col)

st.markdown("**Bobot skor bukti** (0 = bagian tidak dihitung; bagian tiap usulan terlihat di "
            "tabel)")
weight_cols = st.columns(4)
weights = pe.Weights(**{
    part: float(weight_cols[n].slider(pe.PART_LABELS[part].split(" (")[0], 0, 5, 1, 1,
                                      key=f"usulan_w_{part}", help=pe.PART_LABELS[part]))
    for n, part in enumerate(pe.Weights().parts())})
if not any(weights.parts().values()):
    st.info("Semua bobot 0: beri bobot pada minimal satu bagian.")
    st.stop()

ranked, gap = ui.ranked_and_gaps(int(view.snapshot["id"]), view.version,
                                 up.settings_key(settings), version, int(top),
                                 frozenset(shown_codes), weights, hide)
if opd:
    ranked = ranked[ranked["opd"] == opd].reset_index(drop=True)
    gap = gap[gap["opd"] == opd]
book = minutes.build(period, weights, int(top), opd, ranked, gap, history, hide)

scored = int(ranked["skor"].notna().sum())
a, b, c, d = st.columns(4)
a.metric("Usulan", fmt_int(len(ranked)))
b.metric("Dengan bukti register", fmt_int(scored))
c.metric("Di kelurahan top N", fmt_int(int(ranked["top_n"].fillna(False).sum())))
d.metric("Kebutuhan tanpa usulan", fmt_int(len(gap)))

left, right = st.columns([3, 2])
with left:
    candidates = list(opd_ids.get(opd, ())) if opd else list(dict.fromkeys(
        i for ids in opd_ids.values() for i in ids))
    # the most widespread need first (households in need over the known kelurahan)
    candidates.sort(key=lambda i: -float(table[i].astype(float).sum()))
    ind_id = st.selectbox("Kebutuhan di peta", candidates or ["miskin"],
                          format_func=lambda i: indicators.get(i).label, key="usulan_ind")
    areas = explorer.areas("kelurahan", view.version)
    areas = areas[areas["kode"].isin(shown_codes)].reset_index(drop=True)
    fmap = forum_map(areas, table, ind_id, ranked, int(top), hide, view.period_label,
                     view.basemap)
    st_folium(fmap, height=540, use_container_width=True, returned_objects=[],
              key="usulan_map")
    st.caption("Lingkaran biru: usulan per kelurahan (besar = banyak usulan; arahkan kursor "
               "untuk daftarnya). Garis tebal: kelurahan top N untuk kebutuhan ini. Abu-abu: "
               f"“{indicators.NO_DATA}” (bukan 0)"
               + (", atau angkanya disembunyikan untuk forum terbuka." if hide else "."))
with right:
    st.markdown(f"**Kebutuhan yang belum dijawab usulan** (top {int(top)} per indikator "
                "OPD, tanpa usulan OPD itu)")
    st.dataframe(book.gaps, hide_index=True, width="stretch", key="usulan_gaps",
                 height=up.table_height(max(1, len(book.gaps)), most=500))

st.subheader("Usulan diperingkat menurut bukti" + (f": {opd}" if opd else " (per OPD)"))
if not len(ranked):  # an empty table under the heading read as a failure
    st.info(ui.NO_PROPOSALS if not len(props) else "Tidak ada usulan untuk OPD dan wilayah "
            "yang dipilih.", icon=":material/inbox:")
else:
    st.dataframe(book.ranking, hide_index=True, width="stretch", key="usulan_rank",
                 height=up.table_height(max(1, len(book.ranking)), most=460))
st.caption(pe.SCORE_METHOD + " Biaya per rumah tangga perlu = anggaran ÷ min(jangkauan, "
           "rumah tangga perlu); jangkauan = volume × rumah tangga per satuan (kamus). "
           "Peringkat kelurahan: menurut persentase di kabupaten/kotanya, 1 = kebutuhan "
           "tertinggi.")

form_col, entry_col = st.columns(2)
with form_col:
    ui.decision_form(ranked, period)
with entry_col:
    ui.entry_form(entries, names)
    ui.import_form()
ui.kamus_section(entries)

st.subheader("Berita acara")
x, y = st.columns(2)
stem = f"berita_acara_usulan_{period}" + (f"_{kamus.key(opd)}" if opd else "")
auth.download_button(x, "Unduh berita acara (Excel)", book.excel, f"{stem}.xlsx",
                     mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     key="usulan_xlsx")
auth.download_button(y, "Unduh berita acara (PDF)", book.pdf, f"{stem}.pdf",
                     mime="application/pdf", key="usulan_pdf")
if len(history):
    with st.expander("Riwayat keputusan (siapa dan kapan)"):
        st.dataframe(book.decisions, hide_index=True, width="stretch")
