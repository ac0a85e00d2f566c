"""Map page, change between periods: the "Bandingkan periode" and "Perpindahan rumah tangga"
modes, and the small trend chart beside the map. The numbers come from :mod:`geo.change`,
:mod:`geo.transitions` and :mod:`geo.change_map`; this module only draws them."""

from __future__ import annotations

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components
from streamlit_folium import st_folium

from geo import access, change, change_map, exports, indicators, suppression, transitions
from geo.fmt import fmt_int, fmt_num, fmt_period
from geo.indicator_table import indicator_table
from geo.maps import NO_DATA_LABEL
from ui import auth, data, explorer
from ui import filters as ui_filters

MODES = {"satu": "Satu periode", "banding": "Bandingkan periode",
         "pindah": "Perpindahan rumah tangga"}
LEVELS = {"kelurahan": "Kelurahan", "kecamatan": "Kecamatan"}
MAP_SIZE = (620, 620)
# the comparison's choices in the URL, so a shared link opens the same comparison
COMPARE_PARAMS = (
    ui_filters.Param("banding_indikator", "c_ind", "miskin",
                     decode=lambda t: t if t in indicators.BY_ID else None),
    ui_filters.Param("banding_tingkat", "c_level", "kelurahan",
                     decode=lambda t: t if t in LEVELS else None),
)


MATRIX_HIDDEN_NOTE = ("Matriks desil per kelurahan tidak ditampilkan saat angka kecil "
                      "disembunyikan: sel-selnya menjumlah ke perpindahan di bawah, sehingga "
                      "angka kecil dapat dihitung kembali. Ringkasan perpindahan tetap tampil.")

def mode_control() -> str:
    """The map page's mode (kept in the URL as ``mode``); "satu" with one period stored."""
    if len(data.snapshots(data.data_version())) < 2:
        return "satu"
    if "p_mode" not in st.session_state:
        wanted = st.query_params.get("mode")
        st.session_state["p_mode"] = wanted if wanted in MODES else "satu"
    mode = st.segmented_control("Tampilan", list(MODES), key="p_mode",
                                format_func=MODES.get) or "satu"
    if mode != "satu" or "mode" in st.query_params:
        st.query_params["mode"] = mode
    return mode


# ------------------------------------------------------------------ cached numbers

@st.cache_data(show_spinner="Menghitung indikator periode…", max_entries=48)
def period_table(period: str, level: str, version: tuple, forum: bool = False
                 ) -> pd.DataFrame:
    """The period's indicator table; ``forum``: with the forum flags."""
    return indicator_table(data.engine(), period, level, forum=forum)[0]


@st.cache_data(show_spinner=False, max_entries=64)
def period_hidden(period: str, level: str, version: tuple, ind_id: str) -> pd.Series:
    """Where the forum's map of ``period`` hides the indicator's rate, by code (cached: the
    trend beside the map reads it on every rerun)."""
    return change.forum_rates_hidden(
        period_table(period, level, version, forum=True).set_index("kode"), ind_id)


@st.cache_data(show_spinner="Membandingkan periode…", max_entries=8)
def compare(period_from: str, period_to: str, level: str, version: tuple, hide: bool = False
            ) -> pd.DataFrame:
    return change.compare_tables(data.engine(), period_from, period_to, level, hide=hide)


@st.cache_data(show_spinner="Mencocokkan rumah tangga antar periode…", max_entries=4)
def moves(period_from: str, period_to: str, version: tuple) -> transitions.Transitions:
    return transitions.transitions(data.engine(), period_from, period_to)


def _in_scope(table: pd.DataFrame, level: str, version: tuple) -> pd.DataFrame:
    names = data.region_names(version)
    kel = names[names["level"] == "kelurahan"]
    parent_of = dict(zip(kel["kode"], kel["kode_induk"]))
    keep = access.rows_in_scope(auth.visitor(), table["kode"], level, parent_of)
    return table[keep].reset_index(drop=True)


