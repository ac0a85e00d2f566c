"""The demo register's households: points inside given kelurahan polygons, a given count per
polygon, and the values of every column (desil, housing, water and sanitation, programs,
identity), with the patterns a planner recognises: programs mostly reaching desil 1-4 with some
exclusion and inclusion errors, water and sanitation gaps following poverty (and a river, where
there is one). Shared by the demo city (:mod:`geo.demo`) and the province demo over any
imported boundaries (:mod:`geo.demo_province`). Everything is fictional.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

_GIVEN = [
    "Ahmad", "Siti", "Budi", "Dewi", "Agus", "Sri", "Joko", "Nur", "Eko", "Rina", "Hendra",
    "Yuliani", "Bambang", "Wati", "Dedi", "Lestari", "Rudi", "Fitri", "Asep", "Ani", "Slamet",
    "Euis", "Ujang", "Ratna", "Iwan", "Maryam", "Heri", "Nining", "Taufik", "Endang",
]
_FAMILY = [
    "Suryadi", "Aminah", "Santoso", "Rahayu", "Hidayat", "Wahyuni", "Saputra", "Kurniawan",
    "Setiawan", "Handayani", "Permana", "Sulastri", "Gunawan", "Nurhayati", "Firmansyah",
    "Susanti", "Pratama", "Maulana", "Sembiring", "Hasibuan",
]
_STREETS = [
    "Jl. Melati", "Jl. Kenanga", "Jl. Mawar", "Jl. Flamboyan", "Jl. Merdeka", "Jl. Pahlawan",
    "Jl. Kali Bening", "Jl. Raya Utama", "Gg. Masjid", "Gg. Damai", "Jl. Veteran", "Jl. Anggrek",
]


def points_in(rng: np.random.Generator, poly, n: int) -> np.ndarray:  # noqa: ANN001
    minx, miny, maxx, maxy = poly.bounds
    out = np.empty((0, 2))
    shapely.prepare(poly)
    while len(out) < n:
        k = max(64, int((n - len(out)) * 2.5))
        xy = np.column_stack([rng.uniform(minx, maxx, k), rng.uniform(miny, maxy, k)])
        xy = np.round(xy, 6)
        out = np.vstack([out, xy[shapely.contains_xy(poly, xy[:, 0], xy[:, 1])]])
    return out[:n]


def _pick(rng: np.random.Generator, options: list[str], weights: np.ndarray) -> np.ndarray:
    """One option per row; ``weights`` has one row of (unnormalised) weights per household."""
    weights = np.clip(weights, 1e-6, None)
    cum = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    idx = (rng.random(len(weights))[:, None] > cum).sum(axis=1)
    return np.array(options, dtype=object)[np.minimum(idx, len(options) - 1)]


def place_households(kelurahan: gpd.GeoDataFrame, counts: np.ndarray,
                     rng: np.random.Generator) -> pd.DataFrame:
    """``counts[i]`` points inside polygon ``i`` of ``kelurahan`` (column ``kode_kel``):
    ``kode_benar`` (its code), ``bujur``, ``lintang`` and ``_k`` (its position in ``kelurahan``).
    """
    parts = []
    for i, (geom, count) in enumerate(zip(kelurahan.geometry, counts)):
        if count == 0:
            continue
        xy = points_in(rng, geom, int(count))
        parts.append(pd.DataFrame({"kode_benar": kelurahan["kode_kel"].iat[i],
                                   "bujur": xy[:, 0], "lintang": xy[:, 1], "_k": i}))
    return pd.concat(parts, ignore_index=True)


def household_values(hh: pd.DataFrame, kelurahan: gpd.GeoDataFrame, poverty: np.ndarray,
                     edge_h: np.ndarray, near_river: np.ndarray, rng: np.random.Generator,
                     id_prefix: str = "99710", id_offset: int = 0) -> pd.DataFrame:
    """Every register column for the households ``hh`` (from :func:`place_households`), in
    place: ``poverty`` (0..1), ``edge_h`` (0 centre .. 1 edge of a city: poorer, fewer pipes)
    and ``near_river`` (0..1) per household drive the values. ``kelurahan`` gives the names
    (``kode_kel``, ``nama_kel``, ``nama_kec``). ``id_keluarga`` is ``id_prefix`` and a number
    from ``id_offset + 1`` to ``id_offset + len(hh)`` (shuffled), so chunks stay unique.
    """
    m = len(hh)
    z = rng.normal(1.3 - 2.6 * poverty, 1.0)
    desil = np.clip(1 + np.floor(_norm_cdf(z) * 10), 1, 10).astype(int)
    poor = desil <= 4
    p = (5 - np.minimum(desil, 5)) / 4  # 1 for desil 1 .. 0 from desil 5

    hh["desil"] = desil
    hh["jumlah_art"] = 1 + rng.poisson(2.4 + 0.8 * p)
    hh["jumlah_lansia"] = rng.binomial(2, 0.12 + 0.05 * p)
    hh["jumlah_balita"] = rng.binomial(2, 0.15 + 0.08 * p)
    hh["jumlah_disabilitas"] = rng.binomial(1, 0.025 + 0.03 * p)
    hh["jumlah_anak_tidak_sekolah"] = rng.binomial(2, 0.01 + 0.07 * p)
    hh["krt_bekerja"] = (rng.random(m) > 0.08 + 0.25 * p).astype(int)

    ones = np.ones(m)
    hh["sumber_air_minum"] = _pick(rng, [
        "ledeng", "air_kemasan", "isi_ulang", "sumur_bor_pompa", "sumur_terlindung",
        "sumur_tak_terlindung", "mata_air_terlindung", "mata_air_tak_terlindung",
        "air_permukaan", "air_hujan", "lainnya"],
        np.column_stack([
            3.0 * (1 - edge_h) * (1 - 0.6 * p), 0.8 * (1 - p), 2.5 * ones, 2.0 * edge_h,
            1.5 * ones, 0.25 + 1.6 * p * edge_h, 0.2 * edge_h, 0.1 + 0.5 * p * edge_h,
            0.02 + 2.2 * near_river * p, 0.05 * ones, 0.05 * ones]))
    hh["fasilitas_bab"] = _pick(rng, ["sendiri", "bersama", "umum", "tidak_ada"], np.column_stack([
        6 * (1 - 0.5 * p), 0.6 + 1.2 * p, 0.2 + 0.8 * p * near_river, 0.05 + 0.9 * p * near_river
        + 0.25 * p * edge_h]))
    no_toilet = hh["fasilitas_bab"].to_numpy() == "tidak_ada"
    kloset = _pick(rng, ["leher_angsa", "plengsengan", "cemplung"], np.column_stack([
        8 * (1 - 0.6 * p), 0.3 + 0.8 * p, 0.1 + 1.2 * p * edge_h]))
    hh["jenis_kloset"] = np.where(no_toilet, "tidak_pakai", kloset)
    hh["pembuangan_tinja"] = _pick(rng, [
        "tangki_septik", "ipal", "lubang_tanah", "kolam_sawah", "sungai", "lainnya"],
        np.column_stack([7 * (1 - 0.5 * p), 0.3 * (1 - edge_h), 0.3 + 1.5 * edge_h * p,
                         0.05 + 0.3 * edge_h, 0.05 + 3 * near_river * p, 0.05 * ones]))
    hh["sumber_penerangan"] = _pick(rng, [
        "listrik_pln_meteran", "listrik_pln_tanpa_meteran", "listrik_non_pln", "bukan_listrik"],
        np.column_stack([20 * ones, 0.5 + 3 * p, 0.05 + 0.6 * p * edge_h, 0.02 + 0.2 * p * edge_h]))
    hh["luas_lantai"] = np.round(np.clip(rng.normal(
        hh["jumlah_art"] * (16 - 9 * p), 8), 9, 400), 1)
    hh["jenis_lantai"] = _pick(rng, [
        "marmer_granit", "keramik", "parket_vinil", "ubin_tegel", "kayu_kualitas_tinggi",
        "semen_bata", "bambu", "kayu_kualitas_rendah", "tanah", "lainnya"],
        np.column_stack([0.3 * (1 - p), 8 * (1 - 0.7 * p), 0.1 * ones, 1.0 * ones, 0.1 * ones,
                         0.5 + 2.5 * p, 0.02 + 0.2 * p, 0.05 + 0.3 * p, 0.01 + 0.5 * p * edge_h,
                         0.02 * ones]))
    hh["jenis_dinding"] = _pick(rng, [
        "tembok", "plesteran_anyaman_bambu", "kayu", "anyaman_bambu", "batang_kayu", "bambu",
        "lainnya"], np.column_stack([10 * (1 - 0.5 * p), 0.2 + 0.5 * p, 0.3 + 0.4 * p,
                                     0.02 + 0.5 * p * edge_h, 0.02 * ones, 0.02 + 0.3 * p,
                                     0.02 * ones]))
    hh["jenis_atap"] = _pick(rng, [
        "beton", "genteng_keramik", "genteng_metal", "genteng_tanah_liat", "asbes", "seng",
        "sirap", "bambu", "jerami_ijuk_rumbia", "lainnya"],
        np.column_stack([1.0 * (1 - p), 2 * (1 - 0.5 * p), 1.5 * ones, 4 * ones, 1 + 2 * p,
                         0.5 + 2 * p, 0.05 * ones, 0.02 + 0.1 * p, 0.01 + 0.2 * p * edge_h,
                         0.02 * ones]))
    hh["punya_mobil"] = (rng.random(m) < np.where(desil >= 7, 0.25, np.where(desil >= 5, 0.06,
                                                                             0.012))).astype(int)
    # programs: mostly to desil 1-4, with exclusion (poor get nothing) and inclusion errors
    missed = rng.random(m) < 0.12  # eligible households the programs never reached
    reach = poor & ~missed
    hh["penerima_bpnt"] = ((reach & (rng.random(m) < 0.55 + 0.3 * p))
                           | (~poor & (rng.random(m) < np.where(desil <= 6, 0.06, 0.012))))
    hh["penerima_pkh"] = ((reach & (rng.random(m) < 0.25 + 0.35 * p))
                          | (~poor & (rng.random(m) < np.where(desil <= 6, 0.03, 0.006))))
    hh["penerima_pbi_jkn"] = ((reach & (rng.random(m) < 0.70 + 0.2 * p))
                              | ((desil == 5) & (rng.random(m) < 0.4)))
    hh["penerima_kip"] = reach & (rng.random(m) < 0.12 + 0.2 * p) & (hh["jumlah_art"] >= 3)
    hh["penerima_blt"] = reach & (rng.random(m) < 0.08 + 0.1 * p)
    hh["penerima_rtlh"] = reach & (rng.random(m) < 0.02 + 0.03 * p)
    for col in ("penerima_bpnt", "penerima_pkh", "penerima_pbi_jkn", "penerima_kip",
                "penerima_blt", "penerima_rtlh"):
        hh[col] = hh[col].astype(int)

    # identity and address (fictional)
    kel_names = kelurahan.set_index("kode_kel")
    hh["nama_kelurahan"] = kel_names.loc[hh["kode_benar"], "nama_kel"].to_numpy()
    hh["nama_kecamatan"] = kel_names.loc[hh["kode_benar"], "nama_kec"].to_numpy()
    hh["kode_kelurahan"] = hh["kode_benar"]
    hh["id_keluarga"] = [f"{id_prefix}{i:08d}" for i in rng.permutation(m) + 1 + id_offset]
    region6 = hh["kode_benar"].str.replace(".", "", regex=False).str[:6]
    day = rng.integers(1, 29, m) + np.where(rng.random(m) < 0.35, 40, 0)
    month, year = rng.integers(1, 13, m), rng.integers(40, 100, m)
    serial = rng.integers(1, 9999, m)
    hh["nik_krt"] = (region6 + pd.Series([f"{d:02d}{mo:02d}{y:02d}{s:04d}" for d, mo, y, s in
                                          zip(day, month, year, serial)]))
    hh["no_kk"] = region6 + pd.Series([f"{v:010d}" for v in rng.integers(1, 10**10, m)])
    hh["nama_krt"] = [f"{_GIVEN[a]} {_FAMILY[b]}" for a, b in
                      zip(rng.integers(len(_GIVEN), size=m), rng.integers(len(_FAMILY), size=m))]
    hh["alamat"] = [f"{_STREETS[s]} No. {k}" for s, k in
                    zip(rng.integers(len(_STREETS), size=m), rng.integers(1, 150, m))]
    hh["rt"] = [f"{v:03d}" for v in rng.integers(1, 16, m)]
    hh["rw"] = [f"{v:03d}" for v in rng.integers(1, 11, m)]
    dates = pd.Timestamp("2025-06-01") + pd.to_timedelta(rng.integers(0, 450, m), unit="D")
    hh["tanggal_verifikasi"] = dates.strftime("%Y-%m-%d")
    return hh


def _norm_cdf(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.vectorize(math.erf)(z / math.sqrt(2)))

