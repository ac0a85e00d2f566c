"""Unknown is never zero, on every page: a register exported without the house, electricity,
school, work and some program columns must show "tidak ada data" / "tidak tersedia di register
ini" where those indicators would be, never 0 %, never a colour class, never ranked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.apptest import fresh_caches, open_app_page
from tests.test_pages_planning import build_db

ABSENT = ("luas_lantai", "jenis_lantai", "jenis_dinding", "jenis_atap", "sumber_penerangan",
          "jumlah_anak_tidak_sekolah", "krt_bekerja", "penerima_kip", "penerima_blt",
          "penerima_rtlh")


@pytest.fixture(scope="module")
def partial_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("partial") / "partial.sqlite"
    build_db(path, n=1200, blank=ABSENT)
    return path


@pytest.fixture
def page(partial_db, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setenv("PETA_DB_URL", f"sqlite:///{partial_db}")
    with fresh_caches():
        yield open_app_page


def texts(at) -> str:  # noqa: ANN001
    parts = [m.value for m in at.metric] + [e.value for e in at.warning]
    parts += [e.value for e in at.caption] + [e.value for e in at.markdown]
    return "\n".join(str(p) for p in parts)


def test_map_page_shows_rtlh_as_not_in_the_register_grey_and_without_a_top_10(page):
    at = page("pages/peta.py", indikator="rtlh")
    assert at.selectbox(key="p_ind").value == "rtlh"
    assert any("tidak tersedia di register ini" in w.value and "luas_lantai" in w.value
               for w in at.warning)
    assert {m.label: m.value for m in at.metric}["Persentase"] == "tidak ada data"
    assert "0,0%" not in texts(at)
    assert len(at.dataframe) == 1  # only the table behind the map: no top-10
    assert any("Tidak ada kelurahan yang diperingkat" in c.value for c in at.caption)
    table = at.dataframe[-1].value  # the table behind the map
    assert (table["rtlh"] == "tidak ada data").all()
    assert (table["rtlh_persen"] == "tidak ada data").all()
    lived_in = table["rumah_tangga"].astype(str) != "0"  # counts as text: small ones hidden
    assert (table.loc[lived_in, "miskin"] != "tidak ada data").all()  # held data is counted


def test_map_page_counts_an_available_indicator_over_the_known(page):
    at = page("pages/peta.py", indikator="air_minum_tidak_layak")
    assert not any("tidak tersedia" in w.value for w in at.warning)
    assert {m.label: m.value for m in at.metric}["Persentase"] != "tidak ada data"
    assert len(at.dataframe) == 2 and len(at.dataframe[0].value)  # the top-10, the table


def test_priority_page_leaves_absent_indicators_out_of_the_default_weights(page):
    at = page("pages/prioritas.py")
    chosen = at.multiselect(key="prio_ids").value
    assert "rtlh" not in chosen and "anak_tidak_sekolah" not in chosen
    assert "krt_tidak_bekerja" not in chosen
    assert {"miskin", "air_minum_tidak_layak", "sanitasi_tidak_layak"} <= set(chosen)
    assert any("tidak tersedia di register ini" in c.value for c in at.caption)
    assert "0,0%" not in texts(at)


def test_coverage_page_marks_programs_the_register_lacks(page):
    at = page("pages/cakupan.py")
    metrics = {m.label: m.value for m in at.metric}
    for program in ("KIP/PIP", "BLT", "Bedah rumah (RTLH)"):
        assert metrics[program] == "–"
    assert [c.value for c in at.caption].count("tidak tersedia di register ini") == 3
    assert metrics["PKH"].endswith("%")
    assert "0,0%" not in texts(at)


def test_opd_matrix_shows_agencies_without_data_as_no_data_not_zero(page):
    at = page("pages/lintas_opd.py")
    matrix = next(d.value for d in at.dataframe if "≥ 2 OPD" in d.value.columns)
    assert (matrix["Disdik"] == "tidak ada data").all()
    assert (matrix["Disnaker"] == "tidak ada data").all()
    assert not (matrix["Dinsos"] == "tidak ada data").all()
    assert any("Disdik" in w.value and "bukan 0" in w.value for w in at.warning)
    # Perkim acts on water and sanitation, which the register holds: counted without RTLH
    assert not (matrix["Perkim/PUPR"] == "tidak ada data").all()
    assert any(i.value.startswith("Perkim/PUPR dihitung tanpa") and "RTLH" in i.value
               for i in at.info)


def test_opd_matrix_shades_cells_without_data_grey(page):
    from geo.maps import NO_DATA_COLOR
    from tests.apptest import cell_styles

    at = page("pages/lintas_opd.py")
    element = next(d for d in at.dataframe if "≥ 2 OPD" in d.value.columns)
    matrix, styles = element.value, cell_styles(element)
    disdik, dinsos = matrix.columns.get_loc("Disdik"), matrix.columns.get_loc("Dinsos")
    assert all(NO_DATA_COLOR in styles[row, disdik] for row in range(len(matrix)))
    assert any(NO_DATA_COLOR not in styles[row, dinsos] for row in range(len(matrix)))
