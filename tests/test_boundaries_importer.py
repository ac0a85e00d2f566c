"""geo.boundaries.importer: regions replaced and households re-linked in one transaction."""

from __future__ import annotations

import pytest

from geo import link, snapshot_writer, store
from geo.boundaries import BoundaryImportFailed, import_boundaries
from geo.cli.import_boundaries import format_report
from tests.boundary_files import another_area, grid_city, write_geojson

pytestmark = pytest.mark.both_backends  # the database tests run on SQLite and PostgreSQL


def test_relink_runs_in_the_same_transaction(engine, tmp_path, monkeypatch):
    calls = []

    def relink_all(engine, conn=None):
        kel = conn.execute(store.regions.select().where(
            store.regions.c.level == "kelurahan")).all()
        calls.append(len(kel))
        return {"households": 0, "changed": 0}

    monkeypatch.setattr(snapshot_writer, "relink_all", relink_all)
    report = import_boundaries(engine, write_geojson(grid_city(), tmp_path))
    assert calls == [6]  # it sees the new regions before they are committed
    assert report.relink == {"households": 0, "changed": 0}

    def broken(engine, conn=None):
        raise RuntimeError("rusak")

    monkeypatch.setattr(snapshot_writer, "relink_all", broken)
    city = grid_city().iloc[:3]
    with pytest.raises(BoundaryImportFailed, match="penautan ulang"):
        import_boundaries(engine, write_geojson(city, tmp_path, "baru.geojson"))
    assert len(store.load_regions(engine, "kelurahan")) == 6  # rolled back


def test_reimport_keeps_and_relinks_households(demo_db_url, tmp_path):
    from geo.demo import build_city

    engine = store.get_engine(demo_db_url)
    kel, _ = build_city(7)
    same = tmp_path / "kelurahan.geojson"
    kel.to_file(same, driver="GeoJSON")
    report = import_boundaries(engine, same)
    assert report.relink["households"] > 0
    assert report.relink["changed"] == 0

    fewer = tmp_path / "kurang.geojson"
    kel.iloc[1:].to_file(fewer, driver="GeoJSON")
    report = import_boundaries(engine, fewer)
    assert report.relink["changed"] > 0
    assert report.relink["unlinked_after"] >= report.relink["unlinked_before"]
    assert store.snapshot_for(engine) is not None  # households stay
    assert link.unlinked_warning(report.relink["unlinked_after"],
                                 report.relink["households"]) is None  # one kelurahan fewer

    elsewhere = tmp_path / "kota_lain.geojson"
    another_area(kel).to_file(elsewhere, driver="GeoJSON")
    report = import_boundaries(engine, elsewhere)
    warning = link.unlinked_warning(report.relink["unlinked_after"],
                                    report.relink["households"])
    assert warning and "mencakup wilayah yang sama" in warning
    assert f"Peringatan: {warning}" in format_report(report)


def test_boundary_import_rebuilds_the_cache_of_moved_households(demo_db_url, tmp_path,
                                                                monkeypatch):
    """After new boundaries move households, the cache under the bumped links_version exists
    and holds the database's region codes."""
    import pandas as pd

    from geo import snapshot_cache
    from geo.demo import build_city

    monkeypatch.setenv("PETA_CACHE_DIR", str(tmp_path / "cache"))
    engine = store.get_engine(demo_db_url)
    before = store.snapshot_for(engine)
    kel, _ = build_city(7)
    fewer = tmp_path / "kurang.geojson"
    kel.iloc[1:].to_file(fewer, driver="GeoJSON")
    report = import_boundaries(engine, fewer)
    assert report.relink["changed"] > 0 and report.relink["relinked"] == [before["id"]]
    snap = store.snapshot_for(engine)
    assert snap["links_version"] == before["links_version"] + 1
    path = snapshot_cache.cache_path(engine, snap)
    assert path.name.endswith(f"_l{snap['links_version']}.parquet") and path.exists()
    cached = pd.read_parquet(path, columns=["row_number", "region_code"])
    stored = store.load_households(engine, snap["id"], ["row_number", "region_code"])
    merged = stored.merge(cached, on="row_number", suffixes=("_db", "_cache"))
    assert len(merged) == len(stored) == len(cached)
    assert merged["region_code_db"].isna().sum() > 0  # the households of the lost kelurahan
    assert merged["region_code_db"].fillna("").tolist() == \
        merged["region_code_cache"].fillna("").tolist()


def test_boundaries_that_move_nobody_build_no_cache(demo_db_url, tmp_path, monkeypatch):
    from geo.demo import build_city

    monkeypatch.setenv("PETA_CACHE_DIR", str(tmp_path / "cache"))
    engine = store.get_engine(demo_db_url)
    kel, _ = build_city(7)
    same = tmp_path / "kelurahan.geojson"
    kel.to_file(same, driver="GeoJSON")
    report = import_boundaries(engine, same)
    assert report.relink["changed"] == 0 and report.relink["relinked"] == []
    assert not list((tmp_path / "cache").rglob("*.parquet"))


def test_a_boundary_import_while_the_database_is_busy_says_so(tmp_path):
    """Issue 20, finding 10: another process (a household import) holds SQLite's write lock:
    the boundary import ends with a message and changes nothing, no 'database is locked'
    traceback."""
    import sqlite3

    path = tmp_path / "sibuk.sqlite"
    engine = store.get_engine(f"sqlite:///{path}")
    import_boundaries(engine, write_geojson(grid_city(), tmp_path))
    other = sqlite3.connect(path)
    other.execute("BEGIN IMMEDIATE")  # as the household import's writer process does
    try:
        with pytest.raises(BoundaryImportFailed, match=r"baru\.geojson: basis data sedang "
                                                       r"dipakai proses lain"):
            import_boundaries(engine, write_geojson(grid_city().iloc[:3], tmp_path,
                                                    "baru.geojson"))
    finally:
        other.rollback()
        other.close()
    assert len(store.load_regions(engine, "kelurahan")) == 6
