"""The shared filters: which households they keep, how they travel in the URL, what they say,
and the counts by area under a filter."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

import numpy as np
import pandas as pd
import pytest

from geo.filters import Filters
from geo.indicators import area_counts, prepare, roll_up

KEL_A, KEL_B, KEL_C = "99.71.01.1001", "99.71.01.1002", "99.71.02.1001"


@pytest.fixture
def hh() -> pd.DataFrame:
    return pd.DataFrame({
        "region_code": [KEL_A, KEL_A, KEL_B, KEL_C, KEL_C, None],
        "desil": [1, 5, 3, 4, None, 2],
        "jumlah_art": [3, 4, 2, 5, 1, 2],
        "penerima_pkh": [1, 0, 1, 1, 0, 1],
        "penerima_bpnt": [1, 0, 0, 1, 0, 0],
        "jumlah_lansia": [0, 1, 1, 0, 0, 2],
        "jumlah_balita": [1, 0, 1, 0, 0, 0],
        "jumlah_disabilitas": [0, 0, 0, 1, 0, 0],
    })


def rows(f: Filters, hh: pd.DataFrame) -> list[int]:
    return np.flatnonzero(f.mask(hh)).tolist()


def test_no_filter_keeps_everyone_including_unlinked_and_missing_desil(hh):
    assert rows(Filters(), hh) == [0, 1, 2, 3, 4, 5]
    assert Filters().is_empty


def test_area_filters(hh):
    assert rows(Filters(kecamatan=("99.71.01",)), hh) == [0, 1, 2]
    assert rows(Filters(kelurahan=(KEL_C,)), hh) == [3, 4]
    assert rows(Filters(kecamatan=("99.71.01", "99.71.02")), hh) == [0, 1, 2, 3, 4]
    # a kelurahan outside the chosen kecamatan selects nothing (both must hold)
    assert rows(Filters(kecamatan=("99.71.01",), kelurahan=(KEL_C,)), hh) == []


def test_area_filter_works_on_a_categorical_code_column(hh):
    cat = hh.assign(region_code=pd.Categorical(hh["region_code"]))
    assert rows(Filters(kecamatan=("99.71.02",)), cat) == [3, 4]


def test_desil_range_drops_missing_desil_unless_full(hh):
    assert rows(Filters(desil_min=1, desil_max=4), hh) == [0, 2, 3, 5]
    assert rows(Filters(desil_min=5, desil_max=10), hh) == [1]
    assert rows(Filters(desil_min=4, desil_max=2), hh) == [2, 3, 5]  # swapped bounds are sorted


def test_programs_must_all_be_received(hh):
    assert rows(Filters(programs=("penerima_pkh",)), hh) == [0, 2, 3, 5]
    assert rows(Filters(programs=("penerima_pkh", "penerima_bpnt")), hh) == [0, 3]


def test_vulnerable_groups_must_all_be_present(hh):
    assert rows(Filters(vulnerable=("jumlah_lansia",)), hh) == [1, 2, 5]
    assert rows(Filters(vulnerable=("jumlah_lansia", "jumlah_balita")), hh) == [2]
    assert rows(Filters(vulnerable=("jumlah_disabilitas",)), hh) == [3]


def test_filters_combine(hh):
    f = Filters(kecamatan=("99.71.01",), desil_min=1, desil_max=4, programs=("penerima_pkh",))
    assert rows(f, hh) == [0, 2]


def test_a_missing_column_selects_nothing_for_its_filter(hh):
    assert rows(Filters(programs=("penerima_kip",)), hh) == []


def test_query_round_trip_and_only_active_filters_in_the_url():
    f = Filters(kecamatan=("99.71.02", "99.71.01"), kelurahan=(KEL_A,), desil_min=1,
                desil_max=4, programs=("penerima_pkh", "penerima_bpnt"),
                vulnerable=("jumlah_balita",))
    q = f.to_query()
    assert q == {"kec": "99.71.01,99.71.02", "kel": KEL_A, "desil": "1-4",
                 "program": "bpnt,pkh", "rentan": "balita"}
    assert Filters.from_query(q) == f
    assert Filters.from_query(parse_qs(urlencode(q))) == f  # lists, as parse_qs gives
    assert Filters().to_query() == {}


def test_from_query_ignores_malformed_values():
    f = Filters.from_query({"kec": "<script>,99.71.01", "kel": "abc", "desil": "x-y",
                            "program": "pkh,nonsense", "rentan": "LANSIA"})
    assert f == Filters(kecamatan=("99.71.01",), programs=("penerima_pkh",),
                        vulnerable=("jumlah_lansia",))
    assert Filters.from_query({"desil": "3"}) == Filters(desil_min=3, desil_max=3)
    assert Filters.from_query({"desil": "0-99"}).full_desil


def test_describe_in_indonesian_with_names():
    f = Filters(kecamatan=("99.71.01",), desil_min=1, desil_max=4,
                programs=("penerima_pkh", "penerima_bpnt"), vulnerable=("jumlah_lansia",))
    text = f.describe({"99.71.01": "Serpong"})
    assert text == ("Kecamatan Serpong · desil 1–4 · menerima BPNT/Sembako dan PKH · "
                    "ada anggota lansia")
    assert Filters().describe() == "Seluruh wilayah"


def test_counts_by_area_follow_the_filter(hh):
    prepared = prepare(hh)
    f = Filters(programs=("penerima_pkh",))
    table, unlinked = area_counts(prepared, f.mask(prepared.attrs), ids=("miskin",))
    assert table.loc[KEL_A, ["rumah_tangga", "miskin"]].tolist() == [1, 1]
    assert table.loc[KEL_B, ["rumah_tangga", "miskin"]].tolist() == [1, 1]
    assert table.loc[KEL_C, ["rumah_tangga", "miskin"]].tolist() == [1, 1]
    assert unlinked["rumah_tangga"] == 1
    kec = roll_up(table, "kecamatan")
    assert kec.loc["99.71.01", "rumah_tangga"] == 2
    # the mask on the prepared columns equals the mask on the original frame
    for f in (Filters(kecamatan=("99.71.01",)), Filters(desil_min=2, desil_max=5),
              Filters(vulnerable=("jumlah_lansia",), programs=("penerima_bpnt",))):
        assert rows(f, prepared.attrs) == rows(f, hh)


def test_chosen_areas_at_every_level():
    import pandas as pd

    from geo.filters import Filters, chosen_areas

    kel = pd.DataFrame({"kode": ["36.74.01.1001", "36.74.01.1002", "36.74.02.1001"]})
    kec = pd.DataFrame({"kode": ["36.74.01", "36.74.02"]})
    kota = pd.DataFrame({"kode": ["36.74", "36.75"]})
    by_kec = Filters(kecamatan=("36.74.01",))
    assert chosen_areas(kel, by_kec, "kelurahan").tolist() == [True, True, False]
    assert chosen_areas(kec, by_kec, "kecamatan").tolist() == [True, False]
    assert chosen_areas(kota, by_kec, "kota").tolist() == [True, False]
    by_kel = Filters(kelurahan=("36.74.02.1001",))
    assert chosen_areas(kel, by_kel, "kelurahan").tolist() == [False, False, True]
    assert chosen_areas(kec, by_kel, "kecamatan").tolist() == [False, True]
    assert chosen_areas(kota, Filters(), "kota").tolist() == [True, True]


def test_areas_of_one_name_are_told_apart_by_their_parents():
    """A province holds 13 kelurahan called Mekarsari and two kecamatan called Cibeber."""
    from geo.views.common import distinct_names

    names = pd.DataFrame([
        ("36.02", "Kabupaten Lebak", "kota", "36"), ("36.72", "Kota Cilegon", "kota", "36"),
        ("36.02.01", "Cibeber", "kecamatan", "36.02"),
        ("36.72.01", "Cibeber", "kecamatan", "36.72"),
        ("36.02.02", "Maja", "kecamatan", "36.02"),
        ("36.02.01.2001", "Mekarsari", "kelurahan", "36.02.01"),
        ("36.02.02.2001", "Mekarsari", "kelurahan", "36.02.02"),
        ("36.02.01.2002", "Cibeber", "kelurahan", "36.02.01"),
        ("36.72.01.1001", "Cibeber", "kelurahan", "36.72.01"),
        ("36.02.02.2002", "Sindang", "kelurahan", "36.02.02"),
        ("36.02.02.2003", "Sindang", "kelurahan", "36.02.02"),  # twice in one kecamatan
        ("36.72.01.1002", "Kubang", "kelurahan", "36.72.01"),
    ], columns=["kode", "nama", "level", "kode_induk"])
    label = distinct_names(names)
    assert label["36.02.01"] == "Cibeber (Kabupaten Lebak)"
    assert label["36.72.01"] == "Cibeber (Kota Cilegon)"
    assert label["36.02.02"] == "Maja" and label["36.72.01.1002"] == "Kubang"
    assert label["36.02.01.2001"] == "Mekarsari (Cibeber)"
    assert label["36.02.02.2001"] == "Mekarsari (Maja)"
    assert label["36.02.01.2002"] == "Cibeber (Cibeber, Kabupaten Lebak)"
    assert label["36.72.01.1001"] == "Cibeber (Cibeber, Kota Cilegon)"
    assert label["36.02.02.2002"] != label["36.02.02.2003"]
    assert "36.02" not in label  # kecamatan and kelurahan only


def test_the_sidebar_offers_each_kelurahan_under_a_name_of_its_own(tmp_path, monkeypatch):
    """The province fixture's kota and kabupaten repeat every kecamatan and kelurahan name."""
    from streamlit.testing.v1 import AppTest

    from tests.apptest import fresh_caches
    from tests.map_fixtures import write_province

    url = write_province(tmp_path)
    monkeypatch.setenv("PETA_DB_URL", url)
    script = ("from ui import context, filters\n"
              "view = context.sidebar_period()\n"
              "filters.sidebar_filters(view)\n")
    with fresh_caches():
        at = AppTest.from_string(script, default_timeout=60).run()
        assert not at.exception, [e.value for e in at.exception]
        box = {m.label: m for m in at.sidebar.multiselect}
        kec, kel = box["Kecamatan"], box["Kelurahan/Desa"]
        for box, count in ((kec, 6), (kel, 24)):  # options: the labels shown
            assert len(box.options) == count and len(set(box.options)) == count, box.options
        assert any(s.endswith("(Kabupaten Contoh)") for s in kec.options)


