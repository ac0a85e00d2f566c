"""``import-households --engine dask``: the same register imported on one machine and on a
2-worker Dask LocalCluster (worker processes) gives the same households, indicators of every
kelurahan, quarantine (row numbers, reasons, original values) and link counts."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo import household_dask, store
from geo.cli import main
from geo.demo import add_defects, generate_households, register_frame
from geo.household_dask import import_households_dask
from geo.households import ImportFailed, import_households
from geo.indicator_table import indicator_table
from tests import corpus

distributed = pytest.importorskip("distributed")

ROWS = 3_000
PERIOD = "2026-09"


@pytest.fixture(scope="module", autouse=True)
def _plain_main():
    """Dask's worker processes are spawned, and a spawned process runs the parent's
    ``__main__`` file again. Streamlit's AppTest (in other test modules of the same process)
    leaves its page script as ``__main__``; a bare module stands in while this module's
    clusters start. (``python -m geo`` has its own ``__main__``, guarded.)"""
    import sys
    import types

    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
        yield


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as local:
        yield local


def _register() -> pd.DataFrame:
    """The generated register with the defects of real exports, a duplicate id across what
    become different files, and a totals row."""
    kel, river = corpus.city()
    hh = add_defects(generate_households(kel, river, ROWS, corpus.SEED), corpus.SEED,
                     share=0.05)
    out = register_frame(hh).astype(object)
    id_header = out.columns[0]
    assert "ID" in id_header.upper()
    out.iat[2_600, 0] = out.iat[15, 0]  # file 3 repeats an id of file 1
    out.iat[1_500, 0] = "JUMLAH"  # a totals row in the middle file
    return out


def write_register(folder: Path) -> tuple[Path, list[Path]]:
    """The test register whole (``register.csv``) and split into 3 CSV files."""
    register = _register()
    whole = folder / "register.csv"
    register.to_csv(whole, index=False)
    parts = []
    for i, rows in enumerate(np.array_split(np.arange(len(register)), 3)):
        path = folder / f"bagian_{i + 1}.csv"
        register.iloc[rows].to_csv(path, index=False)
        parts.append(path)
    return whole, parts


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return write_register(tmp_path_factory.mktemp("register"))


def _snapshot(engine) -> dict:
    snap = store.snapshot_for(engine, PERIOD)
    sid = int(snap["id"])
    quarantine = store.load_quarantine(engine, sid).sort_values("row_number")
    households = store.load_households(engine, sid).sort_values("row_number")
    return {"snap": snap, "quarantine": quarantine.reset_index(drop=True),
            "households": households.drop(columns=["id", "snapshot_id"], errors="ignore")
            .reset_index(drop=True),
            "indicators": indicator_table(engine, PERIOD)}


def test_dask_import_equals_single_machine(files, cluster, tmp_path):
    whole, parts = files
    single_engine = corpus.engine_with_regions(tmp_path / "single")
    single = import_households(single_engine, whole, PERIOD)
    dask_engine = corpus.engine_with_regions(tmp_path / "dask")
    distributed_result = import_households_dask(dask_engine, parts, PERIOD,
                                                scheduler=cluster.scheduler_address)

    counts = single.counts
    assert distributed_result.counts == counts
    assert counts["rows_read"] == ROWS
    assert counts["accepted"] + counts["quarantined"] == counts["rows_read"]
    assert counts["quarantined"] > 50
    assert counts["linked_by_point"] > 0 and counts["linked_by_name"] > 0

    a, b = _snapshot(single_engine), _snapshot(dask_engine)
    for key in (*store.COUNT_KEYS,):
        assert a["snap"][key] == b["snap"][key], key
    pd.testing.assert_frame_equal(a["quarantine"][["row_number", "reasons", "values_json"]],
                                  b["quarantine"][["row_number", "reasons", "values_json"]])
    pd.testing.assert_frame_equal(a["households"], b["households"])
    table_a, unlinked_a = a["indicators"]
    table_b, unlinked_b = b["indicators"]
    assert unlinked_a == unlinked_b
    assert len(table_a) > 30
    pd.testing.assert_frame_equal(table_a, table_b)

    # the duplicate id across files: both rows, each naming the other, in single-file numbers
    reasons = b["quarantine"].set_index("row_number")["reasons"]
    assert "baris 2602" in reasons[17] and "baris 17" in reasons[2602]
    assert "Baris jumlah/total" in reasons[1502]
    assert json.loads(b["quarantine"].set_index("row_number")["values_json"][2602])
    report = distributed_result.report
    assert [f["berkas"] for f in report["berkas"]] == [p.name for p in parts]
    assert report["berkas"][0]["baris_pertama"] == 2
    assert report["berkas"][-1]["baris_terakhir"] == ROWS + 1
    assert report["mesin"] == {"engine": "dask", "pekerja": 2}
    assert report["quarantine_reasons"] == single.report["quarantine_reasons"]
    assert report["unmapped_values"] == single.report["unmapped_values"]


def test_cli_engine_dask(files, cluster, tmp_path, monkeypatch, capsys):
    _, parts = files
    engine = corpus.engine_with_regions(tmp_path)
    monkeypatch.setenv("PETA_DB_URL", str(engine.url))
    code = main(["import-households", *map(str, parts), "--period", PERIOD, "--engine",
                 "dask", "--scheduler", cluster.scheduler_address, "--json"])
    assert code in (0, 3)
    out = json.loads(capsys.readouterr().out)
    assert out["rows_read"] == ROWS
    assert out["accepted"] + out["quarantined"] == ROWS


def test_cli_many_files_need_dask(files, tmp_path, monkeypatch, capsys):
    _, parts = files
    engine = corpus.engine_with_regions(tmp_path)
    monkeypatch.setenv("PETA_DB_URL", str(engine.url))
    assert main(["import-households", *map(str, parts), "--period", PERIOD]) == 1
    assert "--engine dask" in capsys.readouterr().err
    assert store.snapshot_for(engine, PERIOD) is None


def test_files_with_other_columns_are_refused_by_name(files, tmp_path):
    _, parts = files
    other = tmp_path / "lain.csv"
    pd.read_csv(parts[1], dtype=str).drop(columns=["DESIL"], errors="raise").to_csv(
        other, index=False)
    engine = corpus.engine_with_regions(tmp_path)
    with pytest.raises(ImportFailed, match="lain.csv: kolomnya tidak sama dengan bagian_1.csv"):
        import_households_dask(engine, [parts[0], other], PERIOD, scheduler="tcp://0:1")
    assert store.snapshot_for(engine, PERIOD) is None


def test_cli_starts_its_own_local_cluster(files, tmp_path, monkeypatch, capsys):
    """Without --scheduler the command starts (and stops) a LocalCluster of --workers."""
    _, parts = files
    engine = corpus.engine_with_regions(tmp_path)
    monkeypatch.setenv("PETA_DB_URL", str(engine.url))
    code = main(["import-households", *map(str, parts[:2]), "--period", PERIOD, "--engine",
                 "dask", "--workers", "2"])
    assert code in (0, 3)
    out = capsys.readouterr().out
    assert f"Periode {PERIOD} tersimpan" in out
    report = json.loads(store.snapshot_for(engine, PERIOD)["report"])
    assert report["mesin"] == {"engine": "dask", "pekerja": 2}
    assert report["berkas"][1]["baris_terakhir"] == 2_001  # 2 x 1.000 rows, header once


def test_partitioned_parquet_dataset_equals_single_file(tmp_path, cluster, monkeypatch):
    """A folder of Parquet files (kab=../part.parquet) imports like the same rows in one
    Parquet file on the single-machine path; with fewer files in flight than files (2 of 3),
    the next is asked for as one is written."""
    monkeypatch.setattr(household_dask, "FILES_AHEAD_PER_WORKER", 1)
    register = _register()
    register = register.astype(str).where(register.notna(), None)
    whole = tmp_path / "register.parquet"
    register.to_parquet(whole, index=False)
    dataset = tmp_path / "dtsen"
    for i, rows in enumerate(np.array_split(np.arange(len(register)), 3)):
        part = dataset / f"kab=0{i + 1}"
        part.mkdir(parents=True)
        register.iloc[rows].to_parquet(part / "part-0.parquet", index=False)
    single_engine = corpus.engine_with_regions(tmp_path / "single")
    single = import_households(single_engine, whole, PERIOD)
    dask_engine = corpus.engine_with_regions(tmp_path / "dask")
    result = import_households_dask(dask_engine, [dataset], PERIOD,
                                    scheduler=cluster.scheduler_address)
    assert result.counts == single.counts
    assert [f["berkas"] for f in result.report["berkas"]] == [
        f"dtsen/kab=0{i}/part-0.parquet" for i in (1, 2, 3)]
    a, b = _snapshot(single_engine), _snapshot(dask_engine)
    pd.testing.assert_frame_equal(a["quarantine"], b["quarantine"])
    pd.testing.assert_frame_equal(a["indicators"][0], b["indicators"][0])


def test_folder_without_parquet_is_refused(tmp_path):
    (tmp_path / "kosong").mkdir()
    engine = corpus.engine_with_regions(tmp_path)
    with pytest.raises(ImportFailed, match="kosong tidak berisi berkas .parquet"):
        import_households_dask(engine, [tmp_path / "kosong"], PERIOD, scheduler="tcp://0:1")
