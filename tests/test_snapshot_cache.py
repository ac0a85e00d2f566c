"""geo.snapshot_cache: the Parquet copy must give the very frame the database gives (dtypes
included, so indicator rules count the same), hold no personal data, and never serve a stale or
foreign file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from sqlalchemy import Engine, text

from geo import indicators, snapshot_cache, store
from geo.snapshot_cache import CACHE_COLUMNS, PRIVATE_COLUMNS, load_households_fast
from geo.snapshot_writer import write_snapshot

pytestmark = pytest.mark.both_backends  # the database reads run on SQLite and PostgreSQL

EXPLORER_COLUMNS = [*indicators.RULE_COLUMNS, "lintang", "bujur"]
VERIFY_COLUMNS = list(dict.fromkeys(["row_number", "region_code", *indicators.FILTER_COLUMNS,
                                     "punya_mobil"]))


@pytest.fixture
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("PETA_CACHE_DIR", str(root))
    return root


@pytest.fixture
def engine(demo_db_url: str, cache_root: Path) -> Engine:
    return store.get_engine(demo_db_url)


def _snapshot(engine: Engine) -> dict:
    snap = store.snapshot_for(engine)
    assert snap is not None
    return snap


def _same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(got.dtypes.astype(str)) == list(expected.dtypes.astype(str))
    pd.testing.assert_frame_equal(got, expected, check_exact=True, check_index_type=True,
                                  check_column_type=True)


def _no_database(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("read the database although the cache was there")
    monkeypatch.setattr(snapshot_cache, "read_database", fail)


@pytest.mark.parametrize("columns", [CACHE_COLUMNS, EXPLORER_COLUMNS, VERIFY_COLUMNS],
                         ids=["all", "explorer", "verify"])
def test_same_frame_from_database_and_cache(engine: Engine, columns: list[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # NULLs in int, float and text columns and an all-NULL column: the dtypes pandas infers
    # (float64 for ints with gaps, object for all-None, str) must survive the round trip.
    with engine.begin() as conn:
        conn.execute(text("UPDATE households SET desil = NULL, luas_lantai = NULL, "
                          "jenis_atap = NULL WHERE row_number % 7 = 0"))
        conn.execute(text("UPDATE households SET link_note = NULL"))
    snap = _snapshot(engine)
    expected = store.load_households(engine, snap["id"], columns)
    assert expected["desil"].isna().any()

    cold = load_households_fast(engine, snap, columns)
    _same(cold, expected)
    assert snapshot_cache.cache_path(engine, snap).exists()

    _no_database(monkeypatch)
    warm = load_households_fast(engine, snap, columns)
    _same(warm, expected)
    if set(EXPLORER_COLUMNS) <= set(columns):
        pd.testing.assert_frame_equal(indicators.evaluate(warm), indicators.evaluate(expected))


def test_personal_columns_alone_come_from_the_database(engine: Engine,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """NIK, No. KK, names never go to the cache: with them, the other columns still come
    from it, and the frame is the database's, row for row (one of them blank here)."""
    columns = ["id_keluarga", "no_kk", "nik_krt", "nama_krt", "desil", "region_code"]
    with engine.begin() as conn:
        conn.execute(text("UPDATE households SET nama_krt = NULL"))
        conn.execute(text("UPDATE households SET desil = NULL WHERE row_number % 5 = 0"))
    snap = _snapshot(engine)
    expected = store.load_households(engine, snap["id"], columns)
    load_households_fast(engine, snap, ["desil"])  # the cache is there
    asked: list[list[str]] = []
    read = snapshot_cache.read_database

    def recorded(engine_: Engine, snapshot_id: int, wanted: list[str]) -> pd.DataFrame:
        asked.append(list(wanted))
        return read(engine_, snapshot_id, wanted)

    monkeypatch.setattr(snapshot_cache, "read_database", recorded)
    _same(load_households_fast(engine, snap, columns), expected)
    assert asked == [["row_number", "no_kk", "nik_krt", "nama_krt"]]


def test_driver_read_matches_read_sql_on_every_column(engine: Engine) -> None:
    snap = _snapshot(engine)
    columns = store.HOUSEHOLD_TABLE_COLUMNS
    _same(snapshot_cache.read_database(engine, snap["id"], columns),
          store.load_households(engine, snap["id"], columns))


def test_cache_file_holds_no_personal_data(engine: Engine, cache_root: Path) -> None:
    snap = _snapshot(engine)
    path = snapshot_cache.warm(engine, snap)
    assert path is not None and path.is_relative_to(cache_root)
    names = pq.read_schema(path).names
    assert names == CACHE_COLUMNS
    assert not set(names) & {"no_kk", "nik_krt", "nama_krt", "alamat"}
    personal = store.load_households(engine, snap["id"], list(PRIVATE_COLUMNS)).head(50)
    blob = path.read_bytes()
    for value in personal.stack().astype(str):
        assert value.encode() not in blob

    # personal columns come from the database, and nothing new is written
    before = sorted(cache_root.rglob("*"))
    asked = ["row_number", "nik_krt", "desil"]
    _same(load_households_fast(engine, snap, asked),
          store.load_households(engine, snap["id"], asked))
    assert sorted(cache_root.rglob("*")) == before