def test_a_kabupaten_or_kota_filter_keeps_its_households_and_areas():
    """A province's register: ``kab`` selects a kabupaten/kota as one choice."""
    from geo.filters import chosen_areas

    hh = pd.DataFrame({"region_code": ["36.02.01.2001", "36.02.05.2003", "36.72.01.1001",
                                       None]})
    f = Filters(kota=("36.02",))
    assert rows(f, hh) == [0, 1] and f.has_area and not f.households_only.has_area
    assert rows(Filters(kota=("36.02",), kecamatan=("36.02.05",)), hh) == [1]
    assert f.to_query() == {"kab": "36.02"}
    assert Filters.from_query({"kab": "36.02,x,36.7"}) == f  # malformed codes are ignored
    assert f.describe({"36.02": "Kabupaten Lebak"}) == "Kabupaten Lebak"
    areas = pd.DataFrame({"kode": ["36.02.01", "36.02.05", "36.72.01"]})
    assert chosen_areas(areas, f, "kecamatan").tolist() == [True, True, False]
    kota = pd.DataFrame({"kode": ["36.02", "36.72"]})
    assert chosen_areas(kota, f, "kota").tolist() == [True, False]


def test_the_sidebar_offers_kabupaten_kota_only_where_there_are_several(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.apptest import fresh_caches
    from tests.map_fixtures import write_city, write_province

    script = ("import streamlit as st\n"
              "from ui import context, filters\n"
              "view = context.sidebar_period()\n"
              "st.write(repr(filters.sidebar_filters(view).kota))\n")
    monkeypatch.setenv("PETA_DB_URL", write_province(tmp_path))
    with fresh_caches():
        at = AppTest.from_string(script, default_timeout=60)
        at.query_params["kab"] = "99.01"
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        kota, kec, kel = at.sidebar.multiselect[:3]  # options: the labels shown
        assert kota.label == "Kabupaten/Kota" and kota.value == ["99.01"]
        assert kota.options == ["Kabupaten Contoh", "Kota Harapan Jaya"]
        assert len(kec.options) == 3 and all(o.endswith("(Kabupaten Contoh)")
                                             for o in kec.options)
        assert len(kel.options) == 12 and all(o.endswith("Kabupaten Contoh)") for o in kel.options)
        assert "('99.01',)" in at.markdown[0].value
    city = tmp_path / "city.sqlite"
    from geo import store

    write_city(store.get_engine(f"sqlite:///{city}"), n=300, n_kelurahan=4, n_kecamatan=2)
    monkeypatch.setenv("PETA_DB_URL", f"sqlite:///{city}")
    with fresh_caches():
        at = AppTest.from_string(script, default_timeout=60).run()
        assert [m.label for m in at.sidebar.multiselect][:2] == ["Kecamatan", "Kelurahan"]


def test_a_link_to_areas_this_data_lacks_says_so():
    """A link from another city (or an old one) does not silently show the whole area."""
    from geo.filters import ignored_areas

    offered = {"kab": {"36.02"}, "kec": {"36.02.01"}, "kel": {"36.02.01.2001"}}
    link = {"kab": "36.02", "kec": "36.02.01,36.73.05", "kel": "xx,36.02.01.2001"}
    assert ignored_areas(link, offered) == ["36.73.05", "xx"]
    assert ignored_areas({"desil": "1-4"}, offered) == []


def test_the_sidebar_warns_of_a_links_unknown_areas(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from geo import store
    from tests.apptest import fresh_caches
    from tests.map_fixtures import write_city

    city = tmp_path / "city.sqlite"
    write_city(store.get_engine(f"sqlite:///{city}"), n=300, n_kelurahan=4, n_kecamatan=2)
    monkeypatch.setenv("PETA_DB_URL", f"sqlite:///{city}")
    script = ("import streamlit as st\n"
              "from ui import context, filters\n"
              "view = context.sidebar_period()\n"
              "st.write(repr(filters.sidebar_filters(view)))\n")
    with fresh_caches():
        at = AppTest.from_string(script, default_timeout=60)
        at.query_params["kec"] = "36.73.05"
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert "36.73.05" in at.sidebar.warning[0].value.replace("\\", "")  # as markdown
        at.sidebar.multiselect[0].set_value([at.sidebar.multiselect[0].options[0]]).run()
        assert not at.sidebar.warning  # an area chosen: the note is done
    with fresh_caches():
        at = AppTest.from_string(script, default_timeout=60).run()
        assert not at.sidebar.warning
