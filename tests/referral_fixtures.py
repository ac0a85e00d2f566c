"""A small city with a register and a generated referral log whose truth is known: which
register household each referral belongs to (or none), its kelurahan, status and date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from geo import store
from tests.map_fixtures import write_city

STATUSES = ("baru", "dirujuk", "ditangani", "selesai", "ditolak")
OPEN = ("baru", "dirujuk", "ditangani")


@dataclass
class Truth:
    households: pd.DataFrame  # the register as stored (row order = position)
    log: pd.DataFrame  # the file's columns
    hh: np.ndarray  # register position per referral, -1: outside the register
    kelurahan: np.ndarray  # true kelurahan code per referral
    status: np.ndarray
    day: np.ndarray  # date per referral
    as_of: date
    names: dict[str, str]


def small_city(engine: Engine, n: int = 400) -> pd.DataFrame:
    return write_city(engine, n=n, n_kelurahan=8, n_kecamatan=2)


def generated_log(engine: Engine, n_in: int = 240, n_out: int = 40, seed: int = 3) -> Truth:
    """A register city and a log: ``n_in`` referrals of register households (identified by
    NIK, No. KK or ID DTKS; kelurahan by code or by name) and ``n_out`` from outside it."""
    households = small_city(engine)
    rng = np.random.default_rng(seed)
    regions = store.region_list(engine)
    kel = regions[regions["level"] == "kelurahan"]
    names = dict(zip(kel["kode"], kel["nama"]))
    n = n_in + n_out
    hh = np.concatenate([rng.integers(0, len(households), n_in), np.full(n_out, -1)])
    rng.shuffle(hh)
    codes = np.array(sorted(names), dtype=object)
    kelurahan = np.where(hh >= 0, households["region_code"].to_numpy(dtype=object)[
        np.clip(hh, 0, None)], rng.choice(codes, n))
    status = rng.choice(STATUSES, n)
    start = date(2025, 1, 1)
    day = np.array([start + timedelta(days=int(d)) for d in rng.integers(0, 600, n)])
    status_day = np.array([d + timedelta(days=int(k)) for d, k in zip(day, rng.integers(0, 40, n))])
    as_of = max(max(day), max(status_day))
    way = rng.choice(["nik", "kk", "id"], n)
    col = {"nik": "nik_krt", "kk": "no_kk", "id": "id_keluarga"}
    ident = {k: np.full(n, None, dtype=object) for k in col}
    for i in range(n):
        if hh[i] >= 0:
            ident[way[i]][i] = households[col[way[i]]].iat[hh[i]]
        else:
            ident["nik"][i] = f"9971{900000000000 + i:012d}"
    by_name = rng.random(n) < 0.25
    log = pd.DataFrame({
        "NO_RUJUKAN": [f"R-{i:04d}" for i in range(n)],
        "TGL_RUJUKAN": [d.strftime("%d/%m/%Y") for d in day],
        "NIK": ident["nik"], "NO_KK": ident["kk"], "ID_DTKS": ident["id"],
        "KODE_WILAYAH": np.where(by_name, None, kelurahan),
        "KELURAHAN": [names[c] for c in kelurahan],
        "KEBUTUHAN": rng.choice(["BPJS", "Pendidikan", "RTLH", "Bansos"], n),
        "DIRUJUK_KE": rng.choice(["Dinas Sosial", "Dinas Perkim"], n),
        "STATUS": [s.capitalize() for s in status],
        "TGL_STATUS": [d.isoformat() for d in status_day],
    })
    return Truth(households, log, hh, kelurahan, status, day, as_of, names)


def write(frame: pd.DataFrame, folder: Path, name: str = "rujukan.csv") -> Path:
    path = folder / name
    frame.to_csv(path, index=False)
    return path
