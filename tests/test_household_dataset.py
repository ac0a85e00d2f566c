"""``import-households --engine dask --storage dataset``: a period's households in a partitioned
Parquet dataset (geo/household_dataset.py) read back as the database path gives them (every
column, indicators of every kelurahan, quarantine, link counts), personal columns apart, one
kelurahan read from its partition only, a failed import leaving the previous dataset, and
delete_period removing it."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from geo import household_dataset, periods, planning, snapshot_cache, store, transitions
from geo.cli import main
from geo.household_dask import import_households_dask
from geo.households import import_households
from geo.indicator_table import indicator_table
from geo.schema import PRIVATE_COLUMNS
from tests import corpus
from tests.test_dask_import import (  # noqa: F401 (fixtures)
    _plain_main,
    _register,
    cluster,
    write_register,
)

pytest.importorskip("distributed")

PERIOD = "2026-09"


@pytest.fixture(scope="module")
def imported(tmp_path_factory, cluster):  # noqa: F811
    """The same register: whole on the single-machine path into the database, and in 3 CSV
    files through the CLI with --engine dask --storage dataset on the 2-worker cluster."""
    folder = tmp_path_factory.mktemp("dataset")
    whole, parts = write_register(folder)
    database = corpus.engine_with_regions(folder / "database")
    single = import_households(database, whole, PERIOD)
    engine = corpus.engine_with_regions(folder / "dataset_db")
    root = folder / "households"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PETA_DB_URL", str(engine.url))
        patch.setenv("PETA_DATASET_DIR", str(root))
        patch.setenv("PETA_CACHE_DIR", str(folder / "cache"))
        code = main(["import-households", *map(str, parts), "--period", PERIOD, "--engine",
                     "dask", "--scheduler", cluster.scheduler_address, "--storage", "dataset",
                     "--json"])
    assert code in (0, 3)
    return {"database": database, "engine": engine, "single": single, "root": root,
            "parts": parts, "folder": folder}


def _households(engine, columns=None) -> pd.DataFrame:
    snap = store.snapshot_for(engine, PERIOD)
    return snapshot_cache.load_households_fast(engine, snap,
                                               columns or store.HOUSEHOLD_TABLE_COLUMNS)


def test_dataset_period_equals_database_period(imported):
    database, engine = imported["database"], imported["engine"]
    a, b = store.snapshot_for(database, PERIOD), store.snapshot_for(engine, PERIOD)
    assert (a["storage"], b["storage"]) == ("database", "dataset")
    assert Path(b["dataset_location"]).parent == imported["root"]
    for key in store.COUNT_KEYS:  # counts, link counts
        assert a[key] == b[key], key
    assert b["accepted"] + b["quarantined"] == b["rows_read"] == 3_000
    assert store.household_count(engine, int(b["id"])) == 0  # not in the households table
    expected = store.load_households(database, int(a["id"])).sort_values("row_number")
    got = _households(engine)
    pd.testing.assert_frame_equal(expected.drop(columns=["snapshot_id"], errors="ignore")
                                  .reset_index(drop=True), got)
    columns = ["row_number", "desil", "region_code", "nik_krt"]  # analytic + personal, a subset
    pd.testing.assert_frame_equal(_households(database, columns), _households(engine, columns))
    pd.testing.assert_frame_equal(store.load_quarantine(database, int(a["id"])),
                                  store.load_quarantine(engine, int(b["id"])))
    table_a, unlinked_a = indicator_table(database, PERIOD)
    table_b, unlinked_b = indicator_table(engine, PERIOD)
    assert len(table_a) > 30 and unlinked_a == unlinked_b
    pd.testing.assert_frame_equal(table_a, table_b)
    # the duplicate id across files was found across partitions, its rows left out
    reasons = store.load_quarantine(engine, int(b["id"])).set_index("row_number")["reasons"]
    assert "baris 2602" in reasons[17] and "baris 17" in reasons[2602]
    assert not {17, 2602} & set(got["row_number"])
    report = json.loads(b["report"])
    assert report["penyimpanan"] == {"storage": "dataset", "lokasi": b["dataset_location"]}


def test_the_cube_built_on_the_workers_equals_the_database_periods(imported):
    from geo import cube

    database, engine = imported["database"], imported["engine"]
    a, b = store.snapshot_for(database, PERIOD), store.snapshot_for(engine, PERIOD)
    for kind in cube.KINDS:
        expected = cube.load(database, int(a["id"]), kind)
        got = cube.load(engine, int(b["id"]), kind)  # stored by the import, partition-wise
        assert got is not None and expected is not None, kind
        key = [c for c in expected.cells.columns
               if c in cube.KEY_COLUMNS or c not in cube.measure_columns() + ["rumah_tangga"]]

        def ordered(cells: pd.DataFrame, key: list[str] = key) -> pd.DataFrame:
            return cells.sort_values(key, na_position="first").reset_index(drop=True)

        pd.testing.assert_frame_equal(ordered(got.cells), ordered(expected.cells),
                                      check_dtype=False)
        assert got.known_columns == expected.known_columns


def test_personal_columns_only_in_the_personal_dataset(imported):
    location = Path(store.snapshot_for(imported["engine"], PERIOD)["dataset_location"])
    analytic = list((location / "households").rglob("*.parquet"))
    personal = list((location / "personal").rglob("*.parquet"))
    assert analytic and personal
    for file in analytic:
        assert not set(pq.read_schema(file).names) & set(PRIVATE_COLUMNS), file
    assert set(PRIVATE_COLUMNS) <= set(pq.read_schema(personal[0]).names)
    assert not list(location.rglob("_staging*"))
    # partitioned by kabupaten/kota, then kecamatan of the linked kelurahan
    assert {f.parent.parent.name for f in analytic} == {"kab=99.71"}
    assert all(f.parent.name.startswith("kec=99.71.") for f in analytic)
    for path in [location, *location.rglob("*")]:  # personal data: the owner's only
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


def test_one_kelurahan_is_read_from_its_partition_only(imported, tmp_path):
    engine = imported["engine"]
    snap = store.snapshot_for(engine, PERIOD)
    everything = _households(engine)
    code = everything["region_code"].value_counts().index[0]
    expected = everything[everything["region_code"] == code].reset_index(drop=True)
    columns = list(store.HOUSEHOLD_TABLE_COLUMNS)
    pd.testing.assert_frame_equal(
        snapshot_cache.load_households_fast(engine, snap, columns, kelurahan=[code]), expected)
    # a copy of the dataset where every file of other kecamatan is garbage reads the same
    copy = tmp_path / "copy"
    shutil.copytree(snap["dataset_location"], copy)
    kec = ".".join(code.split(".")[:3])
    spoiled = 0
    for file in copy.rglob("*.parquet"):
        if file.parent.name != f"kec={kec}":
            file.write_bytes(b"not parquet")
            spoiled += 1
    assert spoiled > 5
    pd.testing.assert_frame_equal(household_dataset.read(str(copy), columns, [code]), expected)
    files = household_dataset.dataset_files(str(copy), [code])
    assert files and all(f"/kec={kec}/" in f for f in files)
    # a database period answers the same question the same way
    database = imported["database"]
    pd.testing.assert_frame_equal(
        snapshot_cache.load_households_fast(database, store.snapshot_for(database, PERIOD),
                                            columns, kelurahan=[code]), expected)


def test_identity_and_transition_keys_read_the_personal_dataset(imported):
    database, engine = imported["database"], imported["engine"]
    a, b = store.snapshot_for(database, PERIOD), store.snapshot_for(engine, PERIOD)
    rows = _households(engine, ["row_number", "region_code"]).iloc[::97]
    got = planning.load_identity(engine, int(b["id"]), rows["row_number"],
                                 kelurahan=rows["region_code"].unique().tolist())
    pd.testing.assert_frame_equal(
        planning.load_identity(database, int(a["id"]), rows["row_number"]), got,
        check_dtype=False)
    assert len(got) == len(rows) and got["nik_krt"].str.contains(r"\*").any()  # masked
    some_id = _households(engine, ["id_keluarga"])["id_keluarga"].dropna().iloc[5]
    assert planning.reveal_identity(engine, int(b["id"]), some_id) == \
        planning.reveal_identity(database, int(a["id"]), some_id)
    with pytest.raises(LookupError):
        planning.reveal_identity(engine, int(b["id"]), "tidak-ada")
    pd.testing.assert_frame_equal(transitions.household_keys(database, a),
                                  transitions.household_keys(engine, b))


def test_failed_import_leaves_the_previous_dataset(imported, cluster, tmp_path,  # noqa: F811
                                                   monkeypatch):
    parts = imported["parts"]
    engine = corpus.engine_with_regions(tmp_path)
    root = str(tmp_path / "households")
    import_households_dask(engine, parts[:2], PERIOD, scheduler=cluster.scheduler_address,
                           storage="dataset", dataset_dir=root)
    before = store.snapshot_for(engine, PERIOD)
    rows = _households(engine)
    publish = household_dataset.publish

    def publish_then_fail(target):  # noqa: ANN001 - the commit fails after the rename
        publish(target)
        raise RuntimeError("commit gagal")

    monkeypatch.setattr(household_dataset, "publish", publish_then_fail)
    with pytest.raises(RuntimeError, match="commit gagal"):
        import_households_dask(engine, parts, PERIOD, scheduler=cluster.scheduler_address,
                               storage="dataset", dataset_dir=root)
    after = store.snapshot_for(engine, PERIOD)
    assert (after["id"], after["dataset_location"]) == (before["id"], before["dataset_location"])
    pd.testing.assert_frame_equal(_households(engine), rows)
    assert [p.name for p in Path(root).iterdir()] == [Path(before["dataset_location"]).name]

    monkeypatch.setattr(household_dataset, "publish", publish)  # a good import replaces it
    import_households_dask(engine, parts, PERIOD, scheduler=cluster.scheduler_address,
                           storage="dataset", dataset_dir=root)
    new = store.snapshot_for(engine, PERIOD)
    assert [p.name for p in Path(root).iterdir()] == [Path(new["dataset_location"]).name]
    assert new["accepted"] > before["accepted"] == len(rows)

    done = periods.delete_period(engine, PERIOD, "tester")
    assert done["dataset_dihapus"] and done["rumah_tangga"] == new["accepted"]
    assert list(Path(root).iterdir()) == []
    assert store.snapshot_for(engine, PERIOD) is None


def test_dataset_storage_needs_the_dask_engine(imported, tmp_path, monkeypatch, capsys):
    engine = corpus.engine_with_regions(tmp_path)
    monkeypatch.setenv("PETA_DB_URL", str(engine.url))
    assert main(["import-households", str(imported["parts"][0]), "--period", PERIOD,
                 "--storage", "dataset"]) == 1
    assert "--storage dataset hanya dengan --engine dask" in capsys.readouterr().err
    assert store.snapshot_for(engine, PERIOD) is None


def test_old_database_gains_the_storage_columns(tmp_path):
    """A database made before ``storage`` existed opens, its periods in the database."""
    import sqlite3

    path = tmp_path / "lama.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE snapshots (id INTEGER PRIMARY KEY, period VARCHAR(7) NOT "
                     "NULL UNIQUE, source_file TEXT, imported_at DATETIME NOT NULL, is_demo "
                     "BOOLEAN NOT NULL, " + ", ".join(f"{k} INTEGER NOT NULL"
                                                      for k in store.COUNT_KEYS)
                     + ", report TEXT)")
        conn.execute("INSERT INTO snapshots VALUES (1, '2026-01', 'a.csv', "
                     "'2026-01-05 00:00:00', 0, " + ", ".join("0" for _ in store.COUNT_KEYS)
                     + ", '{}')")
    engine = store.get_engine(f"sqlite:///{path}")
    snap = store.snapshot_for(engine, "2026-01")
    assert (snap["storage"], snap["dataset_location"], snap["links_version"]) == \
        ("database", "", 0)
    assert household_dataset.location_of(engine, 1) is None


def test_dataset_dir_as_fsspec_url(imported, cluster, tmp_path):  # noqa: F811
    """PETA_DATASET_DIR may be an fsspec URL; ``file://`` is the one tested here. A period
    imported again into the database loses its dataset."""
    engine = corpus.engine_with_regions(tmp_path)
    root = tmp_path / "url"
    result = import_households_dask(engine, imported["parts"][:1], PERIOD,
                                     scheduler=cluster.scheduler_address, storage="dataset",
                                     dataset_dir=f"file://{root}")
    snap = store.snapshot_for(engine, PERIOD)
    assert snap["dataset_location"].startswith(f"file://{root}/")
    got = _households(engine)
    assert len(got) == result.counts["accepted"] > 900
    plain = snap["dataset_location"].removeprefix("file://")
    pd.testing.assert_frame_equal(household_dataset.read(plain, store.HOUSEHOLD_TABLE_COLUMNS),
                                  got)
    assert stat.S_IMODE(Path(plain).stat().st_mode) == 0o700
    # replaced by a period in the database: the dataset goes once that is committed
    import_households_dask(engine, imported["parts"][:1], PERIOD,
                           scheduler=cluster.scheduler_address)
    assert store.snapshot_for(engine, PERIOD)["storage"] == "database"
    assert list(root.iterdir()) == []


def test_new_boundaries_relink_a_dataset_period_as_they_relink_the_database_period(
        imported, tmp_path, monkeypatch):
    """The same register in the households table and in a dataset, then the same new
    boundaries (two kelurahan merged): the same households, links, counts and cube after; the
    dataset written again under a new name, the old folder gone after the commit."""
    from geo import cube
    from geo.boundaries.importer import import_boundaries
    from tests.boundary_files import write_geojson

    root = tmp_path / "households"  # copies: the module's databases and dataset stay as they are
    shutil.copytree(imported["root"], root)
    engines = {}
    for name in ("database", "engine"):
        shutil.copy(imported[name].url.database, tmp_path / f"{name}.sqlite")
        engines[name] = store.get_engine(f"sqlite:///{tmp_path / f'{name}.sqlite'}")
    database, engine = engines["database"], engines["engine"]
    old = root / Path(store.snapshot_for(engine, PERIOD)["dataset_location"]).name
    with engine.begin() as conn:
        conn.execute(store.snapshots.update().values(dataset_location=str(old)))
    monkeypatch.setenv("PETA_CACHE_DIR", str(tmp_path / "cache"))
    kel, _ = corpus.city()
    merged = kel.iloc[1:].copy()
    merged.iloc[0, merged.columns.get_loc("geometry")] = kel.geometry.iloc[:2].union_all()
    path = write_geojson(merged[["kode_kel", "nama_kel", "geometry"]], tmp_path)
    reports = {name: import_boundaries(e, path, fields={"kode": "kode_kel", "nama": "nama_kel"})
               for name, e in engines.items()}
    assert reports["engine"].relink == reports["database"].relink | {
        "relinked": reports["engine"].relink["relinked"]}
    assert reports["engine"].relink["changed"] > 0
    a, b = store.snapshot_for(database, PERIOD), store.snapshot_for(engine, PERIOD)
    assert a["links_version"] == b["links_version"] == 1
    for key in store.COUNT_KEYS:
        assert a[key] == b[key], key
    assert not old.exists() and Path(b["dataset_location"]).parent == root
    assert sorted(p.name for p in root.iterdir()) == [Path(b["dataset_location"]).name]
    expected = store.load_households(database, int(a["id"])).sort_values("row_number")
    pd.testing.assert_frame_equal(expected.drop(columns=["snapshot_id"], errors="ignore")
                                  .reset_index(drop=True), _households(engine))
    for kind in ("hitungan", "kebutuhan"):
        pd.testing.assert_frame_equal(cube.load(database, int(a["id"]), kind).cells,
                                      cube.load(engine, int(b["id"]), kind).cells)


def test_a_failed_dataset_relink_leaves_boundaries_links_and_dataset_as_they_were(
        imported, tmp_path, monkeypatch):
    from geo.boundaries.base import BoundaryImportFailed
    from geo.boundaries.importer import import_boundaries
    from tests.boundary_files import write_geojson

    root = tmp_path / "households"
    shutil.copytree(imported["root"], root)
    shutil.copy(imported["engine"].url.database, tmp_path / "copy.sqlite")
    engine = store.get_engine(f"sqlite:///{tmp_path / 'copy.sqlite'}")
    old = root / Path(store.snapshot_for(engine, PERIOD)["dataset_location"]).name
    with engine.begin() as conn:
        conn.execute(store.snapshots.update().values(dataset_location=str(old)))
    monkeypatch.setenv("PETA_CACHE_DIR", str(tmp_path / "cache"))
    before = (store.snapshot_for(engine, PERIOD), len(store.load_regions(engine)))

    def disk_full(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(household_dataset, "write_kabupaten", disk_full)
    kel, _ = corpus.city()
    path = write_geojson(kel.iloc[1:][["kode_kel", "nama_kel", "geometry"]], tmp_path)
    with pytest.raises(BoundaryImportFailed, match="penautan ulang rumah tangga gagal"):
        import_boundaries(engine, path, fields={"kode": "kode_kel", "nama": "nama_kel"})
    assert (store.snapshot_for(engine, PERIOD), len(store.load_regions(engine))) == before
    assert sorted(p.name for p in root.iterdir()) == [old.name]  # no new folder left