def _periods(view) -> tuple[str, str] | None:  # noqa: ANN001
    """(earlier, later): the later is the sidebar's period, the earlier chosen here."""
    snaps = data.snapshots(view.version)
    later = view.snapshot["period"]
    earlier_options = change.comparable_earlier(snaps, later)  # demo and real never mixed
    if not earlier_options:
        other = (snaps["period"] < later).any()  # only periods of the other kind
        kinds = ("register sungguhan", "data contoh fiktif")
        if not view.snapshot.get("is_demo"):
            kinds = kinds[::-1]
        st.info(f"Tidak ada periode sebelum {fmt_period(later)}"
                + (f" selain {kinds[0]}, yang tidak dibandingkan dengan {kinds[1]}"
                   if other else "")
                + ". Pilih periode yang lebih baru di samping untuk membandingkan.")
        return None
    default = earlier_options[-1]  # as change.previous_period, without reading the database
    since = ui_filters.Param("banding", "c_from", default,
                             decode=lambda t: t if t in earlier_options else None)
    if st.session_state.get(since.key) not in (None, *earlier_options):
        del st.session_state[since.key]  # the sidebar's period moved before it
    ui_filters.params_from_url(since)
    earlier = st.selectbox("Dibandingkan dengan periode", earlier_options[::-1],
                           format_func=fmt_period, key=since.key)
    ui_filters.params_to_url(since)
    return earlier, later


# ------------------------------------------------------------------ compare mode

def render_compare(view) -> None:  # noqa: ANN001
    chosen = _periods(view)
    if chosen is None:
        return
    earlier, later = chosen
    c1, c2 = st.columns([2.2, 1.4])
    ui_filters.params_from_url(*COMPARE_PARAMS)
    ind_id = c1.selectbox("Indikator", list(indicators.BY_ID), key="c_ind",
                          format_func=lambda i: indicators.BY_ID[i].label)
    words = data.level_words(view.version)  # "Desa" in a kabupaten
    level = c2.radio("Tingkat wilayah", list(LEVELS), key="c_level", horizontal=True,
                     format_func=lambda lv: words.get(lv) or LEVELS[lv])
    ui_filters.params_to_url(*COMPARE_PARAMS)
    hide = auth.small_counts_hidden("c_hide", default=True)
    ind = indicators.get(ind_id)
    table = _in_scope(compare(earlier, later, level, view.version, hide), level, view.version)
    areas = explorer.areas(level, view.version)
    areas = areas[areas["kode"].isin(table["kode"])]
    names = table.set_index("kode")["nama"]
    st.caption(f"{ind.label}: {fmt_period(earlier)} → {fmt_period(later)}, dihitung atas batas "
               "wilayah yang sekarang. Perubahan dalam poin persen; abu-abu = tidak ada data di "
               "salah satu periode (bukan 0).")
    left, right = st.columns([3, 1.25])
    with left:
        fmap = change_map.change_map(areas, table, ind_id, earlier, later, labels=names,
                                     tiles=view.basemap, size_px=MAP_SIZE)
        st_folium(fmap, height=MAP_SIZE[1], use_container_width=True, returned_objects=[],
                  key="c_change_map")
    with right:
        improved, worsened = change.largest_changes(table, ind_id)
        for title, rows in (("**Paling membaik**", improved), ("**Paling memburuk**",
                                                               worsened)):
            st.markdown(title)
            if rows.empty:
                st.caption("Tidak ada.")
            else:
                shown = _changes_on_screen(rows, ind_id, earlier, later)
                st.dataframe(shown[["Wilayah", "Perubahan (poin)"]], hide_index=True,
                             width="stretch")
        trend_chart(view, ind_id, level, None, hide)
    st.markdown(f"**Berdampingan: {fmt_period(earlier)} dan {fmt_period(later)}** "
                "(geser atau perbesar satu peta, yang lain mengikuti; skala warna sama)")
    dual = change_map.side_by_side(areas, table, ind_id, earlier, later, labels=names,
                                   tiles=view.basemap)
    # its own page in an iframe: streamlit-folium draws only the first map of a DualMap
    components.html(dual.document(), height=480)
    st.subheader(f"Tabel perubahan per {(words.get(level) or LEVELS[level]).lower()}")
    st.dataframe(_changes_on_screen(table, ind_id, earlier, later),
                 hide_index=True, width="stretch", key="c_table")
    stem = f"perubahan_{level}_{earlier}_{later}"
    auth.download_button(st, "Unduh CSV (mesin, semua indikator)",
                         lambda: exports.csv_machine(table), f"{stem}.csv", mime="text/csv",
                         icon=":material/download:", key="c_csv")


