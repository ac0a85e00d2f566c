"""geo.periods: the one definition of a valid register period (issue 20, finding 11)."""

from __future__ import annotations

from datetime import date

import pytest

from geo import periods, store
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
