"""AppTest of the Rujukan SLRT page on the demo city (its referral log and service points are
loaded with the demo): the sections, the backlog OPD on top, masked follow-up lists, a forum
that sees small counts hidden and no list, a type without points shown as no data, the
exclusion total saying over how many kelurahan it is summed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete

from geo import accounts, store
from geo.referrals.tables import service_points
from tests.test_pages_planning import sidebar_and_page

PROJECT = Path(__file__).resolve().parent.parent
PASSWORD = "sandi-uji-123"


@pytest.fixture
def open_as(app_env, monkeypatch):  # noqa: ANN001, ANN201
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from ui.auth import SESSION_KEY

    monkeypatch.chdir(PROJECT)
    monkeypatch.setenv("PETA_TEST_PAGE", str(PROJECT / "pages" / "rujukan.py"))

    def run(user: str | None = None, role: str | None = None,
            areas: list[str] | None = None) -> AppTest:
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_function(sidebar_and_page, default_timeout=120)
        if user:
            engine = store.get_engine()
            if accounts.get_user(engine, user) is None:
                accounts.add_user(engine, user, role or user, PASSWORD, areas=areas or [])
            at.session_state[SESSION_KEY] = accounts.login(engine, user, PASSWORD)[1]
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run


def table_with(at, column: str):  # noqa: ANN001, ANN201
    frames = [d.value for d in at.dataframe if column in d.value.columns]
    assert frames, f"no table with column {column!r}"
    return frames[0]


def test_the_demo_visitor_sees_the_referral_map_and_table(open_as):
    at = open_as()
    assert at.title[0].value == "Rujukan SLRT"
    assert [m.label for m in at.metric] == ["Rujukan", "Terbuka", "Dari luar register",
                                            "Eksklusi tanpa rujukan"]
    # the exclusion total says over how many kelurahan it is summed (the rest: no data)
    assert at.metric[3].proto.help.startswith("Dijumlah atas 44 dari 44 kelurahan")
    table = table_with(at, "Per 1.000 RT")
    assert len(table) == 44 and "Fasilitator/pos" in table.columns
    assert "Daftar tindak lanjut" in at.radio(key="ruj_view").options
    assert "Impor" not in at.radio(key="ruj_view").options  # importing needs an admin


def test_every_map_measure_draws_its_map(open_as):
    """Each choice of "Ukuran di peta" draws (two named a palette the maps did not have and
    ended the page with KeyError 'OrRd')."""
    from geo.maps import PALETTES
    from geo.views.referral_view import MAP_MEASURES

    assert {palette for _, _, palette in MAP_MEASURES.values()} <= set(PALETTES)
    from geo.views.referral_view import map_decimals

    assert [map_decimals(m) for m in MAP_MEASURES] == [1, 0, 1, 0, 0]  # counts: whole
    at = open_as()
    for measure in MAP_MEASURES:
        at.selectbox(key="ruj_measure").set_value(measure).run()
        assert not at.exception, (measure, [e.value for e in at.exception])
        assert len(table_with(at, "Per 1.000 RT")) == 44  # the page went on past the map


def test_the_backlog_opd_is_on_top(open_as):
    at = open_as()
    at.radio(key="ruj_view").set_value("Backlog per OPD").run()
    backlog = table_with(at, "OPD / lembaga tujuan")
    assert backlog["OPD / lembaga tujuan"].iat[0] == "Dinas Perkim"


def test_follow_up_list_is_masked(open_as):
    at = open_as()
    at.radio(key="ruj_view").set_value("Daftar tindak lanjut").run()
    listing = table_with(at, "NIK/No. KK/ID DTKS (disamarkan)")
    assert len(listing) and listing["NIK/No. KK/ID DTKS (disamarkan)"].str.contains(
        r"\*{4}").all()
    at.radio(key="ruj_list_kind").set_value("luar").run()
    outside = table_with(at, "Di register")
    assert len(outside) and (outside["Di register"] == "tidak").all()


def test_the_forum_sees_small_counts_hidden_and_no_list(open_as):
    at = open_as("forum")
    options = at.radio(key="ruj_view").options
    assert "Daftar tindak lanjut" not in options and "Impor" not in options
    assert not [t for t in at.toggle if t.key == "ruj_hide"]
    table = table_with(at, "Per 1.000 RT")
    assert (table.astype(str) == "< 5").any().any()
    # a referral count hidden ("< 5", or "–" beside one) has its rate hidden too
    counts_hidden = table["Rujukan"].isin(["< 5", "–"])
    assert (table["Rujukan"] == "–").any() and (table.loc[counts_hidden, "Per 1.000 RT"]
                                                 == "–").all()
    need = table_with(at, "Bantuan sosial")  # rates that stand for 1–4 referrals: not shown
    assert (need.astype(str) == "–").any().any()


def test_a_type_without_points_is_no_data_not_zero(open_as):
    with store.get_engine().begin() as conn:
        conn.execute(delete(service_points).where(service_points.c.jenis == "panti"))
    at = open_as()
    at.radio(key="ruj_view").set_value("Akses titik layanan").run()
    at.selectbox(key="ruj_jenis").set_value("panti").run()
    assert any("Belum ada titik Panti sosial: jarak tidak ada data, bukan 0" in w.value
               for w in at.warning)
    table = table_with(at, "Panti sosial (m)")
    assert (table["Panti sosial (m)"] == "tidak ada data").all()
    assert (table["Puskesos (m)"] != "tidak ada data").all()


def test_an_admin_imports_a_log_on_the_page(open_as):
    at = open_as("admin")
    assert "Impor" in at.radio(key="ruj_view").options


def test_a_kecamatan_planner_sees_only_that_kecamatan(open_as):
    kec = "99.71.03"
    at = open_as("camat", role="perencana", areas=[kec])
    names = store.region_list(store.get_engine()).set_index("kode")
    mine = set(names.loc[names["kode_induk"] == kec, "nama"])
    table = table_with(at, "Per 1.000 RT")
    assert len(table) and set(table["Kelurahan"]) <= mine
    at.radio(key="ruj_view").set_value("Daftar tindak lanjut").run()
    listing = table_with(at, "Kelurahan")
    assert set(listing["Kelurahan"]) <= mine


def test_the_sidebar_filters_and_definitions_count_on_the_referral_page(open_as):
    """Desil 1–4 in the sidebar: fewer referrals, those from outside the register unknown
    (not 0), and the page says so; PBI-JKN eligible to desil 5 changes exclusion errors, as
    on the other planning pages. The list of referrals from outside the register ignores the
    desil filter and says so."""
    from geo.answers import NO_DATA
    from geo.views.referral_view import FILTERED_NOTE, OUTSIDE_LIST_NOTE

    def metrics(at):  # noqa: ANN001, ANN202
        return {m.label: m.value for m in at.metric}

    at = open_as()
    everyone = metrics(at)
    assert everyone["Dari luar register"] != NO_DATA
    at.selectbox(key="ps_pbi").set_value(5).run()
    assert not at.exception
    wider = metrics(at)
    assert int(wider["Eksklusi tanpa rujukan"].replace(".", "")) > int(
        everyone["Eksklusi tanpa rujukan"].replace(".", ""))
    at.slider(key="f_desil").set_range(1, 4).run()
    assert not at.exception
    poor = metrics(at)
    assert 0 < int(poor["Rujukan"].replace(".", "")) < int(everyone["Rujukan"].replace(".", ""))
    assert poor["Dari luar register"] == NO_DATA
    assert FILTERED_NOTE in [c.value for c in at.caption]
    table = table_with(at, "Per 1.000 RT")
    assert (table["Dari luar register"] == NO_DATA).all()
    at.selectbox(key="ruj_measure").set_value("dari_luar_register").run()
    assert not at.exception  # a map of no data: every area grey, none coloured as 0
    at.radio(key="ruj_view").set_value("Daftar tindak lanjut").run()
    at.radio(key="ruj_list_kind").set_value("luar").run()
    assert len(table_with(at, "Di register")) > 0
    assert OUTSIDE_LIST_NOTE in [c.value for c in at.caption]


def test_the_exclusion_total_says_how_many_areas_it_sums():
    import numpy as np
    import pandas as pd

    from geo.views.referral_view import AreaView

    table = pd.DataFrame({"kode": ["99.71.01.1001", "99.71.01.1002", "99.71.01.1003"],
                          "rujukan": [3.0, 0.0, 9.0], "terbuka": [1.0, 0.0, 2.0],
                          "dari_luar_register": [0.0, 0.0, 1.0],
                          "eksklusi_tanpa_rujukan": [12.0, np.nan, 20.0]})
    area = AreaView(table, hide=False)
    assert area.totals()["eksklusi_tanpa_rujukan"] == "32"  # the unknown one is not 0
    assert area.exclusion_known().startswith("Dijumlah atas 2 dari 3 kelurahan")
    assert "tidak dihitung 0" in area.exclusion_known()