def _changes_on_screen(rows: pd.DataFrame, ind_id: str, earlier: str, later: str
                       ) -> pd.DataFrame:
    """Rates of both periods and the change, as text: "–" where hidden for a forum."""
    def plain(texts: list[str], unit: str) -> list[str]:  # the unit is in the header
        return [indicators.NO_DATA if t == NO_DATA_LABEL else t.removesuffix(unit)
                for t in texts]

    rows = rows.reset_index(drop=True)
    return pd.DataFrame({
        "Wilayah": rows["nama"],
        f"{fmt_period(earlier)} (%)": plain(change_map.rate_texts(rows, ind_id, change.FROM),
                                            " %"),
        f"{fmt_period(later)} (%)": plain(change_map.rate_texts(rows, ind_id, change.TO), " %"),
        "Perubahan (poin)": plain(change_map.change_texts(rows, ind_id), " poin"),
    })


# ------------------------------------------------------------------ trend

def trend_area(filters, level: str) -> tuple[str, str]:  # noqa: ANN001
    """(level, code) the trend is drawn for: the one kelurahan or kecamatan chosen in the
    filters, else the city."""
    if len(filters.kelurahan) == 1:
        return "kelurahan", filters.kelurahan[0]
    if len(filters.kecamatan) == 1:
        return "kecamatan", filters.kecamatan[0]
    return "kota", ""


