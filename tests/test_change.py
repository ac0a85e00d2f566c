"""Change between two periods per area (geo.change): the rates of both periods as
``python -m geo indicators`` gives them, the difference in points, unknown stays unknown."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo import change, store
from geo.indicator_table import indicator_table
from tests.map_fixtures import write_city


@pytest.fixture
def two_periods(tmp_path) -> tuple:
    engine = store.get_engine(f"sqlite:///{tmp_path / 'change.sqlite'}")
    first = write_city(engine, n=900, n_kelurahan=10, n_kecamatan=3, period="2026-03")
    later = first.copy()
    # the later period: a third of the households rise to desil 7, one kelurahan loses its
    # sanitation answers (unknown there, not 0)
    rng = np.random.default_rng(1)
    later.loc[rng.random(len(later)) < 0.33, "desil"] = 7
    blank = later["region_code"] == later["region_code"].iloc[0]
    later.loc[blank, ["fasilitas_bab", "jenis_kloset", "pembuangan_tinja"]] = np.nan
    write_city(engine, n=900, n_kelurahan=10, n_kecamatan=3, period="2026-09",
               households=later.drop(columns=["row_number"]))
    return engine, later["region_code"].iloc[0]


def test_periods_are_listed_oldest_first_and_the_previous_one_is_found(two_periods):
    engine, _ = two_periods
    assert change.periods(engine) == ["2026-03", "2026-09"]
    assert change.previous_period(engine) == "2026-03"
    assert change.previous_period(engine, "2026-09") == "2026-03"
    assert change.previous_period(engine, "2026-03") is None


def test_a_real_period_is_never_compared_with_the_fictional_demo(two_periods):
    engine, _ = two_periods
    with engine.begin() as conn:  # the first period is the demo city kept beside real data
        for period, demo in (("2026-03", True), ("2026-09", False)):
            conn.execute(store.snapshots.update().where(store.snapshots.c.period == period)
                         .values(is_demo=demo))
    assert change.previous_period(engine, "2026-09") is None
    assert change.previous_period(engine) is None
    assert change.previous_period(engine, "2026-03") is None


def test_change_is_the_difference_of_the_two_indicator_tables(two_periods):
    engine, _ = two_periods
    table = change.compare_tables(engine, "2026-03", "2026-09").set_index("kode")
    before = indicator_table(engine, "2026-03")[0].set_index("kode")
    after = indicator_table(engine, "2026-09")[0].set_index("kode")
    pd.testing.assert_series_equal(table["miskin_dari"], before["miskin_persen"],
                                   check_names=False)
    pd.testing.assert_series_equal(table["miskin_ke"], after["miskin_persen"],
                                   check_names=False)
    expected = (after["miskin_persen"] - before["miskin_persen"]).round(2)
    pd.testing.assert_series_equal(table["miskin_selisih"], expected, check_names=False)
    assert (table["miskin_selisih"] < 0).all()  # a third rose out of poverty everywhere


def test_a_change_is_unknown_where_either_period_is_unknown(two_periods):
    engine, blank_code = two_periods
    table = change.compare_tables(engine, "2026-03", "2026-09").set_index("kode")
    row = table.loc[blank_code]
    assert pd.notna(row["sanitasi_tidak_layak_dari"])
    assert pd.isna(row["sanitasi_tidak_layak_ke"])
    assert pd.isna(row["sanitasi_tidak_layak_selisih"])
    others = table.drop(index=blank_code)
    assert others["sanitasi_tidak_layak_selisih"].notna().all()


def test_the_compare_command_prints_the_comparison(two_periods, monkeypatch, capsys):
    import io
    import json

    from geo.cli import main

    engine, blank_code = two_periods
    monkeypatch.setenv("PETA_DB_URL", str(engine.url))
    capsys.readouterr()
    assert main(["compare", "--from", "2026-03", "--to", "2026-09", "--format", "csv"]) == 0
    printed = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"kode": str})
    expected = change.compare_tables(engine, "2026-03", "2026-09")
    pd.testing.assert_frame_equal(printed.set_index("kode")[expected.columns[2:]],
                                  expected.set_index("kode")[expected.columns[2:]],
                                  check_dtype=False)
    assert main(["compare", "--from", "2026-03", "--to", "2026-09", "--format", "json",
                 "--level", "kecamatan"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"miskin_dari", "miskin_ke", "miskin_selisih"} <= set(rows[0])
    assert main(["compare", "--from", "2026-03", "--to", "2026-09", "--format", "json"]) == 0
    blank = next(r for r in json.loads(capsys.readouterr().out) if r["kode"] == blank_code)
    assert blank["sanitasi_tidak_layak_selisih"] is None  # unknown: null, never 0


def test_pages_and_commands_open_the_newest_real_register_not_a_newer_demo(two_periods):
    engine, _ = two_periods
    with engine.begin() as conn:  # the demo city is September; the real register March
        for period, demo in (("2026-03", False), ("2026-09", True)):
            conn.execute(store.snapshots.update().where(store.snapshots.c.period == period)
                         .values(is_demo=demo))
    assert store.snapshot_for(engine)["period"] == "2026-03"
    assert store.default_period(store.list_snapshots(engine)) == "2026-03"
    assert change.previous_period(engine) is None
    with engine.begin() as conn:  # only the demo: it is what opens
        conn.execute(store.snapshots.delete().where(store.snapshots.c.period == "2026-03"))
    assert store.snapshot_for(engine)["period"] == "2026-09"


def test_a_forums_comparison_and_trend_hide_rates_over_small_counts(two_periods):
    """A rate over 1–4 households is hidden for a forum in both periods and in the trend, and
    so is the change it is part of: beside the other period's rate it gives the count back."""
    engine, _ = two_periods
    before, _ = indicator_table(engine, "2026-03", "kelurahan")
    after, _ = indicator_table(engine, "2026-09", "kelurahan")
    ind_id = next(i for i in ("tanpa_listrik_pln", "anak_tidak_sekolah", "miskin_ekstrem")
                  if change.small_rates(after, i).any())
    small = after.loc[change.small_rates(after, ind_id), "kode"]
    shown = change.compare_tables(engine, "2026-03", "2026-09")
    forum = change.compare_tables(engine, "2026-03", "2026-09", hide=True)
    rows = forum.set_index("kode").loc[small]
    assert rows[f"{ind_id}_ke_{change.HIDDEN}"].all()
    assert rows[f"{ind_id}_ke"].isna().all() and rows[f"{ind_id}_selisih"].isna().all()
    assert shown.set_index("kode").loc[small, f"{ind_id}_ke"].notna().any()
    hidden_before = change.forum_rates_hidden(before.set_index("kode"), ind_id).to_numpy()
    assert (forum[f"{ind_id}_dari_{change.HIDDEN}"].to_numpy() == hidden_before).all()
    tables = {"2026-03": before, "2026-09": after}
    code = small.iat[0]
    trend = change.trend(tables, ind_id, code, hide=True)
    assert trend["tersembunyi"].iat[-1] and np.isnan(trend["persen"].iat[-1])
    assert not change.trend(tables, ind_id, code)["tersembunyi"].any()
    from geo.change_map import change_texts, rate_texts

    texts = rows.reset_index()
    assert set(rate_texts(texts, ind_id, change.TO)) == {"–"}
    assert set(change_texts(texts, ind_id)) == {"–"}


