"""The map page under AppTest: each filter changes the numbers as the rules say, and the URL's
query parameters reproduce a view.

AppTest does not rerun the main script of an ``st.navigation`` app after its first run when a
``pages/`` folder exists (it runs the page alone), so widget interactions are driven through a
small script doing what ``app.py`` does (period, filters, then the page); a link is checked on
the real ``app.py`` in a single run.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo import indicators, store
from geo.filters import Filters
from geo.fmt import fmt_int, fmt_pct
from tests.apptest import MAP_TABLE
from tests.map_fixtures import sidebar_and_map_page, write_city

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture
def city(tmp_path, monkeypatch) -> pd.DataFrame:
    import streamlit as st

    url = f"sqlite:///{tmp_path / 'map.sqlite'}"
    monkeypatch.setenv("PETA_DB_URL", url)
    monkeypatch.setenv("PETA_PROJECT", str(PROJECT))
    monkeypatch.chdir(PROJECT)
    hh = write_city(store.get_engine(url), n=3_000, n_kelurahan=14, n_kecamatan=3)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield hh
    st.cache_data.clear()
    st.cache_resource.clear()


def expected(hh: pd.DataFrame, f: Filters, ind_id: str = "miskin") -> dict[str, str]:
    keep = f.mask(hh)
    flags = indicators.evaluate(hh[keep], ids=(ind_id,))
    hits = flags[ind_id].to_numpy()
    den = flags[f"{ind_id}__den"].to_numpy()
    return {
        "Rumah tangga terhitung": fmt_int(int(hits.sum())),
        "Jiwa dalam rumah tangga itu": fmt_int(int(hh.loc[keep, "jumlah_art"][hits].sum())),
        "pct": fmt_pct(100 * hits.sum() / den.sum() if den.sum() else None),
    }


def shown(at: AppTest) -> dict[str, str]:
    metrics = {m.label: m.value for m in at.metric}
    pct = next(v for k, v in metrics.items() if k.startswith("Persentase"))
    return {"Rumah tangga terhitung": metrics["Rumah tangga terhitung"],
            "Jiwa dalam rumah tangga itu": metrics["Jiwa dalam rumah tangga itu"], "pct": pct}


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def map_page(timeout: int = 90) -> AppTest:
    """The sidebar and map page, with the table behind the map switched on."""
    at = AppTest.from_function(sidebar_and_map_page, default_timeout=timeout)
    at.session_state[MAP_TABLE] = True
    return at


def test_each_filter_changes_the_numbers_as_the_rules_say(city):
    at = ok(map_page().run())
    assert shown(at) == expected(city, Filters())
    assert at.query_params.get("kec") is None

    kec = "99.71.02"
    at.multiselect(key="f_kec").set_value([kec])
    ok(at.run())
    f = Filters(kecamatan=(kec,))
    assert shown(at) == expected(city, f)
    assert at.query_params["kec"] == kec

    kel = sorted(c for c in city["region_code"].unique() if c.startswith(kec))[0]
    at.multiselect(key="f_kel").set_value([kel])
    ok(at.run())
    f = Filters(kecamatan=(kec,), kelurahan=(kel,))
    assert shown(at) == expected(city, f)
    assert at.query_params["kel"] == kel

    at.multiselect(key="f_kel").set_value([])
    at.slider(key="f_desil").set_value((1, 4))
    ok(at.run())
    f = Filters(kecamatan=(kec,), desil_min=1, desil_max=4)
    assert shown(at) == expected(city, f)
    assert shown(at)["pct"] == "100,0%"  # every household of desil 1–4 is poor
    assert at.query_params["desil"] == "1-4"

    at.multiselect(key="f_program").set_value(["penerima_pkh"])
    ok(at.run())
    f = Filters(kecamatan=(kec,), desil_min=1, desil_max=4, programs=("penerima_pkh",))
    assert shown(at) == expected(city, f)
    assert at.query_params["program"] == "pkh"

    at.multiselect(key="f_kec").set_value([])
    at.slider(key="f_desil").set_value((1, 10))
    at.multiselect(key="f_rentan").set_value(["jumlah_lansia"])
    ok(at.run())
    f = Filters(programs=("penerima_pkh",), vulnerable=("jumlah_lansia",))
    assert shown(at) == expected(city, f)
    assert "kec" not in at.query_params and at.query_params["rentan"] == "lansia"

    at.selectbox(key="p_ind").set_value("rtlh")
    ok(at.run())
    assert shown(at) == expected(city, f, "rtlh")
    assert at.query_params["indikator"] == "rtlh"


def test_worst_kelurahan_and_table_follow_indicator_and_level(city):
    at = map_page()
    at.run()
    assert at.toggle(key="peta_hide").value  # small counts hidden unless switched off
    at.toggle(key="peta_hide").set_value(False)
    ok(at.run())
    table = at.dataframe[-1].value
    assert len(table) == 14 and table["rumah_tangga"].sum() == len(city)
    worst = at.dataframe[0].value
    rates = (city.groupby("region_code")["desil"].apply(lambda d: (d <= 4).mean() * 100))
    assert worst["%"].iloc[0] == fmt_pct(rates.max())
    at.radio(key="p_level").set_value("kecamatan")
    ok(at.run())
    table = at.dataframe[-1].value
    assert len(table) == 3 and table["miskin"].sum() == int((city["desil"] <= 4).sum())
    at.radio(key="p_level").set_value("kota")
    ok(at.run())
    assert len(at.dataframe[-1].value) == 1


def test_a_copied_link_reproduces_the_view_in_the_real_app(city):
    params = {"kec": "99.71.01", "desil": "1-5", "program": "bpnt", "indikator": "belum_jkn",
              "tingkat": "kecamatan", "ukuran": "jiwa", "kelas": "equal", "jumlah_kelas": "3"}
    at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=120)
    at.session_state[MAP_TABLE] = True
    for key, value in params.items():
        at.query_params[key] = value
    ok(at.run())
    f = Filters(kecamatan=("99.71.01",), desil_min=1, desil_max=5, programs=("penerima_bpnt",))
    assert shown(at) == expected(city, f, "belum_jkn")
    assert at.multiselect(key="f_kec").value == ["99.71.01"]
    assert at.slider(key="f_desil").value == (1, 5)
    assert at.selectbox(key="p_ind").value == "belum_jkn"
    assert at.radio(key="p_measure").value == "jiwa"
    assert at.selectbox(key="p_method").value == "equal"
    assert at.select_slider(key="p_k").value == "3"
    # the URL keeps every parameter, so the link can be passed on again
    assert {k: v for k, v in at.query_params.items() if k in params} == params
    # a kecamatan chosen in the filter is shown by its kelurahan
    table = at.dataframe[-1].value
    assert set(table["kode"].str[:8]) == {"99.71.01"} and len(table["kode"].iloc[0]) == 13


def test_an_area_without_households_is_grey_and_explained(city, tmp_path):
    url = f"sqlite:///{tmp_path / 'gap.sqlite'}"
    import os

    import streamlit as st

    os.environ["PETA_DB_URL"] = url
    hh = city[city["region_code"] != sorted(city["region_code"].unique())[0]].copy()
    hh.loc[hh.index[:5], "region_code"] = None  # not linked to any kelurahan
    write_city(store.get_engine(url), n_kelurahan=14, n_kecamatan=3, households=hh)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = ok(map_page().run())
    assert any("abu-abu (1)" in c.value for c in at.caption)
    assert any(c.value.startswith("5 rumah tangga belum tertaut") for c in at.caption)
    table = at.dataframe[-1].value
    assert (table["miskin_persen"] == "tidak ada data").sum() == 1  # not NaN shown as None


def test_one_kelurahan_shows_its_households_as_clustered_points(city):
    kel = sorted(city["region_code"].unique())[3]
    at = map_page()
    at.query_params["kel"] = kel
    ok(at.run())
    assert any(c.value.startswith("Lingkaran: rumah tangga dikelompokkan") for c in at.caption)
    table = at.dataframe[-1].value
    assert table["kode"].tolist() == [kel]
    assert table["rumah_tangga"].iloc[0] == fmt_int((city["region_code"] == kel).sum())


def test_definition_settings_change_the_numbers(city):
    at = map_page()
    at.query_params["indikator"] = "rtlh"
    ok(at.run())
    assert shown(at) == expected(city, Filters(), "rtlh")
    at.selectbox(key="ps_rtlh").set_value(9.0)
    ok(at.run())
    pupr = indicators.evaluate(city, indicators.Settings(rtlh_floor_per_person=9.0),
                               ids=("rtlh",))["rtlh"]
    assert shown(at)["Rumah tangga terhitung"] == fmt_int(int(pupr.sum()))
    assert int(pupr.sum()) > int(indicators.evaluate(city, ids=("rtlh",))["rtlh"].sum())


def test_map_counts_follow_a_relink_through_the_cache(city):
    """New boundaries merge one kelurahan into its neighbour; re-linking moves its households.
    The map (which reads the period through the Parquet cache) must count them where the
    database now has them, not where the cache had them."""
    import streamlit as st

    from geo import snapshot_cache
    from geo.snapshot_writer import relink_all
    from tests.map_fixtures import city_regions

    engine = store.get_engine()
    ok(map_page().run())
    snapshot = store.snapshot_for(engine)
    assert snapshot_cache.cache_path(engine, snapshot).exists()  # the map warmed the cache

    table, _ = city_regions(n_kelurahan=14, n_kecamatan=3)
    kel = table[table["level"] == "kelurahan"]
    gone, keep = kel["kode"].iat[0], kel["kode"].iat[1]
    assert city["region_code"].eq(gone).sum() > 0
    merged = table[table["kode"] != gone].copy()
    merged.loc[merged["kode"] == keep, "geometry"] = kel.geometry.iloc[:2].union_all()
    store.replace_regions(engine, merged[["kode", "nama", "level", "kode_induk", "area_km2",
                                          "geometry", "geometry_display"]], "baru.geojson")
    summary = relink_all(engine)
    assert summary["changed"] > 0

    st.cache_data.clear()  # a new session after the data version's short TTL
    st.cache_resource.clear()
    at = ok(map_page().run())
    at.toggle(key="peta_hide").set_value(False)
    ok(at.run())
    shown_table = at.dataframe[-1].value.set_index("kode")["rumah_tangga"]
    database = store.load_households(engine, int(snapshot["id"]), ["region_code"])
    truth = database["region_code"].value_counts()
    assert gone not in shown_table.index
    assert shown_table[keep] == truth[keep] > city["region_code"].eq(keep).sum()
    assert shown_table.sort_index().tolist() == truth.reindex(shown_table.index).fillna(
        0).astype(int).sort_index().tolist()


BEACON = "![b](http://127.0.0.1:8999/beacon.png)"


def test_a_region_name_is_shown_as_plain_text_never_markdown(tmp_path, monkeypatch):
    """Issue 20, finding 5: a kelurahan named like a Markdown image, once chosen in the filter,
    is text on the page (escaped), never an image the browser would fetch."""
    import streamlit as st

    from tests.map_fixtures import city_regions

    url = f"sqlite:///{tmp_path / 'beacon.sqlite'}"
    monkeypatch.setenv("PETA_DB_URL", url)
    monkeypatch.setenv("PETA_PROJECT", str(PROJECT))
    monkeypatch.chdir(PROJECT)
    table, _ = city_regions(n_kelurahan=14, n_kecamatan=3)
    kel = table.loc[table["level"] == "kelurahan", "kode"].iat[0]
    write_city(store.get_engine(url), n=1_000, n_kelurahan=14, n_kecamatan=3,
               rename={kel: BEACON})
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = map_page()
        at.query_params["kel"] = kel
        ok(at.run())
        texts = [e.value for e in (*at.markdown, *at.caption, *at.warning, *at.info)]
        assert not [t for t in texts if "](" in t and "beacon" in t]
        assert any(r"\!\[b\]\(http\:" in t for t in texts)
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()


def test_the_table_behind_the_map_is_shown_on_request(city):
    at = ok(AppTest.from_function(sidebar_and_map_page, default_timeout=90).run())
    assert len(at.dataframe) == 1  # the top-10 only: a filter change builds no full table
    assert any("unduhan" in c.value for c in at.caption)
    at.toggle(key=MAP_TABLE).set_value(True)
    ok(at.run())
    assert len(at.dataframe) == 2 and len(at.dataframe[-1].value) == 14
    at.slider(key="f_desil").set_value((1, 4))
    ok(at.run())
    assert len(at.dataframe) == 2  # the choice stays for the session
