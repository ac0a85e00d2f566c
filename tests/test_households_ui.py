"""The Data page's household-import section under AppTest: empty database, and after an import
(quarantine shown with NIK masked)."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from geo import store
from geo.households import import_households
from tests import corpus
from tests.apptest import fresh_caches

SCRIPT = """
from geo import store
from ui import import_households
import_households.render(store.get_engine())
"""


@pytest.fixture
def db_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'ui.sqlite'}"
    monkeypatch.setenv("PETA_DB_URL", url)
    with fresh_caches():  # the app's caches hold one database per process: this test's
        yield url


def test_section_runs_on_an_empty_database(db_url):
    at = AppTest.from_string(SCRIPT, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("MB" in c.value for c in at.caption)  # the size limit is stated
    assert any("Belum ada register" in i.value for i in at.info)


def test_section_shows_quarantine_masked(db_url, tmp_path):
    engine = store.get_engine(db_url)
    store.replace_regions(engine, corpus.region_table())
    path = corpus.csv_case(corpus._set(3, NIK_KRT="9971011234567"))(tmp_path)
    import_households(engine, path, "2026-09")
    at = AppTest.from_string(SCRIPT, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    frames = [df.value for df in at.dataframe]
    quarantine = next(f for f in frames if "alasan" in f.columns)
    assert len(quarantine) == 1
    values = json.loads(quarantine["nilai asli"].iat[0])
    assert "*" in values["NIK_KRT"] and "*" in values["NO_KK"]
    assert "harus 16 angka" in quarantine["alasan"].iat[0]


def test_mask_of_quarantine_json():
    from ui.import_households import _mask_json

    out = json.loads(_mask_json(json.dumps({"NIK": "3674012304850001", "NAMA": "Budi",
                                            "NOKK": "3674010101010002"})))
    assert out == {"NIK": "3674********0001", "NAMA": "Budi", "NOKK": "3674********0002"}


PREVIEW = """
import io, os
from pathlib import Path
from geo import store
from ui import import_households

path = Path(os.environ["HH_FILE"])
buf = io.BytesIO(path.read_bytes())
buf.name = path.name
import_households._preview_and_import(store.get_engine(), buf, "2026-09")
last = __import__("streamlit").session_state.get("hh_result")
if last:
    import_households._account(last["counts"], last["report"], last["source"])
