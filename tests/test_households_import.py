"""Household import on generated registers where the truth is known."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from geo import store
from geo.demo import build_city, write_demo
from geo.households import ImportFailed, import_households

N = 3_000


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory):
    return write_demo(tmp_path_factory.mktemp("hh_demo"), n=N, seed=11)


def regions_frame(seed: int = 11):
    """The demo city's kelurahan in the store's region shape (no boundary importer needed)."""
    import geopandas as gpd

    kel, _ = build_city(seed)
    return gpd.GeoDataFrame({"kode": kel["kode_kel"], "nama": kel["nama_kel"],
                             "level": "kelurahan", "kode_induk": kel["kode_kec"]},
                            geometry=kel.geometry, crs=4326), kel


def make_engine(where: Path | str, seed: int = 11):
    """The demo city's regions in a new database: a SQLite file in the folder ``where``, or
    the database URL ``where``."""
    import geopandas as gpd

    url = where if isinstance(where, str) else f"sqlite:///{where / 'hh.sqlite'}"
    engine = store.get_engine(url)
    table, kel = regions_frame(seed)
    kec = kel.dissolve("kode_kec", as_index=False)
    kec_table = gpd.GeoDataFrame({"kode": kec["kode_kec"], "nama": kec["nama_kec"],
                                  "level": "kecamatan", "kode_induk": "99.71"},
                                 geometry=kec.geometry, crs=4326)
    store.replace_regions(engine, pd.concat([table, kec_table], ignore_index=True))
    return engine


pytestmark = pytest.mark.both_backends  # the `engine` tests run on SQLite and PostgreSQL


@pytest.fixture
def engine(db_url: str):
    return make_engine(db_url)


@pytest.fixture
def sqlite_engine(tmp_path: Path):
    """For what only SQLite does (its writer process, its write lock)."""
    return make_engine(tmp_path)


@pytest.fixture
def pg_engine(pg_db_url: str):
    """For what only PostgreSQL does (COPY, concurrent officers)."""
    return make_engine(pg_db_url)


@pytest.fixture(scope="module")
def imported(demo_files, tmp_path_factory):
    eng = make_engine(tmp_path_factory.mktemp("hh_db"))
    result = import_households(eng, demo_files.register, "2026-09")
    stored = store.load_households(eng, result.snapshot_id)
    truth = demo_files.truth.merge(stored, on="row_number", how="left",
                                   suffixes=("", "_stored"))
    return eng, result, truth


def test_every_row_accounted_for(imported):
    _, result, _ = imported
    c = result.counts
    assert set(c) == set(store.COUNT_KEYS)
    assert c["rows_read"] == N
    assert c["accepted"] + c["quarantined"] == c["rows_read"]
    assert (c["linked_by_code"] + c["linked_by_name"] + c["linked_by_point"] + c["unlinked"]
            == c["accepted"])
    assert c["quarantined"] > 0


def test_links_match_the_truth(imported):
    _, _, truth = imported
    accepted = truth[truth["region_code"].notna() | truth["link_method"].notna()]
    located = accepted[~accepted["cacat"].isin(["nama_saja", "nama_ejaan"])]
    share = (located["region_code"] == located["kode_benar"]).mean()
    assert share >= 0.995
    by_name = truth[truth["cacat"].isin(["nama_saja", "nama_ejaan"])]
    assert (by_name["region_code"] == by_name["kode_benar"]).mean() >= 0.95
    wrong = by_name["region_code"].notna() & (by_name["region_code"] != by_name["kode_benar"])
    assert not wrong.any()
    assert set(by_name["link_method"].dropna()) <= {"nama"}


def test_defects_are_quarantined_with_reasons(imported):
    eng, result, truth = imported
    q = store.load_quarantine(eng, result.snapshot_id)
    rejected = set(q["row_number"])
    for kind in ("nik_ilmiah", "desil_0", "desil_11", "desil_teks", "desil_kosong", "art_0",
                 "nik_ganda", "keluarga_ganda", "nik_pendek"):
        rows = set(truth.loc[truth["cacat"] == kind, "row_number"])
        assert rows <= rejected, kind
    assert q["reasons"].str.len().gt(0).all()
    assert not q["reasons"].str.contains(r"\d{16}").any()  # no full NIK in a message


def test_stored_values_are_canonical(imported):
    _, _, truth = imported
    rows = truth[truth["link_method"].notna()]
    assert set(rows["penerima_pkh"].dropna().unique()) <= {0, 1}
    assert rows["desil"].between(1, 10).all()
    assert rows["region_code"].str.fullmatch(r"\d\d\.\d\d\.\d\d\.\d{4}").all()
    assert rows["tanggal_verifikasi"].str.fullmatch(r"\d{4}-\d\d-\d\d").all()


def test_conflicts_and_swaps(imported):
    _, _, truth = imported
    for kind in ("titik_laut", "titik_luar_kota"):
        rows = truth[truth["cacat"] == kind]
        assert (rows["link_conflict"] == 1).all(), kind
        assert (rows["region_code"] == rows["kode_benar"]).all()
    swapped = truth[truth["cacat"] == "koordinat_tertukar"]
    assert swapped["link_note"].str.contains("tertukar").all()


def test_reimport_replaces_period_and_keeps_others(demo_files, engine):
    first = import_households(engine, demo_files.register, "2026-08")
    again = import_households(engine, demo_files.register, "2026-08")
    import_households(engine, demo_files.register, "2026-09")
    snaps = store.list_snapshots(engine)
    assert sorted(snaps["period"]) == ["2026-08", "2026-09"]
    assert store.household_count(engine, again.snapshot_id) == again.counts["accepted"]
    assert first.counts == again.counts


@pytest.mark.parametrize("use_adbc", [True, False], ids=["adbc", "sqlalchemy"])
def test_failure_midway_leaves_previous_snapshot(demo_files, sqlite_engine, monkeypatch,
                                                 use_adbc):
    from geo import households, snapshot_writer

    engine = sqlite_engine
    before = import_households(engine, demo_files.register, "2026-09")
    real_open = snapshot_writer.open_snapshot
    monkeypatch.setattr(households, "open_snapshot",
                        lambda *a, **k: real_open(*a, **k, use_adbc=use_adbc))
    calls = {"n": 0}
    name = "arrow_households" if use_adbc else "_insert_households"
    real = getattr(snapshot_writer, name)

    def broken(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] >= 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(snapshot_writer, name, broken)
    with pytest.raises(RuntimeError, match="disk full"):
        import_households(engine, demo_files.register, "2026-09", chunk_rows=500)
    assert calls["n"] >= 2  # the first part was stored before the failure
    monkeypatch.undo()
    snap = store.snapshot_for(engine, "2026-09")
    assert snap["id"] == before.snapshot_id
    assert store.household_count(engine, before.snapshot_id) == before.counts["accepted"]
    assert len(store.list_snapshots(engine)) == 1


def test_bad_period_refused(demo_files, engine):
    with pytest.raises(ImportFailed, match="TTTT-BB"):
        import_households(engine, demo_files.register, "Sept 2026")


def test_file_like_upload(demo_files, engine):
    import io

    buf = io.BytesIO(demo_files.register.read_bytes())
    buf.name = "unggahan.csv"
    result = import_households(engine, buf, "2026-07")
    assert result.counts["rows_read"] == N
    assert store.snapshot_for(engine, "2026-07")["source_file"] == "unggahan.csv"


def test_import_warms_the_snapshot_cache(demo_files, engine, tmp_path, monkeypatch):
    """The first map load after an import reads Parquet: the import builds the cache."""
    from geo import snapshot_cache

    monkeypatch.setenv("PETA_CACHE_DIR", str(tmp_path / "cache"))
    result = import_households(engine, demo_files.register, "2026-09")
    path = snapshot_cache.cache_path(engine, {"id": result.snapshot_id})
    assert path is not None and path.exists()
    assert path.is_relative_to(tmp_path / "cache")
    cached = pd.read_parquet(path, columns=["row_number", "region_code"])
    assert len(cached) == result.counts["accepted"]


def test_a_cache_that_cannot_be_built_never_fails_the_import(demo_files, engine, tmp_path,
                                                             monkeypatch, caplog):
    from geo import snapshot_cache

    def broken(*_args, **_kwargs):
        raise OSError("disk penuh")

    monkeypatch.setenv("PETA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(snapshot_cache, "warm", broken)  # built from the database afterwards
    monkeypatch.setattr(snapshot_cache.ImportCache, "_open", broken)  # or during the import
    with caplog.at_level("WARNING", logger="geo.snapshot_cache"):
        result = import_households(engine, demo_files.register, "2026-09")
    assert store.snapshot_for(engine, "2026-09")["id"] == result.snapshot_id
    assert "disk penuh" in caplog.text
    from geo import cube  # the cube is still built (reading the households another way)

    assert cube.load(engine, result.snapshot_id, "hitungan").households == result.counts[
        "accepted"]


def test_the_import_writes_the_cache_the_database_would_give(demo_files, sqlite_engine,
                                                             tmp_path, monkeypatch):
    """On a SQLite file the cache is written from the rows as they are stored (no million rows
    read back after the commit), and it is the very frame the database gives: rows dropped as
    duplicates left out, ints with gaps as float64, a column the file lacks as object."""
    from geo import snapshot_cache

    register = pd.read_csv(demo_files.register, dtype=str, keep_default_na=False)
    register.loc[register.index % 5 == 0, "JML_LANSIA"] = ""  # NULL among the ints
    register = register.drop(columns=["LUAS_LANTAI"])  # all NULL
    path = tmp_path / "register.csv"
    register.to_csv(path, index=False)
    monkeypatch.setenv("PETA_CACHE_DIR", str(tmp_path / "cache"))
    real_read = snapshot_cache.read_database

    def no_read(*_args, **_kwargs):
        raise AssertionError("the import read its rows back from the database")

    monkeypatch.setattr(snapshot_cache, "read_database", no_read)
    result = import_households(sqlite_engine, path, "2026-09", chunk_rows=700)
    monkeypatch.setattr(snapshot_cache, "read_database", real_read)
    assert result.report["quarantine_reasons"].get("nik_ganda")  # rows dropped after storing
    cache = snapshot_cache.cache_path(sqlite_engine, {"id": result.snapshot_id})
    assert cache is not None and cache.exists()
    assert cache.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in cache.parent.iterdir()] == [cache.name]  # no temp file left
    got = pd.read_parquet(cache)
    expected = real_read(sqlite_engine, result.snapshot_id, snapshot_cache.CACHE_COLUMNS)
    assert len(got) == result.counts["accepted"]
    assert expected["jumlah_lansia"].dtype == "float64"
    assert expected["luas_lantai"].dtype == object
    assert list(got.dtypes.astype(str)) == list(expected.dtypes.astype(str))
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert not set(got.columns) & set(snapshot_cache.PRIVATE_COLUMNS)


def test_a_failed_import_leaves_the_previous_cache_and_no_temp_file(demo_files, sqlite_engine,
                                                                    tmp_path, monkeypatch):
    from geo import snapshot_cache, snapshot_writer

    monkeypatch.setenv("PETA_CACHE_DIR", str(tmp_path / "cache"))
    before = import_households(sqlite_engine, demo_files.register, "2026-09")
    cache = snapshot_cache.cache_path(sqlite_engine, {"id": before.snapshot_id})
    real = snapshot_writer.SnapshotWriter.finish

    def broken(self, *args, **kwargs):
        real(self, *args, **kwargs)
        raise RuntimeError("listrik padam")  # after every row was stored, before the commit

    monkeypatch.setattr(snapshot_writer.SnapshotWriter, "finish", broken)
    with pytest.raises(RuntimeError, match="listrik padam"):
        import_households(sqlite_engine, demo_files.register, "2026-09", chunk_rows=500)
    assert store.snapshot_for(sqlite_engine, "2026-09")["id"] == before.snapshot_id
    assert [p.name for p in cache.parent.iterdir()] == [cache.name]
    assert len(pd.read_parquet(cache)) == before.counts["accepted"]


def test_command_line_json(demo_files, tmp_path):
    make_engine(tmp_path)
    env = {"PETA_DB_URL": f"sqlite:///{tmp_path / 'hh.sqlite'}", "PATH": "/usr/bin:/bin",
           "PETA_CACHE_DIR": str(tmp_path / "cache")}  # not the project's data/cache
    out = subprocess.run([sys.executable, "-m", "geo", "import-households",
                          str(demo_files.register), "--period", "2026-09", "--json"],
                         capture_output=True, text=True, env=env, cwd=Path.cwd(), check=False)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {*store.COUNT_KEYS, "unmapped"}  # issue 12: unmapped values beside
    assert data["unmapped"] == {}  # the demo register maps every value
    assert data["accepted"] + data["quarantined"] == data["rows_read"] == N


def test_command_line_unusable_file_exits_1(tmp_path):
    bad = tmp_path / "kosong.csv"
    bad.write_text("")
    env = {"PETA_DB_URL": f"sqlite:///{tmp_path / 'x.sqlite'}", "PATH": "/usr/bin:/bin",
           "PETA_CACHE_DIR": str(tmp_path / "cache")}  # not the project's data/cache
    out = subprocess.run([sys.executable, "-m", "geo", "import-households", str(bad),
                          "--period", "2026-09", "--json"], capture_output=True, text=True,
                         env=env, check=False)
    assert out.returncode == 1  # geo.cli.exit_codes.FAILED (was 2 before the codes were unified)
    assert "kosong.csv" in out.stderr and "kosong" in out.stderr


def test_name_only_rows_with_spelling_variants(tmp_path):
    """Acceptance 3: name-only rows with realistic spelling variants: >= 95 % linked right and
    none linked to a wrong kelurahan."""
    import numpy as np

    from geo.demo import generate_households, register_frame, spelling_variant

    kel, river = build_city(11)
    hh = generate_households(kel, river, 1_500, seed=11)
    rng = np.random.default_rng(3)
    rows = rng.choice(len(hh), 400, replace=False)
    hh = hh.astype({"kode_kelurahan": object, "nama_kelurahan": object})
    for i in rows:
        hh.at[i, "kode_kelurahan"] = None
        hh.at[i, "lintang"], hh.at[i, "bujur"] = np.nan, np.nan
        hh.at[i, "nama_kelurahan"] = spelling_variant(hh.at[i, "nama_kelurahan"], rng)
    path = tmp_path / "nama.csv"
    register_frame(hh).to_csv(path, index=False)
    engine = make_engine(tmp_path)
    result = import_households(engine, path, "2026-09")
    stored = store.load_households(engine, result.snapshot_id).set_index("row_number")
    named = stored.loc[rows + 2]
    truth = hh["kode_benar"].iloc[rows].to_numpy()
    right = (named["region_code"].to_numpy() == truth)
    assert right.mean() >= 0.95
    wrong = named["region_code"].notna().to_numpy() & ~right
    assert not wrong.any()
    assert (named["link_method"].dropna() == "nama").all()


def test_command_line_map_option(tmp_path):
    from tests import corpus

    path = corpus.unknown_headers(tmp_path)
    corpus.engine_with_regions(tmp_path)
    env = {"PETA_DB_URL": f"sqlite:///{tmp_path / 'corpus.sqlite'}", "PATH": "/usr/bin:/bin",
           "PETA_CACHE_DIR": str(tmp_path / "cache")}  # not the project's data/cache
    base = [sys.executable, "-m", "geo", "import-households", str(path), "--period", "2026-09",
            "--json"]
    out = subprocess.run(base, capture_output=True, text=True, env=env, check=False)
    assert out.returncode == 1 and "ID keluarga tidak ditemukan" in out.stderr
    out = subprocess.run([*base, "--map", "NO URUT RUMAH TANGGA=id_keluarga"],
                         capture_output=True, text=True, env=env, check=False)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["accepted"] == corpus.ROWS


def _stored_with_types(engine, snapshot_id: int) -> list[tuple]:
    """Every stored value with its SQLite storage class, in row order."""
    names = store.HOUSEHOLD_TABLE_COLUMNS
    sql = (f"SELECT {', '.join(f'{c}, typeof({c})' for c in names)} FROM households "
           f"WHERE snapshot_id = {int(snapshot_id)} ORDER BY row_number")
    with engine.connect() as conn:
        return conn.exec_driver_sql(sql).all()


def test_adbc_and_sqlalchemy_writers_store_the_same(demo_files, tmp_path, monkeypatch):
    from geo import households, snapshot_writer

    real_open = snapshot_writer.open_snapshot
    results = {}
    for use_adbc in (True, False):
        monkeypatch.setattr(households, "open_snapshot",
                            lambda *a, use=use_adbc, **k: real_open(*a, **k, use_adbc=use))
        eng = make_engine(tmp_path / str(use_adbc))
        result = import_households(eng, demo_files.register, "2026-09", chunk_rows=700)
        quarantine = store.load_quarantine(eng, result.snapshot_id)
        snapshot = store.snapshot_for(eng, "2026-09")
        results[use_adbc] = (result.counts, _stored_with_types(eng, result.snapshot_id),
                             quarantine, {k: snapshot[k] for k in store.COUNT_KEYS},
                             json.loads(snapshot["report"]))
    adbc, plain = results[True], results[False]
    assert adbc[0] == plain[0] == adbc[3] == plain[3]
    assert len(adbc[1]) == adbc[0]["accepted"]
    assert adbc[1] == plain[1]
    pd.testing.assert_frame_equal(adbc[2], plain[2])
    assert adbc[4] == plain[4]


def _has_open(pid: int, path: Path) -> bool:
    """Whether process ``pid`` has the file ``path`` open (Linux: /proc/PID/fd)."""
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False
    for fd in fds:
        try:
            if Path(os.readlink(fd)) == path:
                return True
        except OSError:
            continue
    return False


def test_import_while_another_holds_the_write_lock_waits_then_lands(demo_files, sqlite_engine,
                                                                   monkeypatch):
    """The writing process waits for SQLite's lock (busy timeout) instead of failing: it opens
    the database while another connection holds the write lock, is still waiting (alive, no
    answer) a while later, gets the lock only after the other lets go, and the import lands.
    The lock is released on those observations, not after a fixed time."""
    import threading

    from geo import snapshot_writer

    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to see the writer process open the database")
    engine = sqlite_engine
    database = Path(engine.url.database).resolve()
    events: list[str] = []
    problems: list[str] = []
    started = threading.Event()
    writers: list = []

    class WatchedWriter(snapshot_writer.SqliteWriterProcess):
        def __init__(self, path: str) -> None:
            super().__init__(path)
            writers.append(self)
            events.append("writer started")
            started.set()

        def _answer(self):  # noqa: ANN202
            answer = super()._answer()  # the first one also reads "BEGIN IMMEDIATE done"
            if "writer holds the lock" not in events:
                events.append("writer holds the lock")
            return answer

    monkeypatch.setattr(snapshot_writer, "SqliteWriterProcess", WatchedWriter)

    def release_when_the_writer_waits(conn) -> None:  # noqa: ANN001
        try:
            if not started.wait(60) or not writers:
                problems.append("no writer process was started")
                return
            proc = writers[0].proc
            deadline = time.monotonic() + 60
            while not _has_open(proc.pid, database) and proc.poll() is None:
                if time.monotonic() > deadline:
                    problems.append("the writer never opened the database")
                    return
                time.sleep(0.02)
            time.sleep(1.0)  # it runs three PRAGMAs, then BEGIN IMMEDIATE: now it is waiting
            if proc.poll() is not None:
                problems.append(f"the writer ended (exit {proc.returncode}) while the lock "
                                "was held instead of waiting for it")
            elif "writer holds the lock" in events:
                problems.append("the writer answered while another connection held the lock")
        finally:
            events.append("lock released")
            conn.rollback()

    with engine.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        releaser = threading.Thread(target=release_when_the_writer_waits, args=(conn,))
        releaser.start()
        try:
            result = import_households(engine, demo_files.register, "2026-09")
        finally:
            started.set()  # the import ended before its writer started: stop waiting for it
            releaser.join()
    assert not problems, problems
    assert events == ["writer started", "lock released", "writer holds the lock"]
    assert store.household_count(engine, result.snapshot_id) == result.counts["accepted"]


def test_import_gives_up_on_a_lock_held_too_long_with_a_message(demo_files, sqlite_engine,
                                                                  monkeypatch):
    from geo import sqlite_writer

    engine = sqlite_engine
    before = import_households(engine, demo_files.register, "2026-09")
    monkeypatch.setattr(sqlite_writer, "BUSY_TIMEOUT_MS", 200)
    with engine.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        with pytest.raises(ImportFailed, match="sedang dipakai"):
            import_households(engine, demo_files.register, "2026-09")
        conn.rollback()
    assert store.snapshot_for(engine, "2026-09")["id"] == before.snapshot_id


def test_postgresql_copy_stores_what_sqlite_stores(demo_files, sqlite_engine, pg_engine):
    """The COPY writer (geo.postgres_writer) against SQLite's: the same rows, values, NULLs
    and empty texts, quarantine and counts."""
    from geo import postgres_writer, snapshot_writer

    with pg_engine.begin() as conn:
        assert isinstance(snapshot_writer._sql_writer(conn), postgres_writer.PostgresWriter)
    stored = {}
    for name, eng in (("sqlite", sqlite_engine), ("postgresql", pg_engine)):
        result = import_households(eng, demo_files.register, "2026-09", chunk_rows=700)
        rows = store.load_households(eng, result.snapshot_id).sort_values("row_number")
        stored[name] = (result.counts, rows.reset_index(drop=True),
                        store.load_quarantine(eng, result.snapshot_id))
    (lite_counts, lite_rows, lite_q), (pg_counts, pg_rows, pg_q) = stored.values()
    assert lite_counts == pg_counts and len(pg_rows) == pg_counts["accepted"]
    for column in lite_rows:
        lite, pg = lite_rows[column].astype(object), pg_rows[column].astype(object)
        assert (lite.isna() == pg.isna()).all(), column
        known = lite.notna()
        if pd.api.types.is_numeric_dtype(lite_rows[column]):
            assert (lite_rows[column][known] == pg_rows[column][known]).all(), column
        else:
            assert lite[known].tolist() == pg[known].tolist(), column
    pd.testing.assert_frame_equal(lite_q, pg_q)


def test_postgresql_failure_midway_leaves_previous_snapshot(demo_files, pg_engine,
                                                            monkeypatch):
    from geo import postgres_writer

    before = import_households(pg_engine, demo_files.register, "2026-09")
    calls = {"n": 0}
    real = postgres_writer.copy_arrow

    def broken(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] >= 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(postgres_writer, "copy_arrow", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        import_households(pg_engine, demo_files.register, "2026-09", chunk_rows=500)
    assert calls["n"] >= 2  # the first part was stored before the failure
    monkeypatch.undo()
    assert store.snapshot_for(pg_engine, "2026-09")["id"] == before.snapshot_id
    assert store.household_count(pg_engine, before.snapshot_id) == before.counts["accepted"]


def test_two_imports_of_one_new_period_at_once_the_second_gets_a_message(demo_files,
                                                                         pg_engine):
    """PostgreSQL, several officers: while one import of a new period is being written,
    another import of that period stops with a message naming the file and the period (it
    used to wait, then end in ``IntegrityError … Key (period)=… already exists``); the first
    lands, and afterwards the period can be imported again as usual."""
    import threading

    from geo import snapshot_writer

    outcome: dict = {}
    with snapshot_writer.open_snapshot(pg_engine, "2026-11", "pertama.csv") as first:
        def second() -> None:
            try:
                outcome["result"] = import_households(pg_engine, demo_files.register,
                                                      "2026-11")
            except BaseException as err:  # noqa: BLE001 - checked below
                outcome["error"] = err

        worker = threading.Thread(target=second)
        worker.start()
        worker.join(60)  # before the fix it waits for the first transaction to end
        first.finish(pd.DataFrame(columns=["row_number", "values_json", "reasons"]),
                     {"rows_read": 0}, {})
    worker.join()
    error = outcome.get("error")
    assert isinstance(error, ImportFailed), repr(error or outcome)
    assert "periode 2026-11 sedang diimpor" in str(error)
    assert demo_files.register.name in str(error)
    assert store.snapshot_for(pg_engine, "2026-11")["source_file"] == "pertama.csv"
    again = import_households(pg_engine, demo_files.register, "2026-11")
    assert store.snapshot_for(pg_engine, "2026-11")["id"] == again.snapshot_id


def test_names_callers_import_from_here_stay_importable():
    from geo import households

    for name in households.__all__:
        assert getattr(households, name) is not None, name
