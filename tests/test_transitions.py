"""Households across two periods (geo.transitions, ``python -m geo transitions``): two
generated periods with known moves give exactly those counts per kelurahan; an id found twice is
reported as ambiguous and counted in nothing else; NIK is matched only through its keyed hash."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from geo import keyed_ids, store, transitions
from tests.map_fixtures import write_city

FROM, TO = "2026-03", "2026-09"


def _design(first: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The earlier and the later period, and the expected counts per kelurahan."""
    first = first.drop(columns=["row_number"]).copy()
    first["desil"] = 6
    first[["penerima_pkh", "penerima_bpnt"]] = 0
    codes = sorted(first["region_code"].unique())
    x, y, z = codes[0], codes[1], codes[2]
    in_x = first.index[first["region_code"] == x]
    in_y = first.index[first["region_code"] == y]
    in_z = first.index[first["region_code"] == z]
    a, c, f = in_x[:10], in_x[10:14], in_x[14:15]
    b, d = in_y[:5], in_y[5:11]
    g = in_z[:2]
    first.loc[a, "desil"] = 2
    first.loc[b, "desil"] = 8
    first.loc[c, "penerima_pkh"] = 1
    first.loc[f, "desil"] = 1
    first.loc[g, "penerima_bpnt"] = 1
    later = first.copy()
    later.loc[a, "desil"] = 7  # 10 leave poverty in X
    later.loc[b, "desil"] = 3  # 5 fall into it in Y
    later.loc[c, "penerima_pkh"] = 0  # 4 stop receiving PKH in X
    later.loc[g, "penerima_bpnt"] = 0  # 2 stop receiving BPNT in Z
    later.loc[f, ["desil", "region_code"]] = [6, z]  # moved house X -> Z and out of poverty
    later = later.drop(index=d)  # 6 leave the register in Y
    new = first.loc[in_z[2:5]].copy()
    new["id_keluarga"] = ["BARU1", "BARU2", "BARU3"]  # 3 enter in Z
    later = pd.concat([later, new], ignore_index=True)
    n = {code: int((first["region_code"] == code).sum()) for code in codes}
    expected = {code: dict.fromkeys(transitions.SUMMARY, 0) for code in codes}
    for code in codes:
        expected[code]["cocok"] = n[code]
    expected[x].update(cocok=n[x] - 1, keluar_miskin=10, lulus_pkh=4, bersih_keluar_miskin=10)
    expected[y].update(cocok=n[y] - 6, keluar=6, jatuh_miskin=5, bersih_keluar_miskin=-5)
    expected[z].update(cocok=n[z] + 1, baru=3, lulus_bpnt=2, keluar_miskin=1,
                       bersih_keluar_miskin=1)
    pairs = {code: {} for code in codes}
    pairs[x] = {(2, 7): 10, (6, 6): n[x] - 11}
    pairs[y] = {(8, 3): 5, (6, 6): n[y] - 11}
    pairs[z] = {(1, 6): 1, (6, 6): n[z]}
    for code in codes[3:]:
        pairs[code] = {(6, 6): n[code]}
    return first, later, {"summary": expected, "pairs": pairs, "codes": (x, y, z)}


@pytest.fixture
def moved(tmp_path):
    engine = store.get_engine(f"sqlite:///{tmp_path / 'moves.sqlite'}")
    generated = write_city(engine, n=600, n_kelurahan=6, n_kecamatan=2, period=FROM)
    first, later, expected = _design(generated)
    write_city(engine, n=600, n_kelurahan=6, n_kecamatan=2, period=FROM, households=first)
    write_city(engine, n=600, n_kelurahan=6, n_kecamatan=2, period=TO, households=later)
    return engine, expected, first, later


def _check(table: pd.DataFrame, expected: dict) -> None:
    table = table.set_index("kode")
    for code, counts in expected["summary"].items():
        got = {k: int(table.at[code, k]) for k in transitions.SUMMARY}
        assert got == counts, code
        pairs = {(a, b): int(table.at[code, transitions.pair_column(a, b)])
                 for a in transitions.DESIL for b in transitions.DESIL
                 if table.at[code, transitions.pair_column(a, b)]}
        assert pairs == expected["pairs"][code], code


def test_known_moves_give_exactly_those_counts_per_kelurahan(moved):
    engine, expected, _, _ = moved
    result = transitions.transitions(engine, FROM, TO)
    _check(result.table, expected)
    assert result.totals["baru"] == 3 and result.totals["keluar"] == 6
    assert result.totals["ambigu"] == 0


