"""Prioritas Musrenbang: a composite index over indicators the forum picks, with weights."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import indicators, planning
from geo.fmt import fmt_int, fmt_num
from geo.maps import choropleth, classify
from ui import context, data, explorer
from ui import planning as up

view = context.page_with_data("Prioritas Musrenbang")
settings, scope = up.planning_scope(view)

CHOICES = [i.id for i in indicators.INDICATORS if i.id != "inklusi"]
DEFAULT = ["miskin", "miskin_ekstrem", "air_minum_tidak_layak", "sanitasi_tidak_layak", "rtlh",
           "belum_jkn", "anak_tidak_sekolah", "krt_tidak_bekerja"]

available = up.available(view, settings)
default = [i for i in DEFAULT if i in available]  # never weigh what the register lacks
left_out = [i for i in DEFAULT if i not in available]
chosen = st.multiselect("Indikator yang dipertimbangkan forum", CHOICES, default=default,
                        format_func=lambda i: indicators.get(i).label + (
                            "" if i in available else f" ({indicators.NOT_IN_REGISTER})"),
                        key="prio_ids")
if left_out:
    st.caption("Tidak dipilih secara bawaan karena " + indicators.NOT_IN_REGISTER + ". "
               + " ".join(up.unavailable_text(view, settings, i) for i in left_out))
if not chosen:
    st.info("Pilih minimal satu indikator.")
    st.stop()

st.markdown("**Bobot** (bawaan sama, 1; bobot 0 mengeluarkan indikator dari skor; bobot 2 "
            "berarti dua kali lebih penting dari bobot 1)")
weights: dict[str, float] = {}
cols = st.columns(4)
for n, ind_id in enumerate(chosen):
    weights[ind_id] = float(cols[n % 4].number_input(
        indicators.get(ind_id).label, min_value=0, max_value=10, value=1, step=1,
        key=f"prio_w_{ind_id}"))
if not any(w > 0 for w in weights.values()):
    st.info("Semua bobot 0: beri bobot pada minimal satu indikator.")
    st.stop()

level = st.radio("Tingkat wilayah yang diperingkat", ["kelurahan", "kecamatan"],
                 horizontal=True, key="prio_level", format_func=str.capitalize,
                 help="Musrenbang kelurahan/kecamatan: kelurahan; Musrenbang kota: kecamatan.")
AREA = level.capitalize()  # column and text label of the ranked areas
PARENT = "Kecamatan" if level == "kelurahan" else None
st.caption(f"Skor 0–100: persentase tiap indikator dinormalisasi min–maks antar-{level} "
           "(0 = terendah, 1 = tertinggi; cakupan program dibalik), lalu dirata-rata dengan "
           "bobot. Rincian di “Cara menghitung skor prioritas” di bawah.")
ids = tuple(chosen)
table = scope.table(ids)
areas = scope.areas
if level == "kecamatan":
    areas = explorer.areas("kecamatan", view.version)
    areas = areas[areas["kode"].isin(set(scope.areas["kode_induk"]))].reset_index(drop=True)
    table = indicators.for_areas(
        indicators.roll_up(table, "kecamatan", settings.min_known_share), areas["kode"])
ranked = planning.ranking(table, weights)

names = areas.set_index("kode")
kec_names = data.region_names(view.version).set_index("kode")["nama"]
hide = st.toggle("Sembunyikan angka kecil (< 5) untuk forum terbuka", value=True,
                 key="prio_hide")
top_n = st.slider(f"Sorot N {level} teratas di peta", 1, max(1, len(ranked)),
                  min(10, max(1, len(ranked))), key="prio_top")

scored = ranked[ranked["skor"].notna()].sort_values(["peringkat", "skor_sama"],
                                                    ascending=[True, False])
unscored = ranked[ranked["skor"].isna()]


def display_table(frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({
        "Peringkat": frame["peringkat"].to_numpy(),
        "Perubahan": [planning.movement(v) for v in frame["perubahan"]],
        "Peringkat (bobot sama)": frame["peringkat_sama"].to_numpy(),
        AREA: names.loc[frame.index, "nama"].to_numpy(),
        **({PARENT: kec_names.reindex(names.loc[frame.index, "kode_induk"]).to_numpy()}
           if PARENT else {}),
        "Skor (0–100)": [planning.score_text(v) for v in frame["skor"]],
        "Rumah tangga": [planning.count_text(v, hide) for v in table.loc[frame.index,
                                                                          "rumah_tangga"]],
    }, index=frame.index)
    for ind_id in ids:
        out[indicators.get(ind_id).label] = [
            planning.rate_text(r, d, hide) for r, d in zip(
                table.loc[frame.index, f"{ind_id}_persen"],
                table.loc[frame.index, f"{ind_id}_penyebut"])]
    return out


def movement_colour(text: str) -> str:
    return ("color: #1a7f37; font-weight: 600" if text.startswith("▲")
            else "color: #c62828; font-weight: 600" if text.startswith("▼") else "")


shown = display_table(scored)
top = set(scored.index[scored["peringkat"] <= scored["peringkat"].iloc[min(top_n, len(scored)) - 1]]
          ) if len(scored) else set()

left, right = st.columns([3, 2])
with left:
    tooltip = pd.DataFrame({
        AREA: names.loc[ranked.index, "nama"].to_numpy(),
        "Peringkat": [fmt_int(v) if pd.notna(v) else "–" for v in ranked["peringkat"]],
        "Skor": [planning.score_text(v) for v in ranked["skor"]],
        "Perubahan vs bobot sama": [planning.movement(v) for v in ranked["perubahan"]],
    }, index=ranked.index)
    fmap = choropleth(areas, ranked["skor"], title="Skor prioritas (0–100)",
                      unit=f"garis tebal: {top_n} teratas", tooltip_rows=tooltip,
                      classes=classify(ranked["skor"].to_numpy(dtype=float), palette="YlOrRd"),
                      note=view.period_label, highlight=top, tiles=view.basemap)
    st_folium(fmap, height=560, use_container_width=True, returned_objects=[],
              key="prio_map")
with right:
    st.markdown(f"**{min(top_n, len(scored))} {level} teratas**")
    st.dataframe(shown.head(top_n)[["Peringkat", AREA, "Skor (0–100)", "Perubahan"]],
                 hide_index=True, width="stretch")

st.subheader("Tabel peringkat")
st.caption("Perubahan: selisih dengan peringkat bila semua bobot sama (▲ naik, ▼ turun, "
           "= tetap). " + planning.TIES_METHOD)
st.dataframe(shown.style.map(movement_colour, subset=["Perubahan"]), hide_index=True,
             width="stretch", key="prio_table")
if len(unscored):
    st.markdown(f"**{AREA} tanpa skor** (didaftar terpisah, tidak diberi peringkat)")
    st.dataframe(pd.DataFrame({
        AREA: names.loc[unscored.index, "nama"].to_numpy(),
        **({PARENT: kec_names.reindex(names.loc[unscored.index, "kode_induk"]).to_numpy()}
           if PARENT else {}),
        "Alasan": unscored["tanpa_skor"].to_numpy(),
    }), hide_index=True, width="stretch")
if hide:
    st.caption(planning.small_count_note())

# Excel for the minutes, built only when the button is clicked.
labels = pd.DataFrame({"nama": names["nama"],
                       "induk": kec_names.reindex(names["kode_induk"]).to_numpy()},
                      index=names.index)
notes = planning.priority_notes(
    weights, view.period_label, settings, scope.description,
    extra=[("Tingkat wilayah", AREA),
           (f"{AREA} tanpa skor", ", ".join(names.loc[unscored.index, "nama"]) or "–"),
           ("Angka kecil", planning.small_count_note() if hide else "Tidak disembunyikan")])
st.download_button(
    "Unduh Excel untuk notulen (peringkat + catatan)",
    lambda: planning.priority_workbook(
        planning.priority_export(table, ranked, labels, hide, AREA, PARENT), notes),
    file_name=f"prioritas_musrenbang_{view.snapshot['period']}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="prio_download", on_click="ignore")

with st.expander("Cara menghitung skor prioritas"):
    st.markdown(planning.NORMALISATION_METHOD)
    st.markdown(planning.TIES_METHOD + " " + planning.NO_DATA_NOTE)
    st.markdown("Bobot terpilih: " + "; ".join(
        f"{indicators.get(i).label} {fmt_num(w, 0)}" for i, w in weights.items()))
    st.markdown(f"Rumah tangga dalam cakupan filter: {fmt_int(table['rumah_tangga'].sum())}.")
up.how_counted(ids, settings)
