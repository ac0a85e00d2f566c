"""AppTest of the planning pages (Cakupan, Lintas OPD, Prioritas) on a small fictional city
written straight into the store (no importer needed)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geo import store
from geo.demo import build_city, generate_households

PERIOD = "2026-09"


def build_db(path: Path, n: int = 1500, seed: int = 7, empty_kelurahan: int = 1) -> dict:
    """Regions (kelurahan, kecamatan, kota) and one snapshot of ``n`` households linked to
    their true kelurahan; the last ``empty_kelurahan`` kelurahan get no households."""
    engine = store.get_engine(f"sqlite:///{path}")
    kel, river = build_city(seed)
    hh = generate_households(kel, river, n, seed)
    empty = list(kel["kode_kel"].iloc[len(kel) - empty_kelurahan:]) if empty_kelurahan else []
    hh = hh[~hh["kode_benar"].isin(empty)].reset_index(drop=True)
    hh["region_code"] = hh["kode_benar"]
    hh["link_method"] = "kode"
    hh["link_conflict"] = 0
    hh["row_number"] = np.arange(len(hh)) + 2
    kelurahan = gpd.GeoDataFrame({"kode": kel["kode_kel"], "nama": kel["nama_kel"],
                                  "level": "kelurahan", "kode_induk": kel["kode_kec"]},
                                 geometry=kel.geometry, crs=4326)
    kec = kel.dissolve(by="kode_kec", as_index=False)
    kecamatan = gpd.GeoDataFrame({"kode": kec["kode_kec"], "nama": kec["nama_kec"],
                                  "level": "kecamatan", "kode_induk": kec["kode_kab"]},
                                 geometry=kec.geometry, crs=4326)
    kota = gpd.GeoDataFrame({"kode": [kel["kode_kab"].iat[0]], "nama": [kel["nama_kab"].iat[0]],
                             "level": ["kota"], "kode_induk": [None]},
                            geometry=[kel.geometry.union_all()], crs=4326)
    store.replace_regions(engine, pd.concat([kelurahan, kecamatan, kota], ignore_index=True))
    columns = [c for c in store.HOUSEHOLD_TABLE_COLUMNS if c in hh]
    rejected = pd.DataFrame(columns=["row_number", "values_json", "reasons"])
    store.write_snapshot(engine, PERIOD, "uji.csv", hh[columns], rejected,
                         {"rows_read": len(hh), "accepted": len(hh),
                          "linked_by_code": len(hh)}, is_demo=True)
    engine.dispose()
    return {"households": hh, "kelurahan": kel, "empty": empty}


@pytest.fixture(scope="module")
def planning_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    path = tmp_path_factory.mktemp("planning") / "planning.sqlite"
    return path, build_db(path)