def test_stale_files_removed_when_a_new_one_is_written(engine: Engine) -> None:
    snap = _snapshot(engine)
    old = snapshot_cache.warm(engine, snap)
    assert old is not None
    gone = old.with_name("snapshot_999_20250101T000000000000.parquet")  # snapshot deleted
    shutil.copyfile(old, gone)
    debris = old.with_name(f".{old.name}.1.deadbeef.tmp")
    debris.write_bytes(b"half")
    os.utime(debris, (0, 0))
    fresh_tmp = old.with_name(f".{old.name}.2.cafebabe.tmp")  # another writer, right now
    fresh_tmp.write_bytes(b"half")

    with engine.begin() as conn:  # a re-import of the period: same id, new imported_at
        conn.execute(text("UPDATE snapshots SET imported_at = '2027-01-02 03:04:05.000006' "
                          "WHERE id = :id"), {"id": snap["id"]})
    frame = load_households_fast(engine, snap, EXPLORER_COLUMNS)  # stale dict: re-checked
    new = snapshot_cache.cache_path(engine, snap)
    assert new is not None and new != old and new.name.endswith("_20270102T030405000006_l0.parquet")
    assert new.exists() and not old.exists() and not gone.exists() and not debris.exists()
    assert fresh_tmp.exists()
    _same(frame, store.load_households(engine, snap["id"], EXPLORER_COLUMNS))


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_corrupt_file_is_ignored_and_rebuilt(engine: Engine, damage: str) -> None:
    snap = _snapshot(engine)
    path = snapshot_cache.warm(engine, snap)
    assert path is not None
    blob = path.read_bytes()
    path.write_bytes({"garbage": b"not parquet at all" * 100, "truncated": blob[: len(blob) // 2],
                      "empty": b""}[damage])

    frame = load_households_fast(engine, snap, VERIFY_COLUMNS)
    _same(frame, store.load_households(engine, snap["id"], VERIFY_COLUMNS))
    assert pq.read_schema(path).names == CACHE_COLUMNS  # rebuilt, readable again
    assert path.read_bytes() != b""


def test_cache_missing_a_column_is_rebuilt(engine: Engine) -> None:
    snap = _snapshot(engine)
    path = snapshot_cache.warm(engine, snap)
    assert path is not None
    pd.read_parquet(path, columns=["row_number"]).to_parquet(path, index=False)  # older schema
    _same(load_households_fast(engine, snap, ["desil", "region_code"]),
          store.load_households(engine, snap["id"], ["desil", "region_code"]))
    assert pq.read_schema(path).names == CACHE_COLUMNS


def test_databases_never_share_a_cache(demo_db_path: Path, tmp_path: Path,
                                       cache_root: Path) -> None:
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    shutil.copyfile(demo_db_path, a)
    shutil.copyfile(demo_db_path, b)
    ea, eb = store.get_engine(f"sqlite:///{a}"), store.get_engine(f"sqlite:///{b}")
    with eb.begin() as conn:
        conn.execute(text("UPDATE households SET desil = 1"))
    pa_, pb = snapshot_cache.warm(ea, _snapshot(ea)), snapshot_cache.warm(eb, _snapshot(eb))
    assert pa_ is not None and pb is not None and pa_.parent != pb.parent
    assert pa_.name == pb.name  # same snapshot id and import time, different databases
    assert (load_households_fast(eb, _snapshot(eb), ["desil"])["desil"] == 1).all()
    assert (load_households_fast(ea, _snapshot(ea), ["desil"])["desil"] != 1).any()

    fp = snapshot_cache.fingerprint
    assert fp("postgresql://u:secret@h/db") == fp("postgresql://u:other@h/db")  # no password
    assert fp("postgresql://u@h/db") == fp("postgresql://u:secret@h/db")
    assert fp("postgresql://u@h/db") != fp("postgresql://u@h/db2")
    assert fp("postgresql://u@h/db") != fp("postgresql://u@h2/db")
    assert fp(f"sqlite:///{a}") != fp(f"sqlite:///{b}")
    assert fp("sqlite://") is None and fp("sqlite:///:memory:") is None
    assert "secret" not in str(cache_root)


def test_empty_snapshot_is_not_cached(engine: Engine, cache_root: Path) -> None:
    write_snapshot(engine, "2027-01", "kosong.csv", pd.DataFrame(columns=["row_number"]),
                   pd.DataFrame(columns=["row_number", "values_json", "reasons"]), {})
    snap = store.snapshot_for(engine, "2027-01")
    assert snap is not None
    _same(load_households_fast(engine, snap, EXPLORER_COLUMNS),
          store.load_households(engine, snap["id"], EXPLORER_COLUMNS))
    assert not list(cache_root.rglob("*.parquet"))


def test_a_relink_is_a_new_cache_key(engine: Engine) -> None:
    snap = _snapshot(engine)
    old = snapshot_cache.warm(engine, snap)
    with engine.begin() as conn:  # what snapshot_writer.relink_all does when households move
        conn.execute(text("UPDATE snapshots SET links_version = links_version + 1 "
                          "WHERE id = :id"), {"id": snap["id"]})
        conn.execute(text("UPDATE households SET region_code = NULL WHERE snapshot_id = :id"),
                     {"id": snap["id"]})
    frame = load_households_fast(engine, snap, EXPLORER_COLUMNS)
    new = snapshot_cache.cache_path(engine, snap)
    assert new != old and new.name.endswith("_l1.parquet") and not old.exists()
    assert frame["region_code"].isna().all()


def test_cache_and_database_are_the_owners_only(engine: Engine, cache_root: Path,
                                               tmp_path: Path) -> None:
    """Issue 20, finding 6: the cache holds household ids and points, the database everything:
    0700 folders and 0600 files, where the platform allows."""
    import stat

    path = snapshot_cache.warm(engine, _snapshot(engine))
    assert path is not None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(cache_root.stat().st_mode) == 0o700
    fresh = tmp_path / "baru" / "peta.sqlite"
    store.get_engine(f"sqlite:///{fresh}")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    assert stat.S_IMODE(fresh.parent.stat().st_mode) == 0o700