def trend_chart(view, ind_id: str, level: str, filters, hide: bool = True  # noqa: ANN001
                ) -> None:
    """A small line of the indicator's rate over the last 12 periods, for the chosen area;
    with ``hide`` a rate over a small count is "–" and not drawn."""
    area_level, code = trend_area(filters, level) if filters is not None else ("kota", "")
    stored = sorted(data.snapshots(view.version)["period"].tolist())[
        -change.MAX_TREND_PERIODS:]
    if len(stored) < 2:
        return
    names = data.names_by_code(view.version)
    tables = {p: period_table(p, area_level, view.version) for p in stored}
    if not code:
        city = tables[stored[-1]]
        if len(city) != 1 or not access.rows_in_scope(auth.visitor(), city["kode"], "kota",
                                                      {})[0]:
            return
        code = city["kode"].iat[0]
    hidden = {p: period_hidden(p, area_level, view.version, ind_id) for p in stored} \
        if hide else None
    points = change.trend(tables, ind_id, code, hide, hidden)
    points["Periode"] = points["periode"].map(fmt_period)
    points["Nilai"] = [suppression.HIDDEN_TOO if x else indicators.NO_DATA if pd.isna(v)
                       else f"{fmt_num(v, 1)} %"
                       for v, x in zip(points["persen"], points["tersembunyi"])]
    title = f"Tren {names.get(code, 'kota')} ({len(points)} periode)"
    st.markdown(f"**{title}**")
    import altair as alt  # here: altair takes 0,5 s to import, on every page's first run

    chart = alt.Chart(points).mark_line(point=True).encode(
        x=alt.X("Periode:N", sort=list(points["Periode"]), title=None,
                axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("persen:Q", title="% rumah tangga", scale=alt.Scale(zero=True),
                axis=alt.Axis(tickCount=4, format=".0f")),
        tooltip=["Periode", "Nilai"]).properties(height=200)
    st.altair_chart(chart, width="stretch")
    hidden = int(points["tersembunyi"].sum())
    unknown = int(points["persen"].isna().sum()) - hidden
    if unknown:
        st.caption(f"{fmt_int(unknown)} periode {indicators.NO_DATA} (tidak digambar).")
    if hidden:
        st.caption(f"{fmt_int(hidden)} periode disembunyikan (angka kecil, tidak digambar).")


# ------------------------------------------------------------------ transitions mode

def render_moves(view) -> None:  # noqa: ANN001
    chosen = _periods(view)
    if chosen is None:
        return
    earlier, later = chosen
    hide = auth.small_counts_hidden("c_hide", default=True)
    result = moves(earlier, later, view.version)
    table = _in_scope(result.table, "kelurahan", view.version)
    st.caption(
        f"Rumah tangga dicocokkan antar {fmt_period(earlier)} dan {fmt_period(later)} lewat ID "
        "keluarga (atau NIK yang di-hash dengan kunci rahasia basis data ini). Yang cocok dan "
        "yang baru dihitung di kelurahannya pada periode akhir; yang keluar di kelurahannya "
        "pada periode awal. ID yang muncul dua kali dilaporkan, tidak ditebak.")
    areas = explorer.areas("kelurahan", view.version)
    areas = areas[areas["kode"].isin(table["kode"])]
    word = data.level_words(view.version).get("kelurahan") or "Kelurahan"  # "Desa", …
    # every view of the moves shows these, decided over every kelurahan (as the map's, and
    # the command line's: geo.forum_tables), then read for the ones in scope
    texts = transitions.counts_shown(result.table, hide)
    left, right = st.columns([3, 1.4])
    with left:
        fmap = change_map.net_out_of_poverty_map(
            areas, table, earlier, later, labels=table.set_index("kode")["nama"],
            tiles=view.basemap, hide_small=hide, size_px=MAP_SIZE, texts=texts)
        st_folium(fmap, height=MAP_SIZE[1], use_container_width=True, returned_objects=[],
                  key="c_moves_map")
    with right:
        kel = st.selectbox(word, table["kode"].tolist(), key="c_moves_kel",
                           format_func=table.set_index("kode")["nama"].get)
        row = table.set_index("kode").loc[kel]
        if hide:  # its cells add up to the moves beside it: a small one would be worked out
            st.caption(MATRIX_HIDDEN_NOTE)
        else:
            st.markdown(f"**Matriks desil {row['nama']}** (baris: desil {fmt_period(earlier)}, "
                        f"kolom: desil {fmt_period(later)})")
            grid = transitions.matrix(table, kel)
            shown = pd.DataFrame({f"D{d}": suppression.count_texts(grid[d], hide_small=False)
                                  for d in grid.columns}, index=[f"D{d}" for d in grid.index])
            st.dataframe(shown, width="stretch", key="c_matrix")
        summary = pd.DataFrame({
            "Perpindahan": [transitions.LABELS[k] for k in transitions.SUMMARY],
            "Rumah tangga": texts.loc[kel, list(transitions.SUMMARY)].to_numpy(),
        })
        st.dataframe(summary, hide_index=True, width="stretch", key="c_moves_summary")
    st.subheader(f"Perpindahan per {word.lower()}")
    columns = ["nama", *transitions.SUMMARY]
    on_screen = table[columns].rename(columns={"nama": word, **transitions.LABELS})
    if hide:  # small counts, and one more per row and column so none can be worked out
        for k in transitions.COUNTED:
            on_screen[transitions.LABELS[k]] = texts.loc[table["kode"], k].to_numpy()
        on_screen = on_screen.drop(columns=[transitions.LABELS["bersih_keluar_miskin"]])
    st.dataframe(on_screen, hide_index=True, width="stretch", key="c_moves_table")
    if not hide:
        auth.download_button(st, "Unduh CSV (dengan pasangan desil)",
                             lambda: exports.csv_machine(table),
                             f"perpindahan_{earlier}_{later}.csv", mime="text/csv",
                             icon=":material/download:", key="c_moves_csv")