def test_the_command_prints_the_same_counts(moved, monkeypatch, capsys):
    from geo.cli import main

    engine, expected, _, _ = moved
    monkeypatch.setenv("PETA_DB_URL", str(engine.url))
    capsys.readouterr()
    assert main(["transitions", "--from", FROM, "--to", TO, "--format", "json"]) == 0
    _check(pd.DataFrame(json.loads(capsys.readouterr().out)), expected)
    assert main(["transitions", "--from", FROM, "--to", TO, "--level", "kecamatan"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("kode,nama,cocok,baru,keluar,keluar_miskin")
    assert main(["transitions", "--from", FROM, "--to", "2030-01"]) == 1
    assert "2030-01" in capsys.readouterr().err


def test_an_id_found_twice_is_ambiguous_and_not_counted_as_moved(tmp_path):
    engine = store.get_engine(f"sqlite:///{tmp_path / 'twice.sqlite'}")
    generated = write_city(engine, n=600, n_kelurahan=6, n_kecamatan=2, period=FROM)
    first, later, expected = _design(generated)
    x, _, _ = expected["codes"]
    mover = first.index[(first["region_code"] == x) & (first["desil"] == 2)][0]
    twin = later.loc[[mover]].assign(desil=9)  # the same id on a second row, later period
    later = pd.concat([later, twin], ignore_index=True)
    write_city(engine, n=600, n_kelurahan=6, n_kecamatan=2, period=FROM, households=first)
    write_city(engine, n=600, n_kelurahan=6, n_kecamatan=2, period=TO, households=later)
    table = transitions.transitions(engine, FROM, TO).table.set_index("kode")
    assert table.at[x, "ambigu"] == 1
    assert table.at[x, "keluar_miskin"] == 9  # the ambiguous one is not counted as moved
    assert table.at[x, transitions.pair_column(2, 7)] == 9
    assert table.at[x, transitions.pair_column(2, 9)] == 0
    assert table.at[x, "keluar"] == 0 and table.at[x, "baru"] == 0
    assert table["ambigu"].sum() == 1


def test_rows_without_an_id_are_matched_by_the_keyed_hash_of_the_nik(moved, tmp_path):
    engine, _, first, later = moved
    first, later = first.copy(), later.copy()
    first["id_keluarga"] = None
    later["id_keluarga"] = None  # only NIK left to match on
    engine = store.get_engine(f"sqlite:///{tmp_path / 'nik.sqlite'}")
    write_city(engine, n=600, n_kelurahan=6, n_kecamatan=2, period=FROM, households=first)
    write_city(engine, n=600, n_kelurahan=6, n_kecamatan=2, period=TO, households=later)
    result = transitions.transitions(engine, FROM, TO)
    # the 3 new rows were copies of existing households (same NIK): ambiguous, never guessed
    assert result.totals["ambigu"] == 3
    assert result.totals["keluar_miskin"] == 11 and result.totals["jatuh_miskin"] == 5
    keys = transitions.household_keys(engine, store.snapshot_for(engine, FROM))["kunci"]
    niks = set(first["nik_krt"].astype(str))
    assert keys.str.startswith("nik:").all() and not set(keys) & niks
    assert not any(n in k for k in keys[:50] for n in list(niks)[:50])
    # the secret is made once: the same NIK gives the same key next time
    again = transitions.household_keys(engine, store.snapshot_for(engine, FROM))["kunci"]
    assert (keys == again).all()
    assert keyed_ids.digest(b"another", "nik", "9971010809701258") != keyed_ids.digest(
        keyed_ids.secret(engine), "nik", "9971010809701258")


def test_the_matrix_of_one_kelurahan(moved):
    engine, expected, _, _ = moved
    table = transitions.transitions(engine, FROM, TO).table
    x, _, _ = expected["codes"]
    grid = transitions.matrix(table, x)
    assert grid.shape == (10, 10) and grid.at[2, 7] == 10
    assert int(np.trace(grid.to_numpy())) == expected["pairs"][x][(6, 6)]


def test_poor_means_what_the_poverty_indicator_counts():
    from geo import indicators

    frame = pd.DataFrame({"desil": list(transitions.DESIL)})
    poor = indicators.evaluate(frame, ids=("miskin",))["miskin"].to_numpy()
    assert poor.tolist() == [d <= transitions.POOR_MAX for d in transitions.DESIL]


def test_a_move_nobody_answered_is_unknown_not_zero(tmp_path):
    """A kelurahan whose later period holds no PKH answer and no desil: its 'stopped receiving
    PKH' and its moves out of or into poverty are missing (empty in CSV), never 0."""
    engine = store.get_engine(f"sqlite:///{tmp_path / 'blank.sqlite'}")
    generated = write_city(engine, n=600, n_kelurahan=6, n_kecamatan=2, period=FROM)
    first, later, expected = _design(generated)
    x, y, _ = expected["codes"]
    later.loc[later["region_code"] == y, ["penerima_pkh", "desil"]] = np.nan
    write_city(engine, n=600, n_kelurahan=6, n_kecamatan=2, period=FROM, households=first)
    write_city(engine, n=600, n_kelurahan=6, n_kecamatan=2, period=TO, households=later)
    table = transitions.transitions(engine, FROM, TO).table.set_index("kode")
    for column in ("lulus_pkh", "keluar_miskin", "jatuh_miskin", "bersih_keluar_miskin"):
        assert pd.isna(table.at[y, column]), column
    assert table.at[y, "lulus_bpnt"] == 0  # BPNT is still answered there
    assert table.at[x, "lulus_pkh"] == 4 and table.at[x, "keluar_miskin"] == 10


def test_every_view_of_the_moves_hides_the_same_counts_and_none_can_be_worked_out():
    """The moves per kelurahan as the table, the summary beside the map and the map's tooltip
    show them (:func:`transitions.counts_shown`): small ones and their partners hidden, so no
    hidden one is a row's or a column's total minus the shown ones; the net is hidden where
    either of its parts is."""
    from geo.disclosure import derivable

    table = pd.DataFrame({
        "kode": [f"99.71.01.{1001 + i}" for i in range(4)], "nama": list("ABCD"),
        **{k: [40, 30, 25, 60] for k in transitions.COUNTED},
    })
    table["keluar_miskin"] = [3, 12, 9, 20]
    table["jatuh_miskin"] = [6, 2, 7, 8]
    table["bersih_keluar_miskin"] = table["keluar_miskin"] - table["jatuh_miskin"]
    texts = transitions.counts_shown(table, hide=True)
    counted = list(transitions.COUNTED)
    hidden = texts[counted].isin(["< 5", "–"]).to_numpy()
    assert derivable(table[counted].to_numpy(dtype=float), hidden) == []
    parts = texts[["keluar_miskin", "jatuh_miskin"]].isin(["< 5", "–"]).any(axis=1)
    assert (texts.loc[parts, "bersih_keluar_miskin"] == "–").all() and parts.any()
    assert texts.loc[~parts, "bersih_keluar_miskin"].str.match(r"^[+-]?\d").all()
    assert transitions.counts_shown(table, hide=False).loc["99.71.01.1001",
                                                           "keluar_miskin"] == "3"


def test_a_periods_households_on_the_map_minus_the_shown_moves_give_no_hidden_one_back():
    """Households of the later period (on its map) = matched + new, where no key is
    ambiguous or missing; of the earlier period = matched + gone. 3 new households is small;
    suppressed as plain columns, its row hid 6 "stopped PKH" beside it and showed the 100
    matched: 103 − 100 = 3. Now the matched count is hidden with it, and the gone one too
    (else 107 − 7 = 100 matched, then 3 again)."""
    n = 5
    table = pd.DataFrame({"kode": [f"99.71.01.{1001 + i}" for i in range(n)],
                          "nama": list("ABCDE"), **{k: [0] * n for k in transitions.SUMMARY}})
    table["cocok"] = [100] * n
    table["baru"] = [3, 10, 10, 10, 10]
    table["keluar"] = [7] * n
    table["lulus_pkh"] = [6, 20, 20, 20, 20]
    table["rumah_tangga_akhir"] = table["cocok"] + table["baru"]
    table["rumah_tangga_awal"] = table["cocok"] + table["keluar"]
    texts = transitions.counts_shown(table, hide=True)
    hidden = texts.isin(["< 5", "–"])
    assert hidden.loc["99.71.01.1001", ["baru", "cocok", "keluar"]].all()
    for whole, parts in transitions.ADD_UP_TO.items():
        assert set(hidden[list(parts)].sum(axis=1)) <= {0, 2, 3, 4}, whole
    plain = transitions.counts_shown(table.drop(columns=list(transitions.HOUSEHOLDS)), True)
    assert plain.loc["99.71.01.1001", "cocok"] == "100"  # what the old rule showed
