"""The command line's per-area tables for a forum (geo.forum_tables): what a pimpinan or forum
account's pages hide, its ``python -m geo indicators | compare | referrals | transitions``
hide too; a count of 1–4 never reaches their output."""

from __future__ import annotations

import argparse
import io
import json
import sys
from contextlib import redirect_stderr, redirect_stdout

import pandas as pd
import pytest

from geo import forum, indicators, snapshot_cache, store, transitions
from geo.cli import build_parser, main
from geo.columns import HOUSEHOLDS, columns
from geo.exports.areas import HIDDEN_FIELD
from geo.referrals import measures
from geo.suppression import hidden_cells
from geo.views.referral_view import AreaView
from tests.access_fixtures import PASSWORD, real_city
from tests.referral_fixtures import generated_log, write
from tests.test_transitions import FROM, TO, moved  # noqa: F401  (the fixture)

SHARE = indicators.DEFAULT_SETTINGS.min_known_share


def run_cli(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old, sys.stdin = sys.stdin, io.StringIO(stdin)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(list(argv))
    finally:
        sys.stdin = old
    return code, out.getvalue(), err.getvalue()


def table_of(*argv: str, user: str | None = None) -> pd.DataFrame:
    extra = ("--user", user) if user else ()
    code, out, err = run_cli(*argv, "--format", "json", *extra,
                             stdin=PASSWORD + "\n" if user else "")
    assert code == 0, err
    return pd.DataFrame(json.loads(out))


def small_shown(table: pd.DataFrame, counts: list[str]) -> list[tuple[str, str]]:
    """(kode, column) of every count of 1–4 the table shows."""
    return [(k, c) for c in counts for k, v in zip(table["kode"], table[c])
            if v is not None and not pd.isna(v) and 0 < float(v) < 5]


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("forum_tables") / "real.sqlite"
    info = real_city(path)
    info["url"] = f"sqlite:///{path}"
    return info


@pytest.fixture
def in_city(city, monkeypatch) -> dict:
    monkeypatch.setenv("PETA_DB_URL", city["url"])
    return city


def map_cells(url: str, level: str) -> dict[str, pd.DataFrame]:
    """Per indicator, the map page's cells of a forum at ``level`` (geo.forum.cells over
    every kelurahan), as text."""
    engine = store.get_engine(url)
    snapshot = store.snapshot_for(engine, None)
    households = snapshot_cache.load_households_fast(engine, snapshot,
                                                     list(indicators.RULE_COLUMNS))
    prepared = indicators.prepare(households, indicators.DEFAULT_SETTINGS)
    kel, _ = indicators.area_counts(prepared, ids=tuple(i.id for i in indicators.INDICATORS),
                                    detail=())
    return {i.id: forum.cells(kel, i.id, SHARE, level=level) for i in indicators.INDICATORS}


@pytest.mark.parametrize("level", ["kelurahan", "kecamatan", "kota"])
def test_a_forum_accounts_indicator_table_hides_what_its_map_hides(in_city, level):
    shown = table_of("indicators", "--level", level, user="forum").set_index("kode")
    plain = table_of("indicators", "--level", level).set_index("kode")  # the administrator
    ids = [i.id for i in indicators.INDICATORS]
    counts = [HOUSEHOLDS, *ids, *(columns(i).denominator for i in ids)]
    assert small_shown(plain.reset_index(), counts), "the city has small counts"
    assert small_shown(shown.reset_index(), counts) == []
    assert not [c for c in shown.columns if c.endswith(forum.FLAG)]
    hidden_somewhere = 0
    for ind_id, cells in map_cells(in_city["url"], level).items():
        c = columns(ind_id)
        secret = forum.hidden(cells).reindex(shown.index, fill_value=False)
        gone = {col: shown[col].isna() & plain[col].notna() for col in
                (c.count, c.denominator, c.rate, c.known, HOUSEHOLDS, "jiwa")}
        assert (gone[c.count] == secret[c.count]).all(), ind_id
        assert (gone[c.denominator] == secret[c.denominator]).all(), ind_id
        assert (gone[c.rate] == (secret[c.count] | secret[c.denominator])
                & plain[c.rate].notna()).all(), ind_id
        assert (gone[c.known] == (secret[c.denominator] | secret[c.population])).all(), ind_id
        assert (gone[HOUSEHOLDS] == secret[HOUSEHOLDS]).all()
        assert (gone["jiwa"] == secret[HOUSEHOLDS]).all()
        hidden_somewhere += int(secret[c.count].sum())
        for code in shown.index[secret[c.count].to_numpy()]:  # named where it is empty
            assert c.count in shown.at[code, HIDDEN_FIELD].split(", ")
    assert hidden_somewhere, "the city has hidden counts at this level"
    # shown cells are the plain table's
    for column in plain.columns.drop("nama"):
        both = shown[column].notna()
        assert (shown.loc[both, column].astype(float)
                == plain.loc[both, column].astype(float)).all(), column


def test_who_sees_small_counts_on_the_command_line(in_city):
    ids = [i.id for i in indicators.INDICATORS]

    def small(user: str | None = None, *extra: str) -> bool:
        return bool(small_shown(table_of("indicators", *extra, user=user), ids))

    assert small()  # the server's administrator, as asked
    assert not small(None, "--hide-small")
    assert small("perencana")  # a role that may see them, not asking to hide
    assert not small("perencana", "--hide-small")
    assert not small("pimpinan") and not small("forum")  # always hidden for these two
    code, _, err = run_cli("indicators", "--level", "semua", "--user", "forum",
                           stdin=PASSWORD + "\n")
    assert code == 1 and "hanya tersedia per kelurahan, kecamatan atau kota" in err
    code, _, err = run_cli("indicators", "--level", "provinsi", "--hide-small")
    assert code == 1 and "bukan pada tingkat provinsi" in err


def test_a_scoped_forums_table_is_cut_from_the_suppression_of_every_area(in_city):
    """A kelurahan's cells are the same whoever asks: decided over the whole city, then cut
    to the user's area (a suppression over one kecamatan alone would hide other cells, and
    the two readings together would give a count back)."""
    from geo import accounts

    engine = store.get_engine(in_city["url"])
    if "forum_kec" not in {u.name for u in accounts.list_users(engine)}:
        accounts.add_user(engine, "forum_kec", "forum", PASSWORD, areas=[in_city["kecamatan"]])
    whole = table_of("indicators", user="forum").set_index("kode")
    mine = table_of("indicators", user="forum_kec").set_index("kode")
    assert set(c[:8] for c in mine.index) == {in_city["kecamatan"]}
    texts = ["nama", HIDDEN_FIELD]
    assert mine[texts].equals(whole.loc[mine.index, texts])
    pd.testing.assert_frame_equal(mine.drop(columns=texts).astype(float),
                                  whole.loc[mine.index].drop(columns=texts).astype(float))


def test_the_forums_moves_hide_what_the_perubahan_page_hides(moved, monkeypatch):  # noqa: F811
    engine = moved[0]
    monkeypatch.setenv("PETA_DB_URL", str(engine.url))
    plain = table_of("transitions", "--from", FROM, "--to", TO)
    code, out, err = run_cli("transitions", "--from", FROM, "--to", TO, "--format", "json",
                             "--hide-small")
    assert code == 0 and err == ""  # no totals: they hold every area and the unlinked
    shown = pd.DataFrame(json.loads(out))
    assert not [c for c in shown.columns if c.startswith("desil_") and "_ke_" in c]
    counted = list(transitions.COUNTED)
    assert small_shown(plain, counted) and small_shown(shown, counted) == []
    page = transitions.counts_shown(transitions.transitions(engine, FROM, TO).table, True)
    page = page.reindex(shown["kode"])
    for column in transitions.SUMMARY:
        assert (shown[column].isna().to_numpy() == hidden_cells(page[column])).all(), column
    code, _, err = run_cli("transitions", "--from", FROM, "--to", TO, "--level", "kecamatan",
                           "--hide-small")
    assert code == 1 and "hanya tersedia per kelurahan" in err


def test_the_forums_comparison_is_the_perubahan_pages_download(moved, monkeypatch):  # noqa: F811
    from geo import change

    engine = moved[0]
    monkeypatch.setenv("PETA_DB_URL", str(engine.url))
    shown = table_of("compare", "--from", FROM, "--to", TO, "--hide-small")
    page = change.compare_tables(engine, FROM, TO, hide=True)
    as_json = pd.DataFrame(json.loads(page.to_json(orient="records")))
    pd.testing.assert_frame_equal(shown, as_json, check_dtype=False)
    flags = [c for c in shown.columns if c.endswith("_tersembunyi")]
    assert flags and shown[flags].to_numpy().any(), "the city has hidden rates"


def test_the_forums_referrals_hide_what_the_rujukan_page_hides(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'ruj.sqlite'}"
    monkeypatch.setenv("PETA_DB_URL", url)
    truth = generated_log(store.get_engine(url), n_in=60, n_out=6)
    assert run_cli("import-referrals", str(write(truth.log, tmp_path)))[0] == 0
    plain = table_of("referrals")
    shown = table_of("referrals", "--hide-small")
    counted = ["rujukan", "terbuka", "dari_luar_register", "eksklusi_dirujuk",
               "eksklusi_tanpa_rujukan", "eksklusi"]
    assert small_shown(plain, counted) and small_shown(shown, counted) == []
    engine = store.get_engine(url)
    area = AreaView(measures.area_table(measures.load_joined(engine, None),
                                        store.region_list(engine), forum=True), hide=True)
    texts = area.count_texts().reindex(shown["kode"])
    for column in texts.columns:
        assert (shown[column].isna().to_numpy() == hidden_cells(texts[column])).all(), column
    per_1000 = shown["rujukan_per_1000"].isna() & plain["rujukan_per_1000"].notna()
    assert (per_1000.to_numpy() == area.rate_hidden.reindex(shown["kode"]).to_numpy()).all()
    code, _, err = run_cli("referrals", "--level", "kota", "--hide-small")
    assert code == 1 and "hanya tersedia per kelurahan" in err


def test_the_area_commands_take_the_same_hide_option():
    commands = next(a for a in build_parser()._actions
                    if isinstance(a, argparse._SubParsersAction)).choices
    having = {name for name, sub in commands.items()
              if any("--hide-small" in a.option_strings for a in sub._actions)}
    assert having == {"indicators", "compare", "referrals", "transitions", "sheet", "kartu"}
