"""Storage: schema on first use, regions round trip, snapshots replace a period whole."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box
from sqlalchemy.exc import IntegrityError

from geo import store
from geo.snapshot_writer import write_snapshot
from geo.sqlite_writer import WriterFailed

pytestmark = pytest.mark.both_backends  # the `engine` tests run on SQLite and PostgreSQL


def _regions() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"kode": ["99.71.01.1001", "99.71.01.1002", "99.71.01"],
         "nama": ["Satu", "Dua", "Kec"], "level": ["kelurahan", "kelurahan", "kecamatan"],
         "kode_induk": ["99.71.01", "99.71.01", "99.71"]},
        geometry=[box(110, -7, 110.01, -6.99), box(110.01, -7, 110.02, -6.99),
                  box(110, -7, 110.02, -6.99)], crs=4326)


def _households(n: int, desil: int = 3) -> pd.DataFrame:
    return pd.DataFrame({"row_number": range(2, n + 2), "id_keluarga": [f"K{i}" for i in range(n)],
                         "desil": desil, "jumlah_art": 4, "region_code": "99.71.01.1001"})


EMPTY_QUARANTINE = pd.DataFrame(columns=["row_number", "values_json", "reasons"])


def test_database_file_and_schema_created_on_first_use(tmp_path):
    path = tmp_path / "new" / "peta.sqlite"
    eng = store.get_engine(f"sqlite:///{path}")
    assert path.exists()
    assert store.region_count(eng) == 0
    assert store.snapshot_for(eng) is None
    eng.dispose()


def test_database_url_comes_from_environment(monkeypatch):
    monkeypatch.setenv("PETA_DB_URL", "sqlite:////tmp/elsewhere.sqlite")
    assert store.database_url() == "sqlite:////tmp/elsewhere.sqlite"
    monkeypatch.delenv("PETA_DB_URL")
    assert store.database_url().endswith("data/peta.sqlite")


def test_regions_round_trip_by_level(engine):
    store.replace_regions(engine, _regions(), "batas.geojson")
    kel = store.load_regions(engine, "kelurahan")
    assert list(kel["kode"]) == ["99.71.01.1001", "99.71.01.1002"]
    assert kel.crs.to_epsg() == 4326
    assert kel.geometry.iloc[0].equals(box(110, -7, 110.01, -6.99))
    assert len(store.load_regions(engine)) == 3


def test_snapshot_counts_and_rows_stored(engine):
    sid = write_snapshot(engine, "2026-09", "a.csv", _households(5), EMPTY_QUARANTINE,
                         {"rows_read": 5, "accepted": 5})
    snap = store.snapshot_for(engine, "2026-09")
    assert snap["id"] == sid and snap["rows_read"] == 5 and snap["accepted"] == 5
    rows = store.load_households(engine, sid)
    assert len(rows) == 5 and set(rows["region_code"]) == {"99.71.01.1001"}


def test_reimporting_a_period_replaces_it_whole_and_keeps_other_periods(engine):
    write_snapshot(engine, "2026-03", "old.csv", _households(3), EMPTY_QUARANTINE, {})
    write_snapshot(engine, "2026-09", "a.csv", _households(5), EMPTY_QUARANTINE, {})
    sid = write_snapshot(engine, "2026-09", "b.csv", _households(2, desil=9),
                         EMPTY_QUARANTINE, {})
    assert list(store.list_snapshots(engine)["period"]) == ["2026-09", "2026-03"]
    rows = store.load_households(engine, sid)
    assert len(rows) == 2 and set(rows["desil"]) == {9}
    assert store.household_count(engine, store.snapshot_for(engine, "2026-03")["id"]) == 3


def test_failed_write_leaves_previous_snapshot(engine):
    sid = write_snapshot(engine, "2026-09", "a.csv", _households(4), EMPTY_QUARANTINE, {})
    broken = _households(3)
    broken["row_number"] = None  # NOT NULL: the insert fails midway
    with pytest.raises((IntegrityError, WriterFailed), match="(?i)not.null"):
        write_snapshot(engine, "2026-09", "b.csv", broken, EMPTY_QUARANTINE, {})
    snap = store.snapshot_for(engine, "2026-09")
    assert snap["id"] == sid and snap["source_file"] == "a.csv"
    assert store.household_count(engine, sid) == 4


def test_a_database_made_before_links_version_gets_the_column(tmp_path):
    import sqlite3

    from geo import store

    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as conn:  # the snapshots table as older versions made it
        conn.execute("CREATE TABLE snapshots (id INTEGER PRIMARY KEY, period VARCHAR(7) NOT "
                     "NULL UNIQUE, source_file TEXT, imported_at DATETIME NOT NULL, is_demo "
                     "BOOLEAN NOT NULL, report TEXT)")
        conn.execute("INSERT INTO snapshots VALUES (1, '2026-01', 'x.csv', "
                     "'2026-01-05 10:00:00', 0, '{}')")
    engine = store.get_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        got = conn.execute(store.select(store.snapshots.c.links_version)).scalar()
    assert got == 0


def test_postgresql_regions_are_a_postgis_layer_with_a_spatial_index(pg_db_url):
    """On PostgreSQL the boundaries are also a PostGIS geometry column (EPSG:4326) with a GiST
    index, so QGIS opens the regions table directly; the WKB the app reads is unchanged."""
    from sqlalchemy import text

    engine = store.get_engine(pg_db_url)
    store.replace_regions(engine, _regions(), "batas.geojson")
    with engine.connect() as conn:
        layer = conn.execute(text(
            "SELECT type, srid FROM geometry_columns WHERE f_table_name = 'regions' "
            "AND f_geometry_column = 'geom'")).one()
        index = conn.execute(text(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'regions' "
            "AND indexdef ILIKE '%USING gist (geom)%'")).scalar_one()
        hit = conn.execute(text(
            "SELECT kode FROM regions WHERE level = 'kelurahan' AND "
            "ST_Contains(geom, ST_SetSRID(ST_MakePoint(110.015, -6.995), 4326))")).scalars().all()
        area_ok = conn.execute(text(
            "SELECT bool_and(ST_Equals(geom, ST_GeomFromWKB(geometry, 4326))) FROM regions"
        )).scalar_one()
    assert layer == ("GEOMETRY", 4326) and "gist" in index.lower()
    assert hit == ["99.71.01.1002"] and area_ok
    assert store.load_regions(engine, "kelurahan").geometry.iloc[0].equals(
        box(110, -7, 110.01, -6.99))


def test_a_sqlite_file_serves_many_sessions_at_once(tmp_path):
    """Each of 60 threads holds a connection at the same time (50 sessions opening together
    exhausted SQLAlchemy's default pool of 5 + 10)."""
    import threading

    from sqlalchemy import text

    engine = store.get_engine(f"sqlite:///{tmp_path / 'many.sqlite'}")
    barrier, errors = threading.Barrier(60, timeout=60), []

    def session() -> None:
        try:
            with engine.connect() as conn:
                barrier.wait()  # every thread holds its connection here
                conn.execute(text("SELECT count(*) FROM snapshots")).one()
        except Exception as err:  # noqa: BLE001
            errors.append(err)

    threads = [threading.Thread(target=session) for _ in range(60)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine.dispose()
    assert errors == []
