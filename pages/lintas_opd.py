"""Kesenjangan lintas OPD: households needing each agency's action per kelurahan, one
agency's map and ranking, and households with needs across two or more agencies."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import indicators, planning
from geo.fmt import fmt_int, fmt_pct
from geo.maps import choropleth, classify
from ui import context
from ui import planning as up

view = context.page_with_data("Kesenjangan lintas OPD")
settings, scope = up.planning_scope(view)

AGENCIES = list(planning.AGENCIES)
MULTI = "dua_opd_atau_lebih"
codes = scope.areas["kode"].tolist()
needs, keys, labels, known_needs = scope.household_needs()
matrix = planning.gap_matrix(needs, keys, codes, labels, known=known_needs)
counts, pct = planning.agency_rates(matrix, AGENCIES, settings.min_known_share)
overlap = planning.overlapping_needs(needs, keys, codes, labels)
kel_names, kec_names = up.area_labels(view, matrix.index)

with st.expander("OPD dan indikator yang menjadi tugasnya", expanded=False):
    st.dataframe(planning.agency_table(), hide_index=True, width="stretch")
    st.caption("Rumah tangga dihitung “perlu tindakan” suatu OPD bila minimal satu indikator "
               "OPD itu berlaku padanya; satu rumah tangga dapat perlu beberapa OPD.")

a, b = st.columns(2)
measure = a.radio("Angka dalam matriks", ["Jumlah rumah tangga", "Persentase rumah tangga"],
                  horizontal=True, key="opd_measure")
hide = b.toggle("Sembunyikan angka kecil (< 5) untuk forum terbuka", value=True, key="opd_hide")
as_pct = measure.startswith("Persentase")

st.subheader("Matriks kelurahan × OPD")
columns = [*AGENCIES, MULTI]
labels = {**{a: a for a in AGENCIES}, MULTI: "≥ 2 OPD"}
households = matrix["rumah_tangga"].to_numpy(dtype=float)
with np.errstate(invalid="ignore", divide="ignore"):
    pct[MULTI] = np.where(households > 0, 100 * matrix[MULTI] / households, np.nan)
counts[MULTI] = matrix[MULTI].astype(float)
values = pct[columns] if as_pct else counts[columns]
display = pd.DataFrame({"Kecamatan": kec_names, "Kelurahan": kel_names,
                        "Rumah tangga": [planning.count_text(v, hide) for v in households]},
                       index=matrix.index)
for col in columns:
    if as_pct:
        display[labels[col]] = [planning.rate_text(r, d, hide) for r, d in
                                zip(pct[col], households)]
    else:
        display[labels[col]] = [planning.count_text(v, hide) for v in counts[col]]
order = values[MULTI].fillna(-1).sort_values(ascending=False, kind="stable").index
display = display.loc[order]
shade = values.loc[order].rename(columns=labels)
st.dataframe(up.intensity_styler(display, shade), hide_index=True, width="stretch",
             height=420, key="opd_matrix")
st.caption("Warna: intensitas dalam tiap kolom (kelas kuantil, makin gelap makin banyak); "
           f"abu-abu “{indicators.NO_DATA}”: kebutuhan OPD itu diketahui untuk kurang dari "
           f"{settings.min_known_share:.0%} rumah tangga kelurahan (bukan 0). Persentase "
           "dihitung atas rumah tangga yang kebutuhannya diketahui. Diurutkan menurut rumah "
           "tangga yang perlu ≥ 2 OPD (kebutuhan yang diketahui).")
available = up.available(view, settings)
for agency_name, ids in planning.AGENCIES.items():
    lacking = [i for i in ids if i not in available]
    if not lacking:
        continue
    notes = " ".join(up.unavailable_text(view, settings, i) for i in lacking)
    if len(lacking) == len(ids):
        st.warning(f"{agency_name}: kolom abu-abu, {indicators.NO_DATA} (bukan 0). {notes}")
    else:
        st.info(f"{agency_name} dihitung tanpa indikator yang tidak ada di register. {notes}")

st.subheader("Satu OPD: peta dan urutan kelurahan")
agency = st.selectbox("Pilih OPD", AGENCIES, key="opd_agency")
left, right = st.columns([3, 2])
agency_values = pct[agency] if as_pct else counts[agency]
known_of_agency = matrix[f"{agency}_diketahui"]
if hide:
    small = counts[agency].between(1, planning.SMALL_COUNT - 1) if not as_pct else \
        known_of_agency.between(1, planning.SMALL_COUNT - 1)
    agency_values = agency_values.where(~small)
with left:
    tooltip = pd.DataFrame({
        "Kelurahan": kel_names, "Kecamatan": kec_names,
        f"Perlu {agency}": [planning.count_text(v, hide) for v in counts[agency]],
        "Persentase": [planning.rate_text(r, d, hide) for r, d in
                       zip(pct[agency], known_of_agency)],
        "Rumah tangga": [planning.count_text(v, hide) for v in households],
        "Kebutuhan diketahui": [planning.count_text(v, hide) for v in known_of_agency],
    }, index=matrix.index)
    fmap = choropleth(scope.areas, agency_values, title=f"Perlu tindakan {agency}",
                      unit="% rumah tangga" if as_pct else "rumah tangga",
                      tooltip_rows=tooltip, note=view.period_label, tiles=view.basemap,
                      decimals=1 if as_pct else 0,
                      classes=classify(agency_values.to_numpy(dtype=float), palette="Purples"))
    st_folium(fmap, height=520, use_container_width=True, returned_objects=[], key="opd_map")
with right:
    ids = planning.AGENCIES[agency]
    sub = scope.table(ids)
    ranked = counts[agency].dropna().sort_values(ascending=False, kind="stable")
    pos = matrix.index.get_indexer(ranked.index)
    rank_table = pd.DataFrame({
        "Peringkat": ranked.rank(method="min", ascending=False).astype(int).to_numpy(),
        "Kelurahan": [kel_names[i] for i in pos],
        f"Perlu {agency}": [planning.count_text(v, hide) for v in ranked],
        "Persentase": [planning.rate_text(pct[agency].iat[i], known_of_agency.iat[i], hide)
                       for i in pos],
    })
    for ind_id in ids:
        rank_table[indicators.get(ind_id).label] = [
            planning.count_text(v, hide) for v in indicators.known_count(
                sub, ind_id, ind_id, settings.min_known_share).reindex(ranked.index)]
    st.dataframe(rank_table, hide_index=True, width="stretch", height=480, key="opd_rank")
    total_agency = int(matrix[agency].sum())
    total_known = int(known_of_agency.sum())
    st.caption(f"Total {fmt_int(total_agency)} rumah tangga perlu tindakan {agency} "
               f"({fmt_pct(100 * total_agency / total_known if total_known else None)} dari "
               f"{fmt_int(total_known)} rumah tangga yang kebutuhannya diketahui, dari "
               f"{fmt_int(households.sum())} dalam data). Peringkat sama untuk jumlah sama; "
               f"kelurahan “{indicators.NO_DATA}” tidak diperingkat.")

st.subheader("Kebutuhan tumpang tindih: rumah tangga yang perlu ≥ 2 OPD")
ov = overlap.sort_values(MULTI, ascending=False, kind="stable")
pos = overlap.index.get_indexer(ov.index)
st.dataframe(pd.DataFrame({
    "Kelurahan": [kel_names[i] for i in pos],
    "Kecamatan": [kec_names[i] for i in pos],
    "Rumah tangga": [planning.count_text(v, hide) for v in ov["rumah_tangga"]],
    "Perlu ≥ 2 OPD": [planning.count_text(v, hide) for v in ov[MULTI]],
    "Persentase": [planning.rate_text(r, d, hide) for r, d in
                   zip(ov["persen"], ov["rumah_tangga"])],
    "Pasangan OPD terbanyak": ov["pasangan_terbanyak"].to_numpy(),
    "Jumlah pasangan": [planning.count_text(v, hide) for v in ov["pasangan_jumlah"]],
}), hide_index=True, width="stretch", height=420, key="opd_overlap")
pairs = planning.overlap_pairs(needs)
st.markdown("**Seluruh wilayah terpilih: rumah tangga yang perlu kedua OPD**")
st.dataframe(pairs.map(lambda v: planning.count_text(v, hide)), width="stretch")
multi_total = int(overlap[MULTI].sum())
st.caption(f"{fmt_int(multi_total)} rumah tangga perlu ≥ 2 OPD — di sini OPD sebaiknya "
           "bertindak bersama. Diagonal: rumah tangga yang perlu OPD itu.")
if hide:
    st.caption(planning.small_count_note())
up.how_counted(planning.AGENCY_INDICATORS, settings)
