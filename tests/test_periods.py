"""geo.periods: the one definition of a valid period (issue 20, finding 11), the period a file
is about, and the stored periods (listing, replacing only when asked, deleting)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from geo import audit, periods, snapshot_cache, store
from geo.cli import exit_codes, main
from geo.households import ImportFailed, import_households
from tests import corpus

TODAY = date(2026, 12, 5)


@pytest.mark.parametrize("text", ["2099-01", "9999-12", "0000-01", "1900-01", "1999-12",
                                  "2027-02", "2026-13", "2026-9", "2026-09x", "x2026-09",
                                  "2026-09\n2026-10", "", None])
def test_periods_outside_2000_01_to_next_month_or_not_written_exactly_are_refused(text):
    with pytest.raises(periods.PeriodError, match="Periode"):
        periods.parse(text, TODAY)
    assert not periods.is_valid(text, TODAY)


def test_a_period_is_stripped_and_may_be_next_month():
    assert periods.parse("2026-09\n", TODAY) == "2026-09"
    assert periods.parse(" 2000-01 ", TODAY) == "2000-01"
    assert periods.parse("2027-01", TODAY) == "2027-01" == periods.last(TODAY)
    assert periods.last(date(2026, 5, 31)) == "2026-06"


def test_an_import_refuses_a_future_period_and_stores_a_stripped_one(tmp_path):
    engine = corpus.engine_with_regions(tmp_path)
    path = corpus.write_csv(corpus.clean(), tmp_path / "register.csv")
    with pytest.raises(ImportFailed, match=r"Periode 2099-01 di luar rentang yang sah"):
        import_households(engine, path, "2099-01")
    import_households(engine, path, "2026-09")
    import_households(engine, path, "2026-09\n")  # the same period, replaced; not a second
    assert store.list_snapshots(engine)["period"].tolist() == ["2026-09"]


def test_the_cli_says_why_a_period_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PETA_DB_URL", f"sqlite:///{tmp_path / 'x.sqlite'}")
    path = corpus.write_csv(corpus.clean(), tmp_path / "register.csv")
    assert main(["import-households", str(path), "--period", "0000-01"]) == exit_codes.FAILED
    assert "Periode 0000-01 di luar rentang yang sah: 2000-01 sampai" in capsys.readouterr().err


@pytest.mark.parametrize(("text", "period"), [
    ("Kondisi: Oktober 2026", "2026-10"),
    ("Kota Harapan Jaya, September 2026", "2026-09"),
    ("dtks_2026-10", "2026-10"),
    ("DTKS Okt-2026 final", "2026-10"),
    ("export_202603_kota", "2026-03"),
    ("data 03/2026", "2026-03"),
    ("Nopember 2025", "2025-11"),
    ("register rumah tangga", None),
    ("versi 2", None),
])
def test_a_period_is_read_from_a_title_or_a_file_name(text, period):
    assert periods.period_in_text(text) == period


def test_the_title_row_wins_over_the_file_name(tmp_path):
    path = corpus.title_rows(tmp_path)  # "Kota Harapan Jaya, September 2026" above the header
    renamed = path.rename(tmp_path / "dtks_2026-10.csv")
    assert periods.propose(renamed) == ("2026-09", "baris judul berkas (Kota Harapan Jaya, "
                                                   "September 2026)")


def test_without_a_title_the_file_name_proposes_the_period(tmp_path):
    path = corpus.write_csv(corpus.clean(), tmp_path / "dtks_2026-10.csv")
    assert periods.propose(path) == ("2026-10", "nama berkas (dtks_2026-10.csv)")
    plain = corpus.write_csv(corpus.clean(), tmp_path / "register.csv")
    assert periods.propose(plain) == (None, "")


def test_a_title_row_in_an_excel_sheet_proposes_the_period(tmp_path):
    rows = [["Kondisi: Oktober 2026"], [], *corpus._rows(corpus.clean())]
    path = corpus._xlsx(tmp_path, "register.xlsx", {"Data": rows})
    assert periods.propose(path)[0] == "2026-10"


@pytest.fixture
def imported(tmp_path, monkeypatch):
    """Two periods imported through the command line into a database with regions."""
    from geo.cli import main

    monkeypatch.setenv("PETA_DB_URL", f"sqlite:///{tmp_path / 'corpus.sqlite'}")
    monkeypatch.setenv("PETA_CACHE_DIR", str(tmp_path / "cache"))
    engine = corpus.engine_with_regions(tmp_path)
    path = corpus.csv_case(lambda f: None)(tmp_path)
    for period in ("2026-09", "2026-10"):
        assert main(["import-households", str(path), "--period", period, "--json"]) in (0, 3)
    return engine, path


def _households(engine) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql_query("SELECT * FROM households ORDER BY snapshot_id, row_number",
                                 conn)


def test_importing_into_an_existing_period_without_replace_fails_and_changes_nothing(
        imported, capsys):
    from geo.cli import main

    engine, path = imported
    before = (store.list_snapshots(engine), _households(engine), audit.entries(engine))
    capsys.readouterr()
    assert main(["import-households", str(path), "--period", "2026-09"]) == 1
    err = capsys.readouterr().err
    assert "2026-09" in err and "--replace" in err and "tidak ada yang berubah" in err
    pd.testing.assert_frame_equal(store.list_snapshots(engine), before[0])
    pd.testing.assert_frame_equal(_households(engine), before[1])
    assert len(audit.entries(engine)) == len(before[2])
    assert main(["import-households", str(path), "--period", "2026-09", "--replace",
                 "--json"]) in (0, 3)
    assert audit.entries(engine)["tindakan"].iat[-1] == "period_replaced"


def test_deleting_a_period_removes_it_and_its_cache_and_nothing_else(imported, capsys):
    from geo.cli import main

    engine, _ = imported
    gone, kept = store.snapshot_for(engine, "2026-09"), store.snapshot_for(engine, "2026-10")
    gone_cache = snapshot_cache.cache_path(engine, gone)
    kept_cache = snapshot_cache.cache_path(engine, kept)
    assert gone_cache.exists() and kept_cache.exists()
    kept_rows = _households(engine).query(f"snapshot_id == {kept['id']}")
    with engine.begin() as conn:  # a quarantined row of the period that goes
        conn.execute(store.quarantine.insert().values(snapshot_id=gone["id"], row_number=99,
                                                      values_json="{}", reasons="uji"))
    regions = store.region_count(engine)
    capsys.readouterr()
    assert main(["periods", "delete", "2026-09"]) == 0
    assert "Periode 2026-09 dihapus" in capsys.readouterr().out
    assert store.list_snapshots(engine)["period"].tolist() == ["2026-10"]
    pd.testing.assert_frame_equal(_households(engine).reset_index(drop=True),
                                  kept_rows.reset_index(drop=True))
    assert store.load_quarantine(engine, gone["id"]).empty
    assert not gone_cache.exists() and kept_cache.exists()
    assert store.region_count(engine) == regions
    last = audit.entries(engine).iloc[-1]
    assert last["tindakan"] == "period_deleted" and '"periode": "2026-09"' in last["rincian"]
    assert last["pengguna"] == audit.CLI_USER
    assert main(["periods", "delete", "2026-09"]) == 1  # gone: said so, non-zero
    assert "tidak ada" in capsys.readouterr().err


def test_periods_list_names_each_period(imported, capsys):
    from geo.cli import main

    capsys.readouterr()
    assert main(["periods", "list", "--format", "json"]) == 0
    import json

    listed = json.loads(capsys.readouterr().out)
    assert [p["periode"] for p in listed] == ["2026-10", "2026-09"]
    assert listed[0]["nama"] == "Oktober 2026"
    assert listed[0]["rumah_tangga"] == corpus.ROWS and listed[0]["contoh"] is False


def test_demo_periods_are_the_fictional_ones(tmp_path):
    from tests.map_fixtures import write_city

    engine = store.get_engine(f"sqlite:///{tmp_path / 'demo.sqlite'}")
    write_city(engine, n=50, n_kelurahan=4, n_kecamatan=2)  # written as demo
    assert periods.demo_periods(engine) == ["2026-09"]


PREVIEW = """
import io, os
from pathlib import Path
from geo import store
from ui import import_households

