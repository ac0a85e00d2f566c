"""The demo city's referral log and service points (fictional, deterministic).

Made from the demo register once it is imported: a few thousand referrals over two years, most
from register households (the poor and exclusion-error households more often), some from
households outside the register, a backlog at one OPD (Dinas Perkim: house repairs wait), and
kelurahan where few come forward. Written as files and imported through the user's own import.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from geo import indicators, snapshot_cache, store
from geo.referrals import vocab
from geo.referrals.log import ReferralImport, import_referrals
from geo.referrals.points import PointImport, import_points

LOG_END = date(2026, 9, 30)  # the demo period's last day
LOG_DAYS = 730  # two years
BACKLOG_OPD = "Dinas Perkim"
OPD_OF_NEED = {
    "kesehatan": "Dinas Kesehatan", "pendidikan": "Dinas Pendidikan",
    "bantuan_sosial": "Dinas Sosial", "rumah": BACKLOG_OPD, "pekerjaan": "Disnaker",
    "disabilitas": "Dinas Sosial", "lansia": "Dinas Sosial", "anak": "DP3AP2KB",
    "lainnya": "Kelurahan",
}
NEED_WEIGHTS = {"kesehatan": 0.30, "bantuan_sosial": 0.24, "pendidikan": 0.12, "rumah": 0.12,
                "pekerjaan": 0.07, "disabilitas": 0.04, "lansia": 0.05, "anak": 0.04,
                "lainnya": 0.02}
NEED_WORDING = {"kesehatan": ["Kesehatan", "BPJS", "PBI JKN", "Berobat"],
                "bantuan_sosial": ["Bantuan sosial", "Bansos", "PKH", "Usulan DTKS"],
                "pendidikan": ["Pendidikan", "KIP", "Beasiswa"], "rumah": ["RTLH", "Bedah rumah"],
                "pekerjaan": ["Pelatihan kerja", "Modal usaha"], "disabilitas": ["Disabilitas"],
                "lansia": ["Lansia"], "anak": ["Anak telantar", "Stunting"],
                "lainnya": ["Lainnya"]}
STATUS_WORDING = {"baru": ["Baru"], "dirujuk": ["Dirujuk", "Diteruskan"],
                  "ditangani": ["Ditangani", "Proses"], "selesai": ["Selesai", "Tuntas"],
                  "ditolak": ["Ditolak"]}


def referral_log(households: pd.DataFrame, excluded: np.ndarray, names: dict[str, str],
                 seed: int = 7, n: int | None = None) -> pd.DataFrame:
    """The log as an SLRT export: Indonesian headers, the wording varies as in real logs.
    ``households``: id_keluarga, no_kk, nik_krt, region_code, desil (a demo register)."""
    rng = np.random.default_rng(seed + 2100)
    hh = households.reset_index(drop=True)
    n = n or int(min(max(len(hh) // 20, 60), 6000))
    codes = sorted(names)
    # kelurahan propensity to come forward: a few hardly ever do (the outreach gap)
    reach = dict(zip(codes, rng.choice([0.15, 1.0, 1.0, 1.3], size=len(codes))))
    desil = hh["desil"].to_numpy(dtype=float, na_value=10)
    weight = (np.where(desil <= 4, 3.0, 0.6) * np.where(excluded, 2.0, 1.0)
              * hh["region_code"].map(reach).fillna(0.0).to_numpy())
    outside = rng.random(n) < 0.14
    n_in = int((~outside).sum())
    picked = rng.choice(len(hh), size=n_in, replace=True, p=weight / weight.sum())
    region = np.empty(n, dtype=object)
    region[~outside] = hh["region_code"].to_numpy(dtype=object)[picked]
    kel_weight = np.array([reach[c] for c in codes])
    region[outside] = rng.choice(codes, size=int(outside.sum()), p=kel_weight / kel_weight.sum())
    nik = np.empty(n, dtype=object)
    id_dtks = np.full(n, None, dtype=object)
    kk = np.full(n, None, dtype=object)
    way = rng.choice(["nik", "id", "kk"], size=n, p=[0.6, 0.25, 0.15])
    nik[~outside] = hh["nik_krt"].to_numpy(dtype=object)[picked]
    id_in = hh["id_keluarga"].to_numpy(dtype=object)[picked]
    kk_in = hh["no_kk"].to_numpy(dtype=object)[picked]
    inside_pos = np.flatnonzero(~outside)
    for j, i in enumerate(inside_pos):
        if way[i] == "id":
            id_dtks[i], nik[i] = id_in[j], None
        elif way[i] == "kk" and isinstance(kk_in[j], str):
            kk[i], nik[i] = kk_in[j], None
    for i in np.flatnonzero(outside):  # new people: a fictional NIK of the city's region code
        nik[i] = f"9971{rng.integers(10**11, 10**12 - 1):012d}"
    for i in np.flatnonzero(pd.isna(pd.Series(nik)) & pd.isna(pd.Series(id_dtks))
                            & pd.isna(pd.Series(kk))):
        id_dtks[i] = hh["id_keluarga"].iat[picked[np.searchsorted(inside_pos, i)]]
    needs = rng.choice(list(NEED_WEIGHTS), size=n, p=list(NEED_WEIGHTS.values()))
    opd = np.array([OPD_OF_NEED[x] for x in needs], dtype=object)
    age = rng.integers(0, LOG_DAYS, size=n)
    day = np.array([LOG_END - timedelta(days=int(a)) for a in age])
    # status: older referrals are mostly closed; the backlog OPD leaves many open for months
    p_open = np.where(opd == BACKLOG_OPD, 0.65, np.clip(0.9 * np.exp(-age / 45), 0.02, 0.9))
    is_open = rng.random(n) < p_open
    status = np.where(is_open, rng.choice(["baru", "dirujuk", "ditangani"], size=n,
                                          p=[0.2, 0.45, 0.35]),
                      rng.choice(["selesai", "ditolak"], size=n, p=[0.88, 0.12]))
    status_day = [d + timedelta(days=int(min(rng.integers(1, 60), (LOG_END - d).days)))
                  for d in day]
    by_name = rng.random(n) < 0.15
    log = pd.DataFrame({
        "NO_RUJUKAN": [f"SLRT-{d.year}-{i + 1:05d}" for i, d in enumerate(day)],
        "TGL_RUJUKAN": [d.strftime("%d/%m/%Y") if i % 3 else d.isoformat()
                        for i, d in enumerate(day)],
        "ID_DTKS": id_dtks, "NO_KK": kk, "NIK": nik,
        "KODE_WILAYAH": np.where(by_name, None, region),
        "KELURAHAN": [names[c] for c in region],
        "KEBUTUHAN": [rng.choice(NEED_WORDING[x]) for x in needs],
        "DIRUJUK_KE": opd,
        "STATUS": [rng.choice(STATUS_WORDING[s]) for s in status],
        "TGL_STATUS": [s.isoformat() for s in status_day],
        "FASILITATOR": [f"Fasilitator {names[c]}" for c in region],
    })
    return log.sort_values("TGL_RUJUKAN", key=lambda s: pd.to_datetime(s, dayfirst=True,
                                                                        format="mixed"))


def service_points(kelurahan: pd.DataFrame, seed: int = 7) -> pd.DataFrame:
    """Points as a CSV from the mapping office: a kantor kelurahan in each kelurahan, a pos
    SLRT per kecamatan, two Puskesos, two puskesmas per kecamatan, schools and one panti."""
    import shapely

    rng = np.random.default_rng(seed + 2200)
    rows = []
    reps = shapely.point_on_surface(kelurahan.geometry.to_numpy())
    for (kode, nama, kec), p in zip(kelurahan[["kode", "nama", "kode_induk"]].itertuples(
            index=False, name=None), reps):
        rows.append(("Kantor Kelurahan", f"Kantor Kelurahan {nama}", p.y, p.x, kode, kec))
    frame = pd.DataFrame(rows, columns=["JENIS", "NAMA", "LATITUDE", "LONGITUDE", "kode", "kec"])
    out = [frame]
    for kec, group in frame.groupby("kec"):
        first = group.iloc[0]
        out.append(pd.DataFrame([("Pos SLRT", f"Pos SLRT Kecamatan {kec[-2:]}",
                                  first.LATITUDE + 0.002, first.LONGITUDE + 0.002, "", kec)],
                                columns=frame.columns))
        out.append(pd.DataFrame([("Puskesmas", f"Puskesmas {g.NAMA.split(' ', 2)[-1]}",
                                  g.LATITUDE - 0.003, g.LONGITUDE + 0.001, "", kec)
                                 for g in group.head(2).itertuples()], columns=frame.columns))
    pick = frame.sample(2, random_state=seed)
    out.append(pick.assign(JENIS="Puskesos", NAMA=[f"Puskesos {n.split(' ', 2)[-1]}"
                                                   for n in pick.NAMA],
                           LATITUDE=pick.LATITUDE + 0.001))
    schools = frame.sample(min(30, len(frame)), random_state=seed + 1)
    out.append(schools.assign(JENIS=rng.choice(["SD", "SMP"], size=len(schools)),
                              NAMA=[f"Sekolah {i + 1}" for i in range(len(schools))],
                              LATITUDE=schools.LATITUDE - 0.004))
    out.append(frame.sample(1, random_state=seed + 2).assign(JENIS="Panti sosial",
                                                             NAMA="Panti Sosial Harapan",
                                                             LONGITUDE=lambda f: f.LONGITUDE
                                                             - 0.003))
    return pd.concat(out, ignore_index=True)[["JENIS", "NAMA", "LATITUDE", "LONGITUDE"]]


def load_demo_referrals(engine: Engine, out_dir: Path, seed: int = 7
                        ) -> tuple[ReferralImport, PointImport]:
    """Write ``rujukan_slrt.csv`` and ``titik_layanan.csv`` from the stored demo register and
    import them."""
    snapshot = store.snapshot_for(engine)
    hh = snapshot_cache.load_households_fast(
        engine, snapshot, ["id_keluarga", "no_kk", "nik_krt", "region_code",
                           *indicators.RULE_COLUMNS])
    hh = hh.loc[:, ~hh.columns.duplicated()]
    linked = hh["region_code"].notna().to_numpy()
    excluded = indicators.prepare(hh).hits["eksklusi"]
    regions = store.region_list(engine)
    kel = regions[regions["level"] == "kelurahan"]
    names = dict(zip(kel["kode"], kel["nama"]))
    log = referral_log(hh[linked], excluded[linked], names, seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    log_path = out_dir / "rujukan_slrt.csv"
    log.to_csv(log_path, index=False)
    result = import_referrals(engine, log_path)
    kel_geo = store.load_regions(engine, level="kelurahan")
    points_path = out_dir / "titik_layanan.csv"
    service_points(kel_geo, seed).to_csv(points_path, index=False)
    points = import_points(engine, points_path)
    return result, points


__all__ = ["load_demo_referrals", "referral_log", "service_points", "vocab"]
