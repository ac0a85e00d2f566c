"""A small city with a register (12 kelurahan, 3 kecamatan) for the proposals tests: the
sanitation columns are blank in one kelurahan, so its sanitation need is unknown."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from geo import store
from tests.map_fixtures import write_city

UNKNOWN_SANITATION_KEL_INDEX = 0  # the first kelurahan (by code) has no sanitation answers


def proposal_city(engine: Engine) -> pd.DataFrame:
    """Store the city; returns its kelurahan (kode, nama, kecamatan name) by code."""
    from geo.demo import build_city, generate_households

    kel, river = build_city(7, n_kelurahan=12, n_kecamatan=3)
    hh = generate_households(kel, river, 1_200, 7)
    hh["region_code"], hh["link_method"] = hh["kode_benar"], "kode"
    first = sorted(hh["region_code"].unique())[UNKNOWN_SANITATION_KEL_INDEX]
    for column in ("fasilitas_bab", "jenis_kloset", "pembuangan_tinja"):
        hh[column] = hh[column].astype(object)
        hh.loc[hh["region_code"] == first, column] = None
    write_city(engine, n_kelurahan=12, n_kecamatan=3, households=hh)
    return kelurahan(engine)


def kelurahan(engine: Engine) -> pd.DataFrame:
    regions = store.region_list(engine)
    kec = regions[regions["level"] == "kecamatan"].set_index("kode")["nama"]
    kel = regions[regions["level"] == "kelurahan"].copy()
    kel["kecamatan"] = kel["kode_induk"].map(kec)
    return kel.reset_index(drop=True)


HEADERS = ["No. Usulan", "jenis_usul", "kecamatan", "desa", "kode_kelurahan", "giat_teks",
           "masalah", "skpd", "vol", "satuan", "pagu", "status", "batal_teks"]


def write_csv(path: Path, rows: list[dict], headers: list[str] = HEADERS) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=headers, delimiter=";")
        writer.writeheader()
        for row in rows:
            writer.writerow({h: row.get(h, "") for h in headers})
    return path