path = Path(os.environ["HH_FILE"])
buf = io.BytesIO(path.read_bytes())
buf.name = path.name
import_households._preview_and_import(store.get_engine(), buf, "2026-09")
"""


def test_the_app_asks_before_an_import_replaces_a_period(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from geo.households import import_households

    url = f"sqlite:///{tmp_path / 'ui.sqlite'}"
    monkeypatch.setenv("PETA_DB_URL", url)
    monkeypatch.setenv("PETA_CACHE_DIR", str(tmp_path / "cache"))
    engine = store.get_engine(url)
    store.replace_regions(engine, corpus.region_table())
    path = corpus.csv_case(lambda f: None)(tmp_path)
    import_households(engine, path, "2026-09")
    stamp = store.snapshot_for(engine, "2026-09")["imported_at"]
    monkeypatch.setenv("HH_FILE", str(path))
    at = AppTest.from_string(PREVIEW, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("sudah ada" in w.value and "2026-09" in w.value for w in at.warning)
    assert at.button(key="hh_import").disabled  # not before the user says yes
    at.checkbox(key="hh_replace_2026-09").check().run()
    assert not at.button(key="hh_import").disabled
    at.button(key="hh_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert store.snapshot_for(engine, "2026-09")["imported_at"] != stamp


MANAGE = """
import os
import streamlit as st
from geo import store
from geo.accounts import User
from ui import periods as ui_periods

