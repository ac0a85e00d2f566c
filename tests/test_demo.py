"""The demo city: a real-looking, deterministic, fictional city."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from geo import codes, store
from geo.demo import (
    CITY_CODE,
    PROVINCE_CODE,
    add_defects,
    build_city,
    generate_households,
    load_demo,
    register_frame,
)
from tests.conftest import DEMO_HOUSEHOLDS, DEMO_SEED


def test_city_tiles_without_gaps_or_overlaps():
    kel, _ = build_city(7)
    assert len(kel) >= 40 and kel["kode_kec"].nunique() >= 6
    assert kel.is_valid.all()
    utm = kel.to_crs(kel.estimate_utm_crs())
    union = shapely.union_all(utm.geometry.values)
    assert union.geom_type == "Polygon" and len(union.interiors) == 0  # no gaps
    assert abs(utm.area.sum() - union.area) < 1.0  # m²: no overlaps
    assert union.area > 50e6  # a city, not a village


def test_codes_are_kemendagri_under_an_unused_province():
    kel, _ = build_city(7)
    assert PROVINCE_CODE == "99"
    for kode, kec in zip(kel["kode_kel"], kel["kode_kec"]):
        assert codes.normalize_code(kode) == kode and kode.startswith(CITY_CODE + ".")
        assert codes.parent_code(kode) == kec and kode[9] == "1"  # kelurahan, not desa
    assert kel["kode_kel"].is_unique and kel["nama_kel"].is_unique


def test_every_household_lies_inside_its_kelurahan():
    kel, river = build_city(7)
    hh = generate_households(kel, river, 4_000, 7)
    polys = kel.set_index("kode_kel").geometry
    inside = shapely.contains_xy(polys.loc[hh["kode_benar"]].to_numpy(), hh["bujur"], hh["lintang"])
    assert inside.all()


def test_poverty_is_clustered_and_programs_reach_the_poor():
    kel, river = build_city(7)
    hh = generate_households(kel, river, 20_000, 7)
    share = (hh["desil"] <= 4).groupby(hh["kode_benar"]).mean()
    assert share.min() < 0.2 and share.max() > 0.6  # some kelurahan much poorer than others
    poor = hh["desil"] <= 4
    assert hh.loc[poor, "penerima_bpnt"].mean() > 0.5 > 0.1 > hh.loc[~poor, "penerima_bpnt"].mean()
    excluded = poor & (hh[["penerima_bpnt", "penerima_pkh", "penerima_pbi_jkn"]].sum(axis=1) == 0)
    assert 0.03 < excluded.sum() / poor.sum() < 0.3  # exclusion errors exist
    bad_water = hh["sumber_air_minum"].isin(["sumur_tak_terlindung", "air_permukaan"])
    assert bad_water[poor].mean() > 2 * bad_water[~poor].mean()


def test_about_two_percent_of_rows_carry_real_world_defects():
    kel, river = build_city(7)
    hh = add_defects(generate_households(kel, river, 10_000, 7), 7)
    share = (hh["cacat"] != "").mean()
    assert 0.015 <= share <= 0.025
    assert {"nik_ilmiah", "koordinat_tertukar", "desil_11", "nama_ejaan"} <= set(hh["cacat"])


def test_register_uses_indonesian_headers():
    kel, river = build_city(7)
    frame = register_frame(generate_households(kel, river, 200, 7))
    assert {"NIK_KRT", "KODE_WILAYAH", "DESIL", "BPNT"} <= set(frame.columns)
    assert set(frame["BPNT"]) <= {"Ya", "Tidak"}


def _tables(url: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    engine = store.get_engine(url)
    regions = store.load_regions(engine)
    regions["wkb"] = shapely.to_wkb(regions.geometry.values, hex=True)
    snapshot = store.snapshot_for(engine)
    rows = store.load_households(engine, snapshot["id"]).sort_values("row_number")
    engine.dispose()
    return pd.DataFrame(regions.drop(columns="geometry")), rows.reset_index(drop=True)


def test_same_seed_gives_identical_tables(demo_db_path, tmp_path):
    """A second build with the session demo's seed and size gives the same tables (the first
    build is the shared ``demo_db_path``, built once for many tests)."""
    url = f"sqlite:///{tmp_path / 'b.sqlite'}"
    load_demo(store.get_engine(url), n=DEMO_HOUSEHOLDS, seed=DEMO_SEED,
              out_dir=tmp_path / "files_b")
    (regions_a, households_a), (regions_b, households_b) = (
        _tables(f"sqlite:///{demo_db_path}"), _tables(url))
    pd.testing.assert_frame_equal(regions_a, regions_b)
    pd.testing.assert_frame_equal(households_a, households_b)
    assert (len(households_a) > 0.93 * DEMO_HOUSEHOLDS
            and households_a["region_code"].notna().mean() > 0.97)


def test_demo_loads_through_the_import_path(demo_db_path):
    engine = store.get_engine(f"sqlite:///{demo_db_path}")
    snap = store.snapshot_for(engine)
    assert snap["is_demo"] and snap["rows_read"] == 3_000
    assert snap["accepted"] + snap["quarantined"] == snap["rows_read"]
    assert snap["quarantined"] > 0  # the defects were caught, not lost
    levels = store.load_regions(engine)["level"].value_counts()
    assert levels["kelurahan"] >= 40 and levels["kecamatan"] >= 6 and levels["kota"] == 1
    assert np.isclose(store.load_regions(engine, "kota").to_crs(3857).area.sum(),
                      store.load_regions(engine, "kelurahan").to_crs(3857).area.sum(), rtol=1e-6)
