"""Boundary import finds code and name fields of BIG, BPS and city files, or takes overrides."""

from __future__ import annotations

import pandas as pd
import pytest

from geo import store
from geo.boundaries import BoundaryImportFailed, detect_fields, import_boundaries
from tests.boundary_files import grid_city, write_geojson


def test_big_fields_with_desa(engine, tmp_path):
    city = grid_city(desa=True, prefix="36.01")
    big = city.rename(columns={"kode_kel": "KDEPUM", "nama_kel": "WADMKD", "kode_kec": "KDCPUM",
                               "nama_kec": "WADMKC", "kode_kab": "KDPKAB", "nama_kab": "WADMKK",
                               "kode_prov": "KDPPUM", "nama_prov": "WADMPR"})
    report = import_boundaries(engine, write_geojson(big, tmp_path))
    assert report.fields["kode"] == "KDEPUM" and report.fields["nama"] == "WADMKD"
    assert report.desa == 6 and report.kelurahan == 0
    kec = store.load_regions(engine, "kecamatan")
    assert sorted(kec["nama"]) == ["Kec 1", "Kec 2"]
    assert store.load_regions(engine, "kota")["nama"].tolist() == ["Kota Uji"]


def test_bps_undotted_codes_are_dotted(engine, tmp_path):
    city = grid_city()
    bps = pd.DataFrame({"IDDESA": city["kode_kel"].str.replace(".", ""),
                        "NAMA_DESA": city["nama_kel"]})
    frame = city[["geometry"]].join(bps)
    import_boundaries(engine, write_geojson(frame, tmp_path))
    kel = store.load_regions(engine, "kelurahan")
    assert sorted(kel["kode"]) == sorted(city["kode_kel"])
    assert set(kel["kode_induk"]) == {"36.74.01", "36.74.02"}
    kec = store.load_regions(engine, "kecamatan")
    assert set(kec["kode_induk"]) == {"36.74"}
    assert set(kec["nama"]) == {"36.74.01", "36.74.02"}  # no kecamatan names in the file


def test_numeric_and_spaced_codes(engine, tmp_path):
    city = grid_city()
    frame = city[["geometry"]].assign(
        kode=[int(c.replace(".", "")) for c in city["kode_kel"]], nama=city["nama_kel"])
    import_boundaries(engine, write_geojson(frame, tmp_path))
    assert sorted(store.load_regions(engine, "kelurahan")["kode"]) == sorted(city["kode_kel"])


def test_override_fields(engine, tmp_path):
    city = grid_city()
    frame = city[["geometry"]].assign(ID_X=city["kode_kel"], LABEL=city["nama_kel"],
                                      CATATAN="x")
    path = write_geojson(frame, tmp_path)
    report = import_boundaries(engine, path, fields={"kode": "ID_X", "nama": "LABEL"})
    assert report.levels["kelurahan"] == 6
    # without the override the codes are found by content, but there is no name column
    with pytest.raises(BoundaryImportFailed, match="--field nama=KOLOM"):
        import_boundaries(engine, path)
    with pytest.raises(BoundaryImportFailed, match="kolom 'TIDAK_ADA'"):
        import_boundaries(engine, path, fields={"kode": "TIDAK_ADA", "nama": "LABEL"})
    with pytest.raises(BoundaryImportFailed, match="peran kolom 'warna'"):
        import_boundaries(engine, path, fields={"warna": "LABEL"})


def test_bad_codes_are_listed_and_nothing_changes(engine, tmp_path):
    import_boundaries(engine, write_geojson(grid_city(), tmp_path, "awal.geojson"))
    city = grid_city()
    city.loc[2, "kode_kel"] = "36.74.01.10O3"
    with pytest.raises(BoundaryImportFailed) as err:
        import_boundaries(engine, write_geojson(city, tmp_path))
    assert "fitur 3" in str(err.value) and "kode_kel" in str(err.value)
    assert store.region_count(engine) == 9


def test_empty_code_feature_is_dropped_and_reported(engine, tmp_path):
    city = grid_city()
    city.loc[5, "kode_kel"] = None
    report = import_boundaries(engine, write_geojson(city, tmp_path))
    assert report.levels["kelurahan"] == 5
    assert report.dropped[0]["fitur"] == 6


def test_kecamatan_file(engine, tmp_path):
    kec = grid_city().dissolve("kode_kec", as_index=False)
    frame = kec[["geometry"]].assign(kode=kec["kode_kec"].str.replace(".", ""),
                                     nama=kec["nama_kec"])
    report = import_boundaries(engine, write_geojson(frame, tmp_path))
    assert report.levels == {"kecamatan": 2, "kota": 1}
    assert sorted(store.load_regions(engine, "kecamatan")["nama"]) == ["Kec 1", "Kec 2"]


def test_detect_fields_prefers_specific_names():
    found = detect_fields(["OBJECTID", "KDEPUM", "NAMOBJ", "WADMKD", "WADMKC", "KDCPUM"])
    assert found["kode"] == "KDEPUM" and found["nama"] == "WADMKD"
    assert found["nama_kec"] == "WADMKC" and found["kode_kec"] == "KDCPUM"
    split = detect_fields(["KDPROV", "KDKAB", "KDKEC", "KDDESA", "NMDESA"])
    assert split["kode"] == "KDPROV+KDKAB+KDKEC+KDDESA"