st.session_state["_peta_visitor"] = User(os.environ["TEST_USER"], os.environ["TEST_ROLE"])
ui_periods.offer_demo_delete(store.get_engine())
ui_periods.manage(store.get_engine())
"""


@pytest.fixture
def demo_and_real(tmp_path, monkeypatch):
    from geo.snapshot_writer import write_snapshot
    from tests.map_fixtures import write_city

    url = f"sqlite:///{tmp_path / 'manage.sqlite'}"
    monkeypatch.setenv("PETA_DB_URL", url)
    monkeypatch.setenv("PETA_CACHE_DIR", str(tmp_path / "cache"))
    engine = store.get_engine(url)
    households = write_city(engine, n=200, n_kelurahan=4, n_kecamatan=2)  # the demo, 2026-09
    write_snapshot(engine, "2026-10", "dtks_2026-10.csv", households,
                   pd.DataFrame(columns=["row_number", "values_json", "reasons"]),
                   {"rows_read": 200, "accepted": 200})
    return engine


def test_the_app_offers_to_delete_the_demo_once_real_data_is_in(demo_and_real, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("TEST_USER", "operator1")
    monkeypatch.setenv("TEST_ROLE", "operator")
    at = AppTest.from_string(MANAGE, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("September 2026" in i.value for i in at.info)
    at.button(key="hh_delete_demo").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert store.list_snapshots(demo_and_real)["period"].tolist() == ["2026-10"]
    last = audit.entries(demo_and_real).iloc[-1]
    assert last["tindakan"] == "period_deleted" and last["pengguna"] == "operator1"
    assert not any("contoh fiktif" in i.value for i in at.info)  # offered no more


def test_deleting_a_period_in_the_app_needs_a_yes_and_the_right_role(demo_and_real,
                                                                      monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("TEST_USER", "perencana1")
    monkeypatch.setenv("TEST_ROLE", "perencana")
    at = AppTest.from_string(MANAGE, default_timeout=60).run()
    assert not at.exception and not at.button and not at.info  # not offered to a planner
    monkeypatch.setenv("TEST_USER", "admin1")
    monkeypatch.setenv("TEST_ROLE", "admin")
    at = AppTest.from_string(MANAGE, default_timeout=60).run()
    at.selectbox(key="hh_delete_period").set_value("2026-10").run()
    assert at.button(key="hh_delete_button").disabled
    at.checkbox(key="hh_delete_sure_2026-10").check().run()
    at.button(key="hh_delete_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert store.list_snapshots(demo_and_real)["period"].tolist() == ["2026-09"]