"""


def test_preview_then_import_with_progress(db_url, tmp_path, monkeypatch):
    engine = store.get_engine(db_url)
    store.replace_regions(engine, corpus.region_table())
    path = corpus.pbdt_codes(tmp_path)
    monkeypatch.setenv("HH_FILE", str(path))
    at = AppTest.from_string(PREVIEW, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("pemisah" in m.value for m in at.markdown)  # the format found is stated
    # issue 12: no global code-list selectbox any more; the list is chosen per column by fit
    assert any(r"sumber\_airminum: pbdt2015" in c.value for c in at.caption)  # plain text
    at.button(key="hh_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("tersimpan" in s.value for s in at.success)
    labels = {m.label: m.value for m in at.metric}
    assert labels["Baris dibaca"] == "40" and labels["Diterima"] == "40"
    assert any("99" in w.value for w in at.warning)  # the unmapped water code is reported


def test_a_file_none_of_whose_rows_pass_is_refused_on_the_page_and_the_period_stays(
        db_url, tmp_path, monkeypatch):
    engine = store.get_engine(db_url)
    store.replace_regions(engine, corpus.region_table())
    import_households(engine, corpus.write_csv(corpus.clean(), tmp_path / "baik.csv"),
                      "2026-09")
    path = corpus.csv_case(lambda f: f.__setitem__("DESIL", 0))(tmp_path)
    monkeypatch.setenv("HH_FILE", str(path))
    at = AppTest.from_string(PREVIEW, default_timeout=60).run()
    at.checkbox(key="hh_replace_2026-09").check().run()  # the period exists: replace it
    at.button(key="hh_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    shown = [e.value.replace("\\", "") for e in at.error]  # markdown escapes taken off
    assert any("Impor gagal, data lama tidak berubah" in m and
               "tidak ada baris yang lolos pemeriksaan" in m and
               "baris 2 (juga baris lain): DESIL" in m for m in shown), shown
    snapshot = store.snapshot_for(engine, "2026-09")
    assert (snapshot["source_file"], store.household_count(engine, snapshot["id"])) == (
        "baik.csv", corpus.ROWS)


def test_preview_asks_for_an_undecided_code_list_and_offers_profiles(db_url, tmp_path,
                                                                     monkeypatch):
    """Issue 12: a column whose numbers fit two lists with other meanings (a saved office list
    and PBDT 2015) under a header of no era: the choice is shown beside the preview and the
    import waits for it; saved profiles are offered and a mapping can be saved."""
    engine = store.get_engine(db_url)
    store.replace_regions(engine, corpus.region_table())
    office = {"sumber_air_minum": {str(i): "lainnya" for i in range(1, 13)}}
    store.save_value_profile(engine, "kantor", office)
    frame = corpus.clean().drop(columns=["SUMBER_AIR_MINUM"])
    frame["AIR_MINUM"] = ([str(i) for i in range(1, 13)] * 4)[:corpus.ROWS]
    path = corpus.write_csv(frame, tmp_path / "air_seri.csv")
    monkeypatch.setenv("HH_FILE", str(path))
    at = AppTest.from_string(PREVIEW, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(r"AIR\_MINUM" in w.value and "lebih dari satu daftar" in w.value
               for w in at.warning)
    assert at.button(key="hh_import").disabled
    assert at.selectbox(key="hh_profile").options == ["(tanpa profil)", "kantor"]
    choose = at.selectbox(key="hh_codes_air_seri.csv_sumber_air_minum")
    assert choose.value == "(pilih)"
    choose.select("pbdt2015").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.button(key="hh_import").disabled
    # an operator's entry (as the value table's edit stores it) and saving it as a profile
    at.session_state["hh_values"] = {"sumber_air_minum": {"12": "air_hujan"}}
    at.text_input(key="hh_profile_name").input("Dinsos 2026").run()
    at.button(key="hh_profile_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Dinsos 2026" in s.value for s in at.success)
    assert store.load_value_profile(engine, "Dinsos 2026") == {
        "sumber_air_minum": {"12": "air_hujan"}}
    at.button(key="hh_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    snap = store.snapshot_for(engine, "2026-09")
    water = store.load_households(engine, snap["id"], ["row_number", "sumber_air_minum"])
    water = water.sort_values("row_number")["sumber_air_minum"].tolist()
    assert water[:3] == ["air_kemasan", "isi_ulang", "ledeng"] and water[11] == "air_hujan"


def test_the_demo_beside_real_data_is_marked_and_offered_for_deletion(db_url, tmp_path):
    """Not only right after an import: whenever the fictional demo sits beside a real
    register, the Data page says which period is fictional and offers to delete it."""
    from geo import accounts
    from ui.auth import SESSION_KEY

    engine = store.get_engine(db_url)
    store.replace_regions(engine, corpus.region_table())
    path = corpus.csv_case(corpus._set(3, NIK_KRT="9971011234567"))(tmp_path)
    import_households(engine, path, "2026-08", is_demo=True)
    import_households(engine, path, "2026-09")
    accounts.add_user(engine, "admin", "admin", "sandi-admin-12345")
    at = AppTest.from_string(SCRIPT, default_timeout=60)
    at.session_state[SESSION_KEY] = accounts.login(engine, "admin", "sandi-admin-12345")[1]
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    stored = next(df.value for df in at.dataframe if "Periode" in df.value.columns)
    assert stored["Periode"].tolist() == ["September 2026", "Agustus 2026 (data contoh fiktif)"]
    assert any("Periode contoh fiktif (Agustus 2026)" in i.value for i in at.info)
    assert any(b.label == "Hapus periode contoh" for b in at.button)
    box = next(s for s in at.selectbox if s.label.startswith("Lihat karantina"))
    assert box.format_func("2026-08") == "Agustus 2026"
