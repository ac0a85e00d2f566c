"""What the areas are called on the planning pages follows their codes
(:func:`geo.codes.level_word`): a kabupaten's desa are "Desa", a kota's "Kelurahan", a
province's both "Kelurahan/Desa" — in table headers, titles and the sidebar (AppTest of the
real pages on a province of a kota and a kabupaten)."""

from __future__ import annotations

import pytest

from tests.apptest import fresh_caches, open_app_page
from tests.map_fixtures import write_province


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> str:
    return write_province(tmp_path_factory.mktemp("words"),
                          (("2026-06", 1_500), ("2026-10", 3_000)))


def texts(at) -> list[str]:  # noqa: ANN001
    return [e.value for kind in ("markdown", "subheader", "caption") for e in at.get(kind)]


def headers(at) -> set[str]:  # noqa: ANN001
    return {str(c) for d in at.dataframe for c in d.value.columns}


@pytest.mark.parametrize("kab, word", [("99.01", "Desa"), ("99.71", "Kelurahan"),
                                       (None, "Kelurahan/Desa")])
def test_the_planning_pages_call_a_kabupatens_areas_desa(province, monkeypatch, kab, word):
    monkeypatch.setenv("PETA_DB_URL", province)
    query = {"kab": kab} if kab else {}
    others = {"Desa", "Kelurahan", "Kelurahan/Desa"} - {word}
    with fresh_caches():
        at = open_app_page("pages/peta.py", **query)
        assert f"10 {word.lower()} dengan kondisi terburuk" in " ".join(texts(at))
        assert word in headers(at) and not others & headers(at)
        at.switch_page("pages/cakupan.py")
        at.run()
        assert not at.exception
        assert f"Cakupan semua program per {word.lower()}" in texts(at)
        assert word in headers(at) and not others & headers(at)
        at.switch_page("pages/lintas_opd.py")
        at.run()
        assert not at.exception
        assert f"Matriks {word.lower()} × OPD" in texts(at)
        assert word in headers(at) and not others & headers(at)
        at.switch_page("pages/prioritas.py")
        at.run()
        assert not at.exception
        assert word in headers(at) and not others & headers(at)
        at.switch_page("pages/ringkasan.py")  # the whole register's, filters aside
        at.run()
        assert not at.exception
        assert "Kelurahan/Desa terendah" in headers(at)


def test_the_sidebar_and_the_data_quality_page_name_the_whole_provinces_areas(province,
                                                                              monkeypatch):
    monkeypatch.setenv("PETA_DB_URL", province)
    with fresh_caches():
        at = open_app_page("pages/peta.py", kab="99.01")
        assert [m.label for m in at.sidebar.multiselect][:3] == [
            "Kabupaten/Kota", "Kecamatan", "Kelurahan/Desa"]
        at.switch_page("pages/kualitas_data.py")
        at.run()
        assert not at.exception
        assert "Tabel kualitas data per kelurahan/desa" in texts(at)


def test_comparing_periods_names_a_provinces_areas(province, monkeypatch):
    monkeypatch.setenv("PETA_DB_URL", province)
    with fresh_caches():
        at = open_app_page("pages/peta.py", kab="99.01")
        at.segmented_control(key="p_mode").set_value("banding").run()
        assert not at.exception, [e.value for e in at.exception]
        assert "Kelurahan/Desa" in at.radio(key="c_level").options
        assert "Tabel perubahan per kelurahan/desa" in texts(at)
        at.segmented_control(key="p_mode").set_value("pindah").run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.selectbox(key="c_moves_kel").label == "Kelurahan/Desa"
        assert "Perpindahan per kelurahan/desa" in texts(at)
