"""Linking households to kelurahan: point index, names, conflicts, re-linking."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from geo import store
from geo.demo import build_city
from geo.link import (
    CONFLICT_METRES,
    PointIndex,
    RegionIndex,
    link_frame,
    normalize_name,
)
from geo.snapshot_writer import relink_all, write_snapshot

LON0, LAT0, STEP = 110.0, -7.0, 0.01  # 3x3 squares of about 1.1 km

NAMES = [  # (kode, nama, kecamatan)
    ("99.71.01.1001", "Pondok Kacang Barat", "Sukamaju"),
    ("99.71.01.1002", "Pondok Kacang Timur", "Sukamaju"),
    ("99.71.01.1003", "Sukajaya", "Sukamaju"),
    ("99.71.02.1001", "Mekarsari", "Cempaka Putih"),
    ("99.71.02.1002", "Kali Baru", "Cempaka Putih"),
    ("99.71.02.1003", "Sukajaya", "Cempaka Putih"),  # same name, other kecamatan
    ("99.71.03.1001", "Tanjung Sari", "Rawa Indah"),
    ("99.71.03.1002", "Bukit Indah", "Rawa Indah"),
    ("99.71.03.1003", "Gunung Sari", "Rawa Indah"),
]
KEC = {"99.71.01": "Sukamaju", "99.71.02": "Cempaka Putih", "99.71.03": "Rawa Indah"}


def squares() -> gpd.GeoDataFrame:
    geoms = [box(LON0 + (i % 3) * STEP, LAT0 + (i // 3) * STEP,
                 LON0 + (i % 3 + 1) * STEP, LAT0 + (i // 3 + 1) * STEP) for i in range(9)]
    return gpd.GeoDataFrame({"kode": [n[0] for n in NAMES], "nama": [n[1] for n in NAMES],
                             "level": "kelurahan", "kode_induk": [n[0][:8] for n in NAMES]},
                            geometry=geoms, crs=4326)


def kecamatan() -> gpd.GeoDataFrame:
    kel = squares()
    kel["kec"] = kel["kode_induk"]
    kec = kel.dissolve("kec", as_index=False)
    return gpd.GeoDataFrame({"kode": kec["kec"], "nama": kec["kec"].map(KEC),
                             "level": "kecamatan", "kode_induk": "99.71"},
                            geometry=kec.geometry, crs=4326)


@pytest.fixture
def regions() -> RegionIndex:
    return RegionIndex.from_frames(squares(), kecamatan())


def centre(i: int) -> tuple[float, float]:
    return LON0 + (i % 3 + 0.5) * STEP, LAT0 + (i // 3 + 0.5) * STEP


def test_point_index_agrees_with_sjoin_on_the_demo_city():
    kel, _ = build_city(5, n_kelurahan=30, n_kecamatan=4, radius_km=5)
    rng = np.random.default_rng(1)
    minx, miny, maxx, maxy = kel.total_bounds
    x = rng.uniform(minx - 0.01, maxx + 0.01, 20_000)
    y = rng.uniform(miny - 0.01, maxy + 0.01, 20_000)
    x[:5] = np.nan
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=4326)
    joined = gpd.sjoin(pts, kel[["geometry"]], predicate="within", how="left")
    expected = joined[~joined.index.duplicated()]["index_right"].fillna(-1).astype(int)
    for cells in (2**10, 2**16):  # coarse grid: most points go through the exact test
        got = PointIndex(kel.geometry.to_numpy(), cells=cells).lookup(x, y)
        assert (got == expected.to_numpy()).all()
        assert (got[:5] == -1).all()


def test_point_on_a_shared_edge_goes_to_one_kelurahan(regions):
    index = regions.points(10)
    got = index.lookup(np.array([LON0 + STEP]), np.array([LAT0 + 0.5 * STEP]))
    assert got[0] in (0, 1)


@pytest.mark.parametrize("raw, expected", [
    ("Kel. Pd. Kacang  Brt", "pondok kacang barat"),
    ("PONDOK KACANG BARAT", "pondok kacang barat"),
    ("Desa Tj. Sari", "tanjung sari"),
    ("Ds. Gn. Sari", "gunung sari"),
    ("K. Baru", "kali baru"),
    (None, ""),
])
def test_normalize_name(raw, expected):
    assert normalize_name(raw) == expected


def frame(**cols) -> pd.DataFrame:
    n = max(len(v) for v in cols.values())
    base = {c: [None] * n for c in ("kode_kelurahan", "nama_kelurahan", "nama_kecamatan")}
    base.update({"lintang": [np.nan] * n, "bujur": [np.nan] * n})
    base.update(cols)
    return pd.DataFrame(base)


def test_code_in_any_written_form(regions):
    links = link_frame(frame(kode_kelurahan=["99.71.01.1002", "9971011002", "99 71 01 1002",
                                             "9971011002.0"]), regions)
    assert (links["region_code"] == "99.71.01.1002").all()
    assert (links["link_method"] == "kode").all()


def test_names_with_spelling_variants_link_within_the_kecamatan(regions):
    names = ["Pd. Kacang Brt", "PONDOK KACANG BARAT", "Pondok Kacang Brt", "Kel. Pondok Kacang "
             "Barat", "pondok  kacang  barat", "Pondok Kacang Barat."]
    links = link_frame(frame(nama_kelurahan=names, nama_kecamatan=["SUKAMAJU"] * len(names)),
                       regions)
    assert (links["region_code"] == "99.71.01.1001").all()
    assert (links["link_method"] == "nama").all()


def test_ambiguous_name_stays_unlinked_with_candidates(regions):
    links = link_frame(frame(nama_kelurahan=["Sukajaya", "Sukajaya", "Sukajaya"],
                             nama_kecamatan=[None, "Cempaka Putih", "Kecamatan Entah"]), regions)
    assert pd.isna(links["region_code"].iat[0])
    assert "ambigu" in links["link_note"].iat[0]
    assert "99.71.01.1003" in links["link_note"].iat[0]
    assert "99.71.02.1003" in links["link_note"].iat[0]
    assert links["region_code"].iat[1] == "99.71.02.1003"
    assert pd.isna(links["region_code"].iat[2])  # unknown kecamatan: still two candidates


def test_unknown_name_is_not_guessed(regions):
    links = link_frame(frame(nama_kelurahan=["Antah Berantah", "Pondok"],
                             nama_kecamatan=["Sukamaju", "Sukamaju"]), regions)
    assert links["region_code"].isna().all()
    assert links["link_note"].str.contains("tidak dikenal|ambigu").all()


def test_point_when_no_code_or_name(regions):
    x, y = centre(4)
    links = link_frame(frame(lintang=[y, -5.5], bujur=[x, 110.2]), regions)
    assert links["region_code"].iat[0] == "99.71.02.1002"
    assert links["link_method"].iat[0] == "titik"
    assert pd.isna(links["region_code"].iat[1])
    assert "di luar" in links["link_note"].iat[1]


def test_conflict_only_beyond_200_m(regions):
    # kelurahan 0 spans LON0 .. LON0+STEP; points east of it, 100 m and 400 m outside
    m_per_deg = 111_320 * np.cos(np.radians(LAT0 + 0.5 * STEP))
    lon_near = LON0 + STEP + 100 / m_per_deg
    lon_far = LON0 + STEP + 400 / m_per_deg
    lat = LAT0 + 0.5 * STEP
    links = link_frame(frame(kode_kelurahan=["99.71.01.1001"] * 3,
                             lintang=[lat, lat, -5.6], bujur=[lon_near, lon_far, 110.2]),
                       regions)
    assert (links["region_code"] == "99.71.01.1001").all()  # the code wins
    assert links["link_conflict"].tolist() == [0, 1, 1]
    assert "m di luar kelurahan kodenya" in links["link_note"].iat[1]
    assert CONFLICT_METRES == 200


def test_unknown_code_falls_back_to_name_then_point(regions):
    x, y = centre(8)
    links = link_frame(frame(kode_kelurahan=["3674011001", "3674011001"],
                             nama_kelurahan=["Mekarsari", None],
                             nama_kecamatan=["Cempaka Putih", None],
                             lintang=[np.nan, y], bujur=[np.nan, x]), regions)
    assert links["link_method"].tolist() == ["nama", "titik"]
    assert links["region_code"].tolist() == ["99.71.02.1001", "99.71.03.1003"]
    assert links["link_note"].str.contains("36.74.01.1001 tidak ada").all()


def test_relinking_against_the_same_boundaries_changes_nothing(tmp_path):
    """Rows that stay unlinked (a point outside, no code) are not counted as moved."""
    engine = store.get_engine(f"sqlite:///{tmp_path / 's.sqlite'}")
    store.replace_regions(engine, pd.concat([squares(), kecamatan()], ignore_index=True))
    x, y = centre(4)
    rows = frame(kode_kelurahan=["99.71.01.1002", None, None],
                 nama_kelurahan=[None, None, None], nama_kecamatan=[None, None, None],
                 lintang=[np.nan, y, y + 1.0], bujur=[np.nan, x, x + 1.0])
    rows["row_number"] = [2, 3, 4]
    rows["id_keluarga"] = ["a", "b", "c"]
    links = link_frame(rows, RegionIndex.from_store(engine))
    assert links["link_method"].tolist()[:2] == ["kode", "titik"]
    assert links["region_code"].isna().tolist() == [False, False, True]
    write_snapshot(engine, "2026-01", "x.csv", pd.concat([rows, links], axis=1),
                   pd.DataFrame(columns=["row_number", "values_json", "reasons"]),
                   {"rows_read": 3, "accepted": 3})
    summary = relink_all(engine)
    assert summary["changed"] == 0
    assert summary["unlinked_before"] == summary["unlinked_after"] == 1


def test_relink_all_after_new_boundaries(tmp_path):
    engine = store.get_engine(f"sqlite:///{tmp_path / 'r.sqlite'}")
    x, y = centre(0)
    rows = frame(kode_kelurahan=["99.71.01.1002", None, None],
                 nama_kelurahan=[None, "Mekarsari", None],
                 nama_kecamatan=[None, "Cempaka Putih", None],
                 lintang=[np.nan, np.nan, y], bujur=[np.nan, np.nan, x])
    rows["row_number"] = [2, 3, 4]
    rows["id_keluarga"] = ["a", "b", "c"]
    links = link_frame(rows, RegionIndex.from_frames(squares().iloc[:0]))
    assert links["region_code"].isna().all()
    stored = pd.concat([rows, links], axis=1)
    counts = {"rows_read": 3, "accepted": 3, "unlinked": 3}
    sid = write_snapshot(engine, "2026-01", "x.csv", stored, pd.DataFrame(
        columns=["row_number", "values_json", "reasons"]), counts)
    store.replace_regions(engine, pd.concat([squares(), kecamatan()], ignore_index=True))
    summary = relink_all(engine)
    assert summary["households"] == 3
    assert summary["unlinked_before"] == 3 and summary["unlinked_after"] == 0
    assert summary["changed"] == 3
    after = store.load_households(engine, sid).sort_values("row_number")
    assert after["link_method"].tolist() == ["kode", "nama", "titik"]
    assert after["region_code"].tolist() == ["99.71.01.1002", "99.71.02.1001", "99.71.01.1001"]
    snap = store.snapshot_for(engine, "2026-01")
    assert (snap["linked_by_code"], snap["linked_by_name"], snap["linked_by_point"],
            snap["unlinked"]) == (1, 1, 1, 0)
    assert snap["accepted"] == 3


def test_relink_after_import_changes_nothing_and_keeps_row_notes(tmp_path):
    from geo.households import import_households
    from tests import corpus

    engine = corpus.engine_with_regions(tmp_path)
    path = corpus.csv_case(lambda f: corpus._swap(f, [0, 1]))(tmp_path)
    result = import_households(engine, path, "2026-09")
    before = store.load_households(engine, result.snapshot_id).sort_values("row_number")
    summary = relink_all(engine)
    assert summary["changed"] == 0 and summary["households"] == result.counts["accepted"]
    after = store.load_households(engine, result.snapshot_id).sort_values("row_number")
    assert after["link_note"].fillna("").tolist() == before["link_note"].fillna("").tolist()
    assert after["link_note"].fillna("").str.contains("tertukar").sum() == 2
    snap = store.snapshot_for(engine, "2026-09")
    assert snap["linked_by_code"] == result.counts["linked_by_code"]


def test_relink_when_boundaries_lose_a_kelurahan(tmp_path):
    from geo.households import import_households
    from tests import corpus

    engine = corpus.engine_with_regions(tmp_path)
    result = import_households(engine, corpus.csv_case(lambda f: None)(tmp_path), "2026-09")
    table = corpus.region_table()
    gone = store.load_households(engine, result.snapshot_id)["region_code"].iat[0]
    store.replace_regions(engine, table[table["kode"] != gone])
    summary = relink_all(engine)
    after = store.load_households(engine, result.snapshot_id)
    lost = after[after["kode_kelurahan"] == gone]
    assert summary["changed"] == len(lost) > 0
    assert lost["region_code"].isna().all()
    assert lost["link_note"].str.contains(f"kode {gone} tidak ada").all()
    assert store.snapshot_for(engine, "2026-09")["unlinked"] == len(lost)
