"""A small fictional city for the page-view unit tests: regions and an evaluated register,
built in memory (no database, no Streamlit)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import indicators, planning
from geo.demo import build_city, generate_households
from geo.filters import Filters
from geo.views.common import Scope, make_scope


@dataclass(frozen=True, eq=False)
class City:
    households: pd.DataFrame
    kelurahan: gpd.GeoDataFrame  # kode, nama, level, kode_induk, geometry
    kecamatan: gpd.GeoDataFrame
    kota: gpd.GeoDataFrame
    names: pd.DataFrame  # every region: kode, nama, level, kode_induk
    empty: str  # a kelurahan without households

    def areas(self, level: str) -> gpd.GeoDataFrame:
        return {"kelurahan": self.kelurahan, "kecamatan": self.kecamatan,
                "kota": self.kota}[level]

    @property
    def name_of(self) -> pd.Series:
        return self.names.set_index("kode")["nama"]


@lru_cache(maxsize=4)
def city(n: int = 1_500, blank: tuple[str, ...] = ()) -> City:
    """14 kelurahan in 3 kecamatan; the last kelurahan has no households; ``blank`` columns
    are left empty (a register without them)."""
    kel, river = build_city(7, n_kelurahan=14, n_kecamatan=3)
    hh = generate_households(kel, river, n, 7)
    empty = kel["kode_kel"].iat[-1]
    hh = hh[hh["kode_benar"] != empty].reset_index(drop=True)
    hh["region_code"] = hh["kode_benar"]
    hh["row_number"] = np.arange(len(hh)) + 2
    for column in blank:
        hh[column] = None
    kelurahan = gpd.GeoDataFrame({"kode": kel["kode_kel"], "nama": kel["nama_kel"],
                                  "level": "kelurahan", "kode_induk": kel["kode_kec"]},
                                 geometry=kel.geometry, crs=4326)
    kec = kel.dissolve(by="kode_kec", as_index=False)
    kecamatan = gpd.GeoDataFrame({"kode": kec["kode_kec"], "nama": kec["nama_kec"],
                                  "level": "kecamatan", "kode_induk": kec["kode_kab"]},
                                 geometry=kec.geometry, crs=4326)
    kota = gpd.GeoDataFrame({"kode": [kel["kode_kab"].iat[0]],
                             "nama": [kel["nama_kab"].iat[0]], "level": ["kota"],
                             "kode_induk": [None]}, geometry=[kel.geometry.union_all()],
                            crs=4326)
    names = pd.DataFrame(pd.concat([kelurahan, kecamatan, kota], ignore_index=True)
                         .drop(columns="geometry"))
    return City(hh, kelurahan, kecamatan, kota, names, empty)


def prepared(c: City, settings: indicators.Settings = indicators.DEFAULT_SETTINGS
             ) -> indicators.Prepared:
    return indicators.prepare(c.households, settings)


def scope(c: City, filters: Filters | None = None,
          settings: indicators.Settings = indicators.DEFAULT_SETTINGS) -> Scope:
    """What ui.planning.scope builds from the cached evaluation."""
    p = prepared(c, settings)
    ids = [i.id for i in indicators.INDICATORS if p.available(i.id)]
    return make_scope(p, planning.agency_needs(p.hits, ids),
                      planning.agency_known(p.hits, p.dens, p.bases, ids), c.kelurahan,
                      filters or Filters(), c.names, settings)
