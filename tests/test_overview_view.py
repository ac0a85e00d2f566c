"""geo.views.overview_view: the overview's headline numbers are the indicator table's kota row
(and its change since the previous period, geo.change), unknown stays "tidak ada data", the
lists are the Lintas OPD and Cakupan pages' numbers, and the content is plain data."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from geo import change, store
from geo.columns import HOUSEHOLDS
from geo.fmt import fmt_int, fmt_num, fmt_pct
from geo.indicator_table import indicator_table
from geo.indicators import NO_DATA
from geo.maps import Classes, classify, legend_html
from geo.views import overview_view as ovv
from geo.views.opd_view import AGENCIES, opd_view
from tests import view_fixtures
from tests.map_fixtures import write_city


@pytest.fixture(scope="module")
def two_periods(tmp_path_factory):  # noqa: ANN001, ANN201
    """A city with August (1.800 households) and September (2.400) stored."""
    path = tmp_path_factory.mktemp("overview") / "two.sqlite"
    engine = store.get_engine(f"sqlite:///{path}")
    write_city(engine, n=1_800, period="2026-08")
    write_city(engine, n=2_400, period="2026-09")
    yield engine
    engine.dispose()


def test_headline_numbers_are_the_indicator_tables_kota_row(two_periods):
    table, compared, previous = ovv.city_numbers(two_periods, "2026-09")
    assert previous == "2026-08"
    expected, _ = indicator_table(two_periods, "2026-09", "kota")
    row = ovv.city_row(table)
    heads = {h.key: h for h in ovv.headline(row, compared.iloc[0], hide=True)}
    kota = expected.iloc[0]
    assert heads[HOUSEHOLDS].value == fmt_int(kota[HOUSEHOLDS]) == "2.400"
    for ind_id in ("miskin", "miskin_ekstrem", "air_minum_tidak_layak",
                   "sanitasi_tidak_layak", "rtlh"):
        assert heads[ind_id].value == fmt_pct(float(kota[f"{ind_id}_persen"]))
        assert heads[ind_id].detail == f"{fmt_int(kota[ind_id])} rumah tangga"
    assert heads["eksklusi"].value == fmt_int(kota["eksklusi"])  # households first


def test_change_is_geo_change_at_kota_level(two_periods):
    _, compared, _ = ovv.city_numbers(two_periods, "2026-09")
    want = change.compare_tables(two_periods, "2026-08", "2026-09", "kota").iloc[0]
    table, _, _ = ovv.city_numbers(two_periods, "2026-09")
    heads = {h.key: h for h in ovv.headline(ovv.city_row(table), compared.iloc[0])}
    for ind_id in ovv.HEADLINE_IDS:
        points = round(float(want[f"{ind_id}_selisih"]), 1)
        assert heads[ind_id].delta == points
        sign = "+" if points > 0 else "-" if points < 0 else "±"
        assert heads[ind_id].change == f"{sign}{fmt_num(abs(points), 1)} poin"
    assert heads[HOUSEHOLDS].change == "+600" and heads[HOUSEHOLDS].delta == 600


def test_first_period_has_no_change(two_periods):
    table, compared, previous = ovv.city_numbers(two_periods, "2026-08")
    assert compared is None and previous is None
    assert all(h.change is None and h.delta is None
               for h in ovv.headline(ovv.city_row(table), None))


def test_unknown_is_tidak_ada_data_never_zero():
    row = pd.Series({HOUSEHOLDS: 500, "jiwa": 1_800})
    for ind_id in ovv.HEADLINE_IDS:
        row[ind_id] = pd.NA
        row[f"{ind_id}_persen"] = np.nan
        row[f"{ind_id}_diketahui"] = 0.2
    changes = pd.Series({f"{i}_selisih": np.nan for i in ovv.HEADLINE_IDS})
    heads = ovv.headline(row, changes)
    for h in heads[1:]:
        assert h.value == NO_DATA and "0" not in h.value
        assert h.change == NO_DATA and h.delta is None
        assert "20%" in h.detail  # how much is known


def test_lists_are_the_planning_pages_numbers_and_content_is_plain_data():
    c = view_fixtures.city()
    scope = view_fixtures.scope(c)
    tops = ovv.opd_top(scope, c.names, hide=True)
    page = opd_view(scope, c.names, as_pct=False, hide=True)
    assert list(tops) == AGENCIES
    for agency in AGENCIES:
        ranking = page.agency_ranking(agency)
        counts = ranking[f"Perlu {agency}"]
        shown = ranking[counts.str.fullmatch(r"[\d.]+") & (counts != "0")].head(5)
        assert tops[agency].rows == list(zip(shown["Kelurahan"], shown[f"Perlu {agency}"]))
    gaps = ovv.coverage_gaps(scope, c.names)
    assert 0 < len(gaps) <= ovv.TOP_GAPS
    not_covered = [int(g.not_covered.replace(".", "")) for g in gaps]
    assert not_covered == sorted(not_covered, reverse=True)

    kota = view_fixtures.scope(c).table(ovv.HEADLINE_IDS)
    ov = ovv.overview(ovv.scope_row(scope), None, None,
                      {"period": "2026-09", "imported_at": "2026-10-01 08:00",
                       "accepted": 1_000, "unlinked": 25, "is_demo": True},
                      scope, c.names, "Kota Uji")
    assert "97,5% rumah tangga tertaut" in ov.freshness()
    assert "September 2026" in ov.freshness() and "1 Okt 2026" in ov.freshness()
    content = ovv.overview_content(ov)
    json.dumps(content)  # strings, numbers, lists: a PDF can lay it out
    assert content["headline"][0]["value"] == fmt_int(kota[HOUSEHOLDS].sum())
    assert content["opd_top"]["Dinsos"]["rows"][0][0] == tops["Dinsos"].rows[0][0]


def test_the_top_kelurahan_per_opd_list_no_zero_and_no_hidden_count():
    """A "most households" list of zeros read as the neediest kelurahan, and a count hidden as
    "< 5" has no rank; what is said instead tells no data, all hidden and no need apart."""
    c = view_fixtures.city(n=400)
    for hide in (True, False):
        tops = ovv.opd_top(view_fixtures.scope(c), c.names, hide=hide)
        for top in tops.values():
            assert all(count != "0" and count[0].isdigit() for _, count in top.rows)
            assert top.rows or top.none
    # every kelurahan hidden: a small city, counts 1-4 each
    few = view_fixtures.city(n=60)
    tops = ovv.opd_top(view_fixtures.scope(few), few.names, hide=True)
    assert any(top.none == ovv.OPD_NONE_HIDDEN and not top.rows for top in tops.values())
    assert all(top.text() == top.none for top in tops.values() if not top.rows)
    blank = view_fixtures.city(n=400, blank=("desil",))  # no desil: no need is known
    tops = ovv.opd_top(view_fixtures.scope(blank), blank.names, hide=False)
    assert tops["Dinsos"].text() == NO_DATA


def test_a_legend_of_one_value_shows_the_value_not_a_range():
    one = classify(np.array([29.3]))
    assert one.labels() == ["29,3"]
    assert "29,3 – 29,3" not in legend_html("Miskin", "%", one, False)
    alike = classify(np.array([12.0, 12.0, np.nan]))
    assert alike.labels() == ["12,0"]
    assert Classes((10.0, 20.0), ("#fff", "#000"), 5.0).labels() == ["5,0 – 10,0",
                                                                      "10,0 – 20,0"]


def test_an_account_limited_to_a_kecamatan_gets_that_kecamatans_numbers():
    from geo import indicators
    from geo.filters import Filters

    c = view_fixtures.city()
    kec = c.kecamatan["kode"].iat[0]
    row = ovv.scope_row(view_fixtures.scope(c, Filters(kecamatan=(kec,))))
    kel, _ = indicators.area_counts(view_fixtures.prepared(c), ids=ovv.HEADLINE_IDS)
    want = indicators.roll_up(kel, "kecamatan").loc[kec]
    heads = {h.key: h for h in ovv.headline(row, None)}
    assert heads[HOUSEHOLDS].value == fmt_int(want[HOUSEHOLDS])
    assert heads["miskin"].value == fmt_pct(float(want["miskin_persen"]))


def test_a_province_is_headlined_as_the_province_not_its_largest_kabupaten(tmp_path):
    """A register over a kota and a kabupaten: the headline counts both (it showed the one
    with most households), named as the province, and its change is the province's."""
    from tests.map_fixtures import write_province

    url = write_province(tmp_path, (("2026-09", 2_000), ("2026-10", 3_000)))
    engine = store.get_engine(url)
    try:
        table, compared, previous = ovv.city_numbers(engine, "2026-10")
        row = ovv.city_row(table)
        kota, _ = indicator_table(engine, "2026-10", "kota")
        assert len(kota[kota[HOUSEHOLDS] > 0]) == 2
        province, _ = indicator_table(engine, "2026-10", "provinsi")
        whole, _ = indicator_table(engine, "2026-10", "semua")
        assert row[HOUSEHOLDS] == kota[HOUSEHOLDS].sum() == whole[HOUSEHOLDS].iat[0] == 3_000
        assert row["nama"] == "Provinsi Contoh" and row["kode"] == "99"
        heads = {h.key: h for h in ovv.headline(row, compared.set_index("kode").loc["99"])}
        assert heads[HOUSEHOLDS].value == "3.000" and heads[HOUSEHOLDS].change == "+1.000"
        before, _ = indicator_table(engine, previous, "provinsi")
        for ind_id in ("miskin", "rtlh"):
            assert row[f"{ind_id}_persen"] == province[f"{ind_id}_persen"].iat[0] == \
                whole[f"{ind_id}_persen"].iat[0]
            points = round(float(row[f"{ind_id}_persen"] - before[f"{ind_id}_persen"].iat[0]),
                           1)
            assert heads[ind_id].delta == points
    finally:
        engine.dispose()


def test_a_share_known_whose_denominator_a_forum_sees_hidden_is_not_shown():
    """The share known is denominator ÷ population: hidden with either (an account's area
    whose total the map hides), shown otherwise."""
    ind_id = ovv.HEADLINE_IDS[0]
    row = pd.Series({HOUSEHOLDS: 500, "jiwa": 1_800})
    for i in ovv.HEADLINE_IDS:
        row[i] = pd.NA
        row[f"{i}_persen"] = np.nan
        row[f"{i}_penyebut"], row[f"{i}_semesta"], row[f"{i}_diketahui"] = 40, 50, 0.8
    for hidden_column in (f"{ind_id}_penyebut", f"{ind_id}_semesta"):
        heads = {h.key: h for h in ovv.headline(row, None, hide=True,
                                                hidden={ind_id: frozenset({hidden_column})})}
        assert ovv.SHARE_HIDDEN in heads[ind_id].detail and "80%" not in heads[ind_id].detail
        other = ovv.HEADLINE_IDS[1]
        assert "80%" in heads[other].detail
    heads = {h.key: h for h in ovv.headline(row, None, hide=False,
                                            hidden={ind_id: frozenset({f"{ind_id}_penyebut"})})}
    assert "80%" in heads[ind_id].detail
