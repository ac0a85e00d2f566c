"""The map page's change modes under AppTest: "Bandingkan periode" draws the change map whose
numbers are ``python -m geo compare``'s, the side-by-side maps, the largest changes and the
trend; "Perpindahan rumah tangga" the desil matrix and the net-out-of-poverty map; numbers
from geo.change / geo.transitions, unknown stays "tidak ada data"."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo import change, change_map, store, transitions
from tests.map_fixtures import sidebar_and_map_page, write_city

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture
def two_periods(tmp_path, monkeypatch):
    import streamlit as st

    url = f"sqlite:///{tmp_path / 'change.sqlite'}"
    monkeypatch.setenv("PETA_DB_URL", url)
    monkeypatch.setenv("PETA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PETA_PROJECT", str(PROJECT))
    monkeypatch.chdir(PROJECT)
    engine = store.get_engine(url)
    first = write_city(engine, n=1_500, n_kelurahan=10, n_kecamatan=3, period="2026-03")
    later = first.drop(columns=["row_number"]).copy()
    rng = np.random.default_rng(5)
    later.loc[rng.random(len(later)) < 0.3, "desil"] = 8
    blank = later["region_code"] == later["region_code"].iloc[0]
    later.loc[blank, "desil"] = np.nan  # unknown there in the later period
    write_city(engine, n=1_500, n_kelurahan=10, n_kecamatan=3, period="2026-09",
               households=later)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield engine, later["region_code"].iloc[0]
    st.cache_data.clear()
    st.cache_resource.clear()


def test_the_change_map_colours_the_numbers_compare_prints(two_periods):
    engine, blank = two_periods
    table = change.compare_tables(engine, "2026-03", "2026-09")
    values = change_map.change_values(table, "miskin")
    assert values.to_dict() == table.set_index("kode")["miskin_selisih"].to_dict() or (
        values.isna() == table.set_index("kode")["miskin_selisih"].isna()).all()
    np.testing.assert_array_equal(values.to_numpy(), table["miskin_selisih"].to_numpy())
    assert np.isnan(values[blank])  # unknown in one period: no colour, never 0
    classes = change_map.diverging_classes(values.to_numpy())
    assert classes.breaks[2] == -classes.breaks[3] and classes.lower == -classes.breaks[-1]
    colors = classes.color_of(values.to_numpy())
    assert colors[values.index.get_loc(blank)] == "#d9d9d9"
    # everywhere else poverty fell: blue side (better) only
    known = ~np.isnan(values.to_numpy())
    assert set(colors[known]) <= set(change_map.BETTER_TO_WORSE[:3])


def test_the_side_by_side_maps_fetch_nothing_and_move_together(two_periods):
    engine, _ = two_periods
    table = change.compare_tables(engine, "2026-03", "2026-09")
    areas = store.load_regions(engine, "kelurahan", display=True)
    dual = change_map.side_by_side(areas, table, "miskin", "2026-03", "2026-09")
    page = dual.document()
    assert "http://" not in page and "https://" not in page
    assert "cdn" not in page.lower()
    assert "setView(x.getCenter(), x.getZoom()" in page
    assert "Maret 2026" in page and "September 2026" in page


def _page(two_periods) -> AppTest:
    at = AppTest.from_function(sidebar_and_map_page, default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_compare_mode_shows_the_change_the_periods_and_the_largest_changes(two_periods):
    at = _page(two_periods)
    assert any("Tren" in m.value for m in at.markdown)  # beside the single-period map too
    at.segmented_control(key="p_mode").set_value("banding").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="c_from").value == "2026-03"
    titles = [m.value for m in at.markdown]
    assert "**Paling membaik**" in titles and "**Paling memburuk**" in titles
    assert any("Berdampingan" in t for t in titles)
    table = at.dataframe[-1].value  # the table of every kelurahan
    assert "tidak ada data" in set(table["Perubahan (poin)"])


def test_moves_mode_shows_the_matrix_of_a_kelurahan_only_with_small_counts_shown(two_periods):
    """The desil matrix of a kelurahan adds up to the moves beside it: with small counts
    hidden it is not shown (a small cell would be their sum minus the others)."""
    from ui.change_view import MATRIX_HIDDEN_NOTE

    engine, _ = two_periods
    at = _page(two_periods)
    at.segmented_control(key="p_mode").set_value("pindah").run()
    assert not at.exception, [e.value for e in at.exception]
    assert MATRIX_HIDDEN_NOTE in [c.value for c in at.caption]
    assert all(d.value.shape != (10, 10) for d in at.dataframe)
    at.toggle(key="c_hide").set_value(False).run()
    assert not at.exception, [e.value for e in at.exception]
    grid = at.dataframe[0].value  # the matrix
    assert grid.shape == (10, 10)
    kel = at.selectbox(key="c_moves_kel").value
    expected = transitions.matrix(transitions.transitions(engine, "2026-03", "2026-09").table,
                                  kel)
    assert grid.iat[0, 0] == str(expected.iat[0, 0])


def test_a_shared_comparison_link_opens_the_same_comparison(two_periods):
    at = AppTest.from_function(sidebar_and_map_page, default_timeout=120)
    for name, value in {"mode": "banding", "banding": "2026-03", "banding_indikator": "rtlh",
                        "banding_tingkat": "kecamatan"}.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.segmented_control(key="p_mode").value == "banding"
    assert at.selectbox(key="c_from").value == "2026-03"
    assert at.selectbox(key="c_ind").value == "rtlh"
    assert at.radio(key="c_level").value == "kecamatan"
    # and the choices made on the page go into the link
    at.selectbox(key="c_ind").set_value("miskin_ekstrem").run()
    assert at.query_params["banding_indikator"] == ["miskin_ekstrem"] or \
        at.query_params["banding_indikator"] == "miskin_ekstrem"


def test_compare_mode_hides_a_small_counts_rate_and_change_for_a_forum(two_periods):
    engine, _ = two_periods
    at = _page(two_periods)
    at.segmented_control(key="p_mode").set_value("banding").run()
    ind_id = "tanpa_listrik_pln"
    at.selectbox(key="c_ind").set_value(ind_id).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.toggle(key="c_hide").value  # on by default
    forum = change.compare_tables(engine, "2026-03", "2026-09", hide=True)
    either = forum[f"{ind_id}_dari_{change.HIDDEN}"] | forum[f"{ind_id}_ke_{change.HIDDEN}"]
    assert either.any(), "the fixture has small counts"
    table = at.dataframe[-1].value.set_index("Wilayah")
    assert (table.loc[forum.loc[either, "nama"], "Perubahan (poin)"] == "–").all()
    at.toggle(key="c_hide").set_value(False).run()
    table = at.dataframe[-1].value.set_index("Wilayah")
    assert (table.loc[forum.loc[either, "nama"], "Perubahan (poin)"] != "–").any()


def test_a_scoped_forums_moves_are_cut_from_the_suppression_of_every_kelurahan(tmp_path,
                                                                              monkeypatch):
    """The moves table of a forum limited to one kecamatan shows each kelurahan's cells as
    the whole city's suppression decides them (as the command line's, geo.forum_tables): a
    suppression of its kecamatan alone would show cells another account's view hides. Here 3
    households enter the register in kecamatan 1 (hidden, and so is kecamatan 1's sum), so
    the city's total hides kecamatan 2's sum and two of its kelurahan's (10 and 12)."""
    import streamlit as st
    from sqlalchemy import update

    from geo import accounts
    from ui.auth import SESSION_KEY

    url = f"sqlite:///{tmp_path / 'moves.sqlite'}"
    for name, value in (("PETA_DB_URL", url), ("PETA_CACHE_DIR", str(tmp_path / "cache")),
                        ("PETA_PROJECT", str(PROJECT))):
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(PROJECT)
    engine = store.get_engine(url)
    first = write_city(engine, n=900, n_kelurahan=10, n_kecamatan=3, period="2026-03")
    codes = sorted(first["region_code"].unique())
    kecamatan = sorted({c[:8] for c in codes})
    a = next(c for c in codes if c.startswith(kecamatan[0]))
    b1, b2 = [c for c in codes if c.startswith(kecamatan[1])][:2]
    new = []
    for code, n in ((a, 3), (b1, 10), (b2, 12)):
        rows = first[first["region_code"] == code].head(n).drop(columns=["row_number"])
        new.append(rows.assign(id_keluarga=[f"BARU-{code}-{i}" for i in range(n)]))
    later = pd.concat([first.drop(columns=["row_number"]), *new], ignore_index=True)
    write_city(engine, n=900, n_kelurahan=10, n_kecamatan=3, period="2026-09",
               households=later)
    with engine.begin() as conn:  # real data: the page follows the account
        conn.execute(update(store.snapshots).values(is_demo=False))
    accounts.add_user(engine, "forum_kec", "forum", "sandi-uji-123", areas=[kecamatan[1]])
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_function(sidebar_and_map_page, default_timeout=120)
    at.session_state[SESSION_KEY] = accounts.login(engine, "forum_kec", "sandi-uji-123")[1]
    at.run()
    at.segmented_control(key="p_mode").set_value("pindah").run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[-1].value  # "Perpindahan per kelurahan"
    names = store.region_list(engine).set_index("kode")["nama"]
    shown = dict(zip(table[table.columns[0]], table[transitions.LABELS["baru"]]))
    assert shown[names[b1]] == shown[names[b2]] == "–"
    assert len(shown) == sum(c.startswith(kecamatan[1]) for c in codes)
    st.cache_data.clear()
    st.cache_resource.clear()