def test_a_rate_the_forums_map_hides_to_protect_another_is_hidden_in_both_and_in_the_trend(
        two_periods):
    """A count the forum's map shows as "–" (so that the city's or its kecamatan's total
    cannot give a small one back) has its rate hidden in the comparison and the trend too:
    beside the map of that period they would show what the map hides."""
    from geo.forum import need_hidden

    engine, _ = two_periods
    after, _ = indicator_table(engine, "2026-09", "kelurahan")
    before, _ = indicator_table(engine, "2026-03", "kelurahan")
    ind_id, partners = next(
        (i, need_hidden(after, i) & ~change.small_rates(after.set_index("kode"), i))
        for i in ("miskin_ekstrem", "rtlh", "tanpa_listrik_pln", "anak_tidak_sekolah")
        if (need_hidden(after, i) & ~change.small_rates(after.set_index("kode"), i)).any())
    forum = change.compare_tables(engine, "2026-03", "2026-09", hide=True).set_index("kode")
    codes = partners.index[partners]
    assert forum.loc[codes, f"{ind_id}_ke_{change.HIDDEN}"].all()
    assert forum.loc[codes, f"{ind_id}_ke"].isna().all()
    trend = change.trend({"2026-03": before, "2026-09": after}, ind_id, codes[0], hide=True)
    assert trend["tersembunyi"].iat[-1]
