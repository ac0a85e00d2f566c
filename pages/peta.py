"""Map explorer: any indicator of the registry as a choropleth at kota, kecamatan or kelurahan
level, for the sidebar's filters, with totals, the worst kelurahan and the table behind it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import indicators
from geo.fmt import fmt_int, fmt_num, fmt_pct, fmt_period
from geo.maps import add_point_clusters, choropleth, classify, grid_clusters
from ui import context, explorer
from ui import data as ui_data
from ui import filters as ui_filters
from ui import planning as ui_planning

view = context.page_with_data("Peta indikator")
filters = ui_filters.current()

MEASURES = {"persen": "Persentase", "rumah_tangga": "Jumlah rumah tangga", "jiwa": "Jumlah jiwa"}
METHODS = {"quantile": "Kuantil", "natural": "Jenks (alami)", "equal": "Interval sama"}
MIN_DENOMINATOR = 10  # kelurahan with fewer households in the denominator are not ranked
MAP_SIZE = (620, 620)  # the map column at a 1400 px wide window; labels must fit there

# ------------------------------------------------------------------ page controls (in the URL)
PAGE_PARAMS = {"indikator": ("p_ind", list(indicators.BY_ID), "miskin"),
               "tingkat": ("p_level", list(explorer.LEVELS), "kelurahan"),
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
level = c2.radio("Tingkat wilayah", list(explorer.LEVELS), key="p_level", horizontal=True,
                 format_func=explorer.LEVELS.get)
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

# A chosen kecamatan or kelurahan is shown by its kelurahan.
area_filtered = bool(filters.kecamatan or filters.kelurahan)
shown_level = "kelurahan" if area_filtered else level
if area_filtered and level != "kelurahan":
    st.caption(f"Wilayah dipilih di filter: peta menampilkan kelurahannya "
               f"({filters.describe(name_of.to_dict()).split(' · ')[0]}).")

# ------------------------------------------------------------------ counting (hot path)
# the definition choices where official rules differ; shared with the planning pages
settings = ui_planning.settings_control()
if settings == indicators.DEFAULT_SETTINGS:  # one cache entry for the default
    base = explorer.base(int(view.snapshot["id"]), view.version)
else:
    base = explorer.base(int(view.snapshot["id"]), view.version, settings)
prepared = base.prepared
keep = explorer.households_mask(prepared, filters)
ids = tuple(dict.fromkeys((IND.id, *indicators.NEED_INDICATORS)))
kel_table, unlinked = indicators.area_counts(prepared, keep, ids=ids, detail=(IND.id,))
level_table = indicators.roll_up(kel_table, shown_level)

areas_all = explorer.areas(shown_level, view.version)
shown = explorer.chosen_areas(areas_all, filters, shown_level)
areas = areas_all[shown.to_numpy()]
if areas.empty:
    st.warning("Tidak ada wilayah yang cocok dengan filter wilayah. Ubah filter di samping.")
    st.stop()
table = indicators.for_areas(level_table, areas["kode"])
has_data = table["rumah_tangga"].to_numpy() > 0
known = indicators.is_known(table, IND.id, settings.min_known_share)
not_in_register = indicators.availability_note(prepared, IND.id)
if not_in_register:
    st.warning(not_in_register + " Semua wilayah abu-abu: tidak ada data, bukan 0.")

value_col = {"persen": f"{IND.id}_persen", "rumah_tangga": IND.id, "jiwa": f"{IND.id}_jiwa"}
values = table[value_col[measure]].astype(float).where(has_data & known)
unit = {"persen": f"{IND.unit} ({IND.denominator_label})", "rumah_tangga": "rumah tangga",
        "jiwa": "jiwa (anggota rumah tangga)"}[measure]
decimals = 1 if measure == "persen" else 0
palette = "YlOrRd" if IND.higher_is_worse else "Blues"
classes = classify(values.to_numpy(), k=n_classes, method=method, palette=palette)


def shown_value(v: float) -> str:
    return fmt_pct(v) if measure == "persen" else fmt_int(v)


level_label = explorer.LEVELS[shown_level]
tooltip = pd.DataFrame({
    level_label: areas["nama"].to_numpy(),
    "Kode": areas["kode"].to_numpy(),
    MEASURES[measure]: [shown_value(v) if ok else indicators.NO_DATA
                        for v, ok in zip(values, known)],
    "Rumah tangga terhitung": [fmt_int(v) if ok else indicators.NO_DATA
                               for v, ok in zip(table[IND.id], known)],
    "Jiwa terhitung": [fmt_int(v) if ok else indicators.NO_DATA
                       for v, ok in zip(table[f"{IND.id}_jiwa"], known)],
    "Data diketahui": [indicators.known_text(row, IND.id) for _, row in table.iterrows()],
}, index=areas["kode"].to_numpy())
description = filters.describe(name_of.to_dict())
fmap = choropleth(
    areas, values, title=IND.label, unit=f"{unit} per {level_label.lower()}",
    tooltip_rows=tooltip, classes=classes, decimals=decimals, labels=name_of,
    note=f"{description} · {fmt_period(view.snapshot['period'])}", size_px=MAP_SIZE,
    fill_opacity=0.3 if len(filters.kelurahan) == 1 else 0.8, tiles=view.basemap)

one_kelurahan = len(filters.kelurahan) == 1
if one_kelurahan:
    code = filters.kelurahan[0]
    idx = np.flatnonzero(prepared.codes == code)
    in_kel = (prepared.area == idx[0]) if len(idx) else np.zeros(len(prepared), dtype=bool)
    if keep is not None:
        in_kel &= keep
    clusters = grid_clusters(base.lon[in_kel], base.lat[in_kel], prepared.hits[IND.id][in_kel],
                             tuple(areas.total_bounds), cells=16)
    add_point_clusters(fmap, clusters, IND.label.lower())

# ------------------------------------------------------------------ layout
left, right = st.columns([3, 1.25])
with left:
    event = st_folium(fmap, height=MAP_SIZE[1], use_container_width=True,
                      returned_objects=["last_active_drawing"], key="peta_utama")
    notes = []
    if not has_data.all():
        notes.append(f"Wilayah abu-abu ({fmt_int((~has_data).sum())}): tidak ada rumah tangga "
                     "dalam register yang tertaut ke wilayah itu dan lolos filter.")
    unknown_areas = int((has_data & ~known).sum())
    if unknown_areas:
        notes.append(f"Wilayah abu-abu ({fmt_int(unknown_areas)}): {indicators.NO_DATA}, "
                     f"nilai indikator ini diketahui untuk kurang dari "
                     f"{settings.min_known_share:.0%} rumah tangganya (bukan 0).")
    if not area_filtered and unlinked["rumah_tangga"]:
        notes.append(f"{fmt_int(unlinked['rumah_tangga'])} rumah tangga belum tertaut ke "
                     "kelurahan mana pun dan tidak tampil di peta (lihat halaman Data).")
    if shown_level == "kecamatan":
        notes.append("Klik sebuah kecamatan untuk melihat kelurahannya.")
    if one_kelurahan:
        notes.append("Lingkaran: rumah tangga dikelompokkan per petak (tanpa nama, NIK atau "
                     "alamat); makin pekat, makin besar bagian yang terhitung indikator.")
    for note in notes:
        st.caption(note)

clicked = (event or {}).get("last_active_drawing") or {}
clicked_code = (clicked.get("properties") or {}).get("kode")
if clicked_code and clicked_code != st.session_state.get("_peta_clicked"):
    st.session_state["_peta_clicked"] = clicked_code
    if shown_level == "kecamatan" and clicked_code in set(areas["kode"]):
        ui_filters.request(replace(filters, kecamatan=(clicked_code,), kelurahan=()))

total = indicators.totals(table, settings.min_known_share)
total_known = indicators.is_known(total, IND.id, settings.min_known_share)
with right:
    st.markdown(f"**{IND.label}**  \n{description}")
    st.metric("Rumah tangga terhitung",
              fmt_int(total[IND.id]) if total_known else indicators.NO_DATA)
    st.metric("Jiwa dalam rumah tangga itu",
              fmt_int(total[f"{IND.id}_jiwa"]) if total_known else indicators.NO_DATA)
    st.metric("Persentase", fmt_pct(total[f"{IND.id}_persen"]) if total_known
              else indicators.NO_DATA,
              help=f"Penyebut: {IND.denominator_label} yang nilainya diketahui.")
    st.caption(f"Penyebut: {fmt_int(total[f'{IND.id}_penyebut'])} {IND.denominator_label} "
               f"yang nilainya diketahui ({indicators.known_text(total, IND.id)}).")
    st.caption(f"Dari {fmt_int(total['rumah_tangga'])} rumah tangga "
               f"({fmt_int(total['jiwa'])} jiwa) dalam wilayah dan filter ini.")

    st.markdown("**10 kelurahan dengan kondisi terburuk**" if IND.higher_is_worse
                else "**10 kelurahan dengan cakupan terendah**")
    kel_codes = (areas["kode"] if shown_level == "kelurahan" else
                 explorer.areas("kelurahan", view.version).loc[
                     lambda f: explorer.chosen_areas(f, filters, "kelurahan"), "kode"])
    ranked = indicators.worst_areas(kel_table.reindex(kel_codes).dropna(subset=["rumah_tangga"]),
                                    IND.id, n=10, min_denominator=MIN_DENOMINATOR)
    if len(ranked):
        worst = pd.DataFrame({
            "Kelurahan": [name_of.get(k, k) for k in ranked.index],
            "%": [fmt_pct(v) for v in ranked[f"{IND.id}_persen"]],
            "Rumah tangga": [fmt_int(v) for v in ranked[IND.id]],
        })
        st.dataframe(worst, hide_index=True, width="stretch", key="peta_terburuk")
    else:
        st.caption(f"Tidak ada kelurahan yang diperingkat: {indicators.NO_DATA} untuk "
                   "indikator ini di wilayah dan filter ini.")
    st.caption(f"Diurutkan menurut persentase; kelurahan dengan penyebut kurang dari "
               f"{MIN_DENOMINATOR} rumah tangga, atau yang nilainya diketahui untuk kurang "
               f"dari {settings.min_known_share:.0%} rumah tangga, tidak diperingkat.")

# ------------------------------------------------------------------ the table behind the map
st.subheader(f"Tabel per {level_label.lower()}")
export = pd.DataFrame({"kode": areas["kode"].to_numpy(), "nama": areas["nama"].to_numpy()})
for column in ("rumah_tangga", "jiwa"):
    export[column] = table[column].to_numpy()
for column in (IND.id, f"{IND.id}_jiwa"):  # unknown stays empty, never 0
    export[column] = indicators.known_count(table, column, IND.id,
                                            settings.min_known_share).to_numpy()
for column in (f"{IND.id}_penyebut", f"{IND.id}_semesta"):
    export[column] = table[column].to_numpy()
export[f"{IND.id}_persen"] = table[f"{IND.id}_persen"].round(2).to_numpy()
export[f"{IND.id}_diketahui"] = (100 * table[f"{IND.id}_diketahui"]).round(1).to_numpy()
for other in indicators.NEED_INDICATORS:
    if other != IND.id:
        export[other] = indicators.known_count(table, other, other,
                                               settings.min_known_share).to_numpy()

labels = {"kode": "Kode", "nama": level_label, "rumah_tangga": "Rumah tangga", "jiwa": "Jiwa",
          IND.id: f"{IND.label} (rumah tangga)", f"{IND.id}_jiwa": f"{IND.label} (jiwa)",
          f"{IND.id}_penyebut": f"Penyebut: {IND.denominator_label}, nilai diketahui",
          f"{IND.id}_semesta": f"Semua {IND.denominator_label}",
          f"{IND.id}_persen": f"{IND.label} (%)",
          f"{IND.id}_diketahui": "Data diketahui (%)",
          **{o: f"{indicators.BY_ID[o].label} (rumah tangga)"
             for o in indicators.NEED_INDICATORS if o != IND.id}}
rates = [f"{IND.id}_persen", f"{IND.id}_diketahui"]
ints = [c for c in export.columns if c not in ("kode", "nama", *rates)]
on_screen = export.copy()  # st.dataframe shows an empty cell as "None": write it out
for column in [c for c in (*ints, *rates) if on_screen[c].isna().any()]:
    fmt = fmt_int if column in ints else (lambda v: fmt_num(v, 2))
    on_screen[column] = [indicators.NO_DATA if v != v else fmt(v) for v in export[column]]
styled = on_screen.style.format(fmt_int, subset=[c for c in ints if export[c].notna().all()])
styled = styled.format(lambda v: fmt_num(v, 2),
                       subset=[c for c in rates if export[c].notna().all()])
st.dataframe(styled, hide_index=True, width="stretch", key="peta_tabel",
             column_config={c: st.column_config.Column(label) for c, label in labels.items()})

notes = [f"Indikator: {IND.label} ({IND.opd})", f"Cara menghitung: {IND.definition}",
         f"Penyebut: {IND.denominator_label} yang nilainya diketahui",
         f"Kosong = {indicators.NO_DATA} (nilai tidak ada di register), bukan 0",
         f"Filter: {description}",
         view.period_label, *prepared.settings.describe()]
stem = f"peta_{IND.id}_{shown_level}_{view.snapshot['period']}"
d1, d2, _ = st.columns([1, 1, 4])
d1.download_button("Unduh CSV", lambda: explorer.csv_bytes(export), file_name=f"{stem}.csv",
                   mime="text/csv", icon=":material/download:", key="peta_csv")
d2.download_button("Unduh Excel", lambda: explorer.excel_bytes(export, IND.id, notes),
                   file_name=f"{stem}.xlsx", icon=":material/download:", key="peta_xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
with st.expander("Cara menghitung dan pengaturan yang berlaku"):
    st.markdown(f"**{IND.label}** — pemilik: {IND.opd}.  \n{IND.definition}  \n"
                f"Penyebut persentase: {IND.denominator_label}.")
    st.markdown("\n".join(f"- {line}" for line in prepared.settings.describe()))
