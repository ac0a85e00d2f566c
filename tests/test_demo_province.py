"""geo.demo_province and ``python -m geo demo --boundaries``: a fictional register over any
boundary file, imported through the user's boundary and household imports."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import shapely

from geo import store
from geo.cli import exit_codes, main
from geo.demo import build_city
from geo.demo_province import (
    _chunks,
    household_counts,
    is_urban,
    load_province_demo,
    unique_niks,
)
from geo.proposals.importer import load_proposals

N = 2_000


@pytest.fixture()
def boundaries_file(tmp_path):
    """A small boundary file of 12 kelurahan in 3 kecamatan, written as a user would give it."""
    kel, _ = build_city(7, n_kelurahan=12, n_kecamatan=3)
    path = tmp_path / "batas.geojson"
    kel.to_file(path, driver="GeoJSON")
    return path


@pytest.fixture()
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    monkeypatch.setenv("PETA_DB_URL", url)
    return url


def test_demo_command_over_a_boundary_file_links_every_household_in_its_period(
        boundaries_file, db, capsys):
    code = main(["demo", "--boundaries", str(boundaries_file), "--households", str(N),
                 "--period", "2026-11", "--json"])
    out = capsys.readouterr()
    assert code == exit_codes.OK, out.err
    summary = json.loads(out.out)
    assert summary["period"] == "2026-11"
    assert summary["rows_read"] == summary["accepted"] == summary["linked_by_code"] == N
    assert summary["unlinked"] == summary["conflicts"] == summary["quarantined"] == 0
    assert summary["levels"]["kelurahan"] == 12
    engine = store.get_engine(db)
    snapshot = store.snapshot_for(engine, "2026-11")
    assert snapshot is not None and snapshot["is_demo"]  # opens as demo data
    households = store.load_households(engine, int(snapshot["id"]))
    assert len(households) == N and households["region_code"].notna().all()


def test_households_sit_inside_the_kelurahan_their_code_names(boundaries_file, db, tmp_path,
                                                               monkeypatch):
    monkeypatch.setattr("geo.demo_province.CHUNK_HOUSEHOLDS", 500)  # written in several parts
    engine = store.get_engine(db)
    demo = load_province_demo(engine, boundaries_file, N, seed=3, out_dir=tmp_path / "files")
    assert int(demo.per_area.sum()) == N and (demo.per_area > 0).all()
    register = (tmp_path / "files" / "register_demo_wilayah.csv")
    assert register.exists()
    households = store.load_households(engine, int(demo.households.snapshot_id))
    stored = households["region_code"].value_counts().reindex(demo.per_area.index)
    assert stored.tolist() == demo.per_area.tolist()  # counts per kelurahan sum to N
    regions = store.load_regions(engine, level="kelurahan").set_index("kode")
    polygons = regions.geometry.reindex(households["region_code"]).to_numpy()
    assert shapely.contains_xy(polygons, households["bujur"], households["lintang"]).all()
    assert households["id_keluarga"].is_unique and households["nik_krt"].is_unique
    assert households["desil"].between(1, 10).all()


def test_the_province_demo_gives_the_referral_and_proposal_pages_data(boundaries_file, db,
                                                                     tmp_path):
    """Rujukan and Usulan are planning pages too: at a province's size they must have data to
    be tried (and timed by bench/bench_planning.py), as in the demo city."""
    engine = store.get_engine(db)
    demo = load_province_demo(engine, boundaries_file, N, seed=3, out_dir=tmp_path / "files")
    referrals = demo.referrals.counts
    assert referrals["accepted"] > 0
    assert referrals["accepted"] + referrals["quarantined"] == referrals["rows_read"]
    assert demo.service_points.counts["accepted"] > 0
    assert demo.proposals.accepted > 0
    assert demo.proposals.accepted + demo.proposals.quarantined == demo.proposals.rows_read
    codes = set(demo.per_area.index)
    stored = load_proposals(engine)
    assert len(stored) == demo.proposals.accepted
    assert set(stored["region_code"].dropna()) <= codes


def test_a_broken_boundary_file_is_named_in_indonesian_without_a_traceback(tmp_path, db,
                                                                           capsys):
    broken = tmp_path / "rusak.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    code = main(["demo", "--boundaries", str(broken), "--households", "500"])
    err = capsys.readouterr().err
    assert code == exit_codes.FAILED
    assert err.startswith("Gagal: ") and "rusak.geojson" in err
    assert "Traceback" not in err
    assert store.region_count(store.get_engine(db)) == 0  # nothing stored


def test_period_needs_boundaries(db, capsys):
    assert main(["demo", "--period", "2026-11"]) == exit_codes.FAILED
    assert "--boundaries" in capsys.readouterr().err


def test_households_are_shared_by_area_and_alike_with_kelurahan_twice_a_desa():
    rng = np.random.default_rng(1)
    area = np.array([1.0, 1.0, 10.0, 10.0])
    urban = is_urban(pd.Series(
        ["36.01.01.1001", "36.01.01.2001", "36.01.01.1002", "36.01.01.2002"]))
    assert urban.tolist() == [True, False, True, False]
    counts = household_counts(area, urban, 1_000_000, rng)
    assert counts.sum() == 1_000_000
    assert counts[0] / counts[1] == pytest.approx(2, rel=0.02)
    assert counts[2] > counts[0] and counts[3] > counts[1]


def test_parts_are_cut_between_kecamatan_and_cover_every_area():
    counts = np.array([100, 100, 100, 100, 100, 100])
    kecamatan = np.array(["36.01.01", "36.01.01", "36.01.02", "36.01.02", "36.01.02", "36.01.03"])
    parts = _chunks(counts, kecamatan, 150)
    assert parts == [(0, 2), (2, 5), (5, 6)]


def test_repeated_niks_get_other_serials():
    nik = pd.Series(["3601011201900001"] * 50 + ["3601011201900002"])
    fixed = unique_niks(nik, np.random.default_rng(1))
    assert fixed.is_unique and fixed.str.len().eq(16).all()
    assert fixed.str[:12].eq("360101120190").all()
