"""A deterministic demo city: fictional boundaries and a fictional household register.

Everything here is invented ("data contoh, fiktif"): names, codes under province 99 (a code no
real province uses), people and places. The city is built so that a planner recognises its
patterns: a river crossing it, a dense centre and a poorer urban edge, poverty clustered in
some kelurahan, water and sanitation gaps following poverty and the river, programs mostly
reaching desil 1-4 with some exclusion and inclusion errors, and about 2% of rows carrying the
defects real exports carry. The demo writes a CSV register with Indonesian headers and a
GeoJSON of kelurahan under ``data/demo/`` and loads both through the user's import path.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, MultiPoint, Polygon

from geo.demo_households import household_values, place_households
from geo.store import DATA_DIR

DEMO_LABEL = "data contoh, fiktif"
PROVINCE_CODE = "99"  # no real Indonesian province uses 99
CITY_CODE = "99.71"
CITY_NAME = "Kota Harapan Jaya"
PROVINCE_NAME = "Provinsi Contoh"
DEMO_PERIOD = "2026-09"
DEFAULT_HOUSEHOLDS = 60_000  # the first-run demo and `python -m geo demo`
CENTRE = (110.10, -6.95)  # lon, lat: a point on land in Java; the city itself is invented

KECAMATAN_NAMES = [
    "Sukamaju", "Mekarsari", "Karanganyar", "Tanjungsari", "Sindangjaya", "Cempaka Putih",
    "Rawa Indah", "Bojongsari", "Pasirmulya", "Kebonwaru", "Margahayu", "Sumberrejo",
]
_NAME_HEADS = [
    "Pondok", "Suka", "Mekar", "Karang", "Tanjung", "Sindang", "Cempaka", "Kebon", "Pasir",
    "Bojong", "Rawa", "Jati", "Sumber", "Marga", "Cipta", "Kali", "Bukit", "Taman", "Sido",
    "Banjar", "Ciluar", "Teluk", "Gunung", "Padang",
]
_NAME_TAILS = [
    "jaya", "sari", "mulya", "asih", "wangi", "baru", "indah", "makmur", "rahayu", "mukti",
    "harja", "agung", "rejo", "kencana", "permai", "lestari",
]
_DIRECTIONS = ["Barat", "Timur", "Utara", "Selatan"]

# Indonesian headers of the demo register (aliases the importer knows), canonical -> header.
REGISTER_HEADERS = {
    "id_keluarga": "ID_DTKS", "no_kk": "NO_KK", "nik_krt": "NIK_KRT", "nama_krt": "NAMA_KRT",
    "alamat": "ALAMAT", "rt": "RT", "rw": "RW", "kode_kelurahan": "KODE_WILAYAH",
    "nama_kelurahan": "KELURAHAN", "nama_kecamatan": "KECAMATAN", "lintang": "LATITUDE",
    "bujur": "LONGITUDE", "jumlah_art": "JML_ART", "desil": "DESIL",
    "sumber_air_minum": "SUMBER_AIR_MINUM", "fasilitas_bab": "FASILITAS_BAB",
    "jenis_kloset": "JENIS_KLOSET", "pembuangan_tinja": "PEMBUANGAN_TINJA",
    "sumber_penerangan": "PENERANGAN", "luas_lantai": "LUAS_LANTAI", "jenis_lantai": "LANTAI",
    "jenis_dinding": "DINDING", "jenis_atap": "ATAP", "punya_mobil": "ASET_MOBIL",
    "penerima_bpnt": "BPNT", "penerima_pkh": "PKH", "penerima_pbi_jkn": "PBI_JKN",
    "penerima_kip": "KIP", "penerima_blt": "BLT", "penerima_rtlh": "BEDAH_RUMAH",
    "jumlah_lansia": "JML_LANSIA", "jumlah_balita": "JML_BALITA",
    "jumlah_disabilitas": "JML_DISABILITAS", "jumlah_anak_tidak_sekolah": "JML_ANAK_TDK_SEKOLAH",
    "krt_bekerja": "STATUS_BEKERJA_KRT", "tanggal_verifikasi": "TGL_VERVAL",
}
FLAG_COLUMNS = ("punya_mobil", "penerima_bpnt", "penerima_pkh", "penerima_pbi_jkn",
                "penerima_kip", "penerima_blt", "penerima_rtlh", "krt_bekerja")


# ------------------------------------------------------------------ geometry

@dataclass(frozen=True)
class Frame:
    """A local metric frame around ``CENTRE``: metres east/north <-> degrees."""

    lon0: float = CENTRE[0]
    lat0: float = CENTRE[1]

    @property
    def mx(self) -> float:
        return 111_320.0 * math.cos(math.radians(self.lat0))

    def to_degrees(self, geom):  # noqa: ANN001, ANN201
        return shapely.transform(geom, lambda xy: np.column_stack(
            [self.lon0 + xy[:, 0] / self.mx, self.lat0 + xy[:, 1] / 110_540.0]))

    def to_metres(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (lon - self.lon0) * self.mx, (lat - self.lat0) * 110_540.0


def _outline(rng: np.random.Generator, radius: float) -> Polygon:
    """An organic blob: a circle whose radius varies with a few random harmonics."""
    theta = np.linspace(0, 2 * np.pi, 360, endpoint=False)
    r = np.ones_like(theta)
    for k, amp in ((2, 0.10), (3, 0.07), (5, 0.04), (7, 0.02)):
        r += amp * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    return Polygon(np.column_stack([radius * r * np.cos(theta), radius * r * 0.85 * np.sin(theta)]))


def _seeds(rng: np.random.Generator, outline: Polygon, n: int) -> np.ndarray:
    """``n`` well-spread points inside ``outline``, denser towards the centre."""
    minx, miny, maxx, maxy = outline.bounds
    spacing = math.sqrt(outline.area / n) * 0.55
    points: list[tuple[float, float]] = []
    tries = 0
    while len(points) < n:
        tries += 1
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if not shapely.contains_xy(outline, x, y):
            continue
        dist_c = math.hypot(x, y) / max(maxx, maxy)
        local = spacing * (0.7 + 0.6 * dist_c) * (0.999 ** (tries // 200))
        if all((x - px) ** 2 + (y - py) ** 2 >= local**2 for px, py in points):
            points.append((x, y))
    return np.array(points)


def _warp(rng: np.random.Generator, scale: float):  # noqa: ANN202
    """A smooth, one-to-one displacement field; shared edges stay shared after it."""
    ph = rng.uniform(0, 2 * np.pi, 4)
    a1, l1, a2, l2 = 0.10 * scale, 0.45 * scale, 0.035 * scale, 0.16 * scale

    def apply(xy: np.ndarray) -> np.ndarray:
        x, y = xy[:, 0], xy[:, 1]
        dx = a1 * np.sin(y / l1 + ph[0]) + a2 * np.sin((x + y) / l2 + ph[1])
        dy = a1 * np.sin(x / l1 + ph[2]) + a2 * np.cos((x - y) / l2 + ph[3])
        return np.column_stack([x + dx, y + dy])

    return apply


def _river(radius: float, rng: np.random.Generator) -> LineString:
    x = np.linspace(-1.6 * radius, 1.6 * radius, 200)
    phase = rng.uniform(0, 2 * np.pi)
    y = 0.18 * radius * np.sin(x / (0.45 * radius) + phase) - 0.15 * radius
    return LineString(np.column_stack([x, y]))


def _unique_names(rng: np.random.Generator, n: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < n:
        head = _NAME_HEADS[rng.integers(len(_NAME_HEADS))]
        tail = _NAME_TAILS[rng.integers(len(_NAME_TAILS))]
        base = f"{head} {tail.capitalize()}" if head in ("Pondok", "Bukit", "Taman", "Gunung",
                                                        "Padang", "Teluk", "Kali") else head + tail
        if rng.random() < 0.25:
            base = f"{base} {_DIRECTIONS[rng.integers(4)]}"
        if base not in seen:
            seen.add(base)
            names.append(base)
    return names


def build_city(seed: int = 7, n_kelurahan: int = 44, n_kecamatan: int = 7,
               radius_km: float = 7.5) -> tuple[gpd.GeoDataFrame, LineString]:
    """Kelurahan polygons that tile an organic city outline exactly (no gaps, no overlaps).

    Returns the kelurahan (kode, nama, kode_kec, nama_kec, ...; EPSG:4326) and the river
    (in metres of the local frame). Voronoi cells of spread seeds are noded into one line
    network, densified, warped by a smooth one-to-one field and polygonised again, so neighbours
    share every vertex of their common edge.
    """
    rng = np.random.default_rng(seed)
    radius = radius_km * 1000
    outline = _outline(rng, radius)
    seeds = _seeds(rng, outline, n_kelurahan)
    cells = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=outline.buffer(radius))
    cells = [c.intersection(outline) for c in shapely.get_parts(cells)]
    scale = math.sqrt(outline.area / n_kelurahan)
    network = shapely.unary_union([c.boundary for c in cells])
    network = shapely.segmentize(network, scale / 25)
    warp = _warp(rng, scale)
    network = shapely.transform(network, warp)
    polygons = list(shapely.get_parts(shapely.polygonize(shapely.get_parts(network))))
    warped_seeds = warp(seeds)
    owner = {}
    for poly in polygons:
        inside = np.flatnonzero(shapely.contains_xy(poly, warped_seeds[:, 0], warped_seeds[:, 1]))
        if len(inside) == 1:
            owner[int(inside[0])] = poly
    order = sorted(owner)
    geoms = [owner[i] for i in order]
    centroids = np.array([[g.centroid.x, g.centroid.y] for g in geoms])

    # Kecamatan: farthest-point picks among centroids, then nearest assignment.
    picks = [int(np.argmin(np.hypot(*centroids.T)))]
    while len(picks) < n_kecamatan:
        d = np.min(np.hypot(centroids[:, None, 0] - centroids[picks, 0],
                            centroids[:, None, 1] - centroids[picks, 1]), axis=1)
        picks.append(int(np.argmax(d)))
    d = np.hypot(centroids[:, None, 0] - centroids[picks, 0],
                 centroids[:, None, 1] - centroids[picks, 1])
    kec_index = np.argmin(d, axis=1)
    # number kecamatan west to east, like codes often run along a map
    kec_order = np.argsort(centroids[picks, 0])
    kec_rank = np.empty(n_kecamatan, dtype=int)
    kec_rank[kec_order] = np.arange(n_kecamatan)
    kec_names = (KECAMATAN_NAMES * 20)[:n_kecamatan] if n_kecamatan <= len(KECAMATAN_NAMES) else [
        f"{KECAMATAN_NAMES[i % len(KECAMATAN_NAMES)]} {i // len(KECAMATAN_NAMES) + 1}"
        for i in range(n_kecamatan)]
    names = _unique_names(rng, len(geoms))
    frame = Frame()
    rows = []
    serial = {k: 0 for k in range(n_kecamatan)}
    # sort kelurahan by kecamatan, then north to south, for stable codes
    for i in sorted(range(len(geoms)), key=lambda i: (kec_rank[kec_index[i]], -centroids[i, 1])):
        k = int(kec_rank[kec_index[i]])
        serial[k] += 1
        kode_kec = f"{CITY_CODE}.{k + 1:02d}"
        geom = shapely.set_precision(frame.to_degrees(geoms[i]), 1e-6)
        rows.append({
            "kode_kel": f"{kode_kec}.{1000 + serial[k]}",
            "nama_kel": names[i],
            "kode_kec": kode_kec,
            "nama_kec": kec_names[k],
            "kode_kab": CITY_CODE,
            "nama_kab": CITY_NAME,
            "kode_prov": PROVINCE_CODE,
            "nama_prov": PROVINCE_NAME,
            "geometry": geom,
        })
    table = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)
    return table.sort_values("kode_kel").reset_index(drop=True), _river(radius, rng)


# ------------------------------------------------------------------ households

def generate_households(kelurahan: gpd.GeoDataFrame, river: LineString, n: int = 60_000,
                        seed: int = 7) -> pd.DataFrame:
    """A clean register in canonical columns, plus ``kode_benar`` (the true kelurahan).

    Defects are added separately by :func:`add_defects`. The city decides how many households
    each kelurahan holds and how poor it is (its edge and the river banks);
    :mod:`geo.demo_households` places them and gives every value.
    """
    rng = np.random.default_rng(seed + 1000)
    frame = Frame()
    cent = shapely.centroid(kelurahan.geometry.to_numpy())
    cx, cy = frame.to_metres(shapely.get_x(cent), shapely.get_y(cent))
    radius = max(np.hypot(cx, cy).max(), 1.0)
    edge = np.hypot(cx, cy) / radius  # 0 centre .. 1 edge
    river_dist_k = shapely.distance(river, shapely.points(cx, cy))
    # kelurahan poverty: the edge, the river banks and a random local effect
    local = rng.normal(0, 0.12, len(kelurahan))
    poverty_k = np.clip(0.18 + 0.35 * edge + 0.30 * np.exp(-river_dist_k / 900) + local, 0.02, 0.95)
    density = (1.4 - edge) * kelurahan.to_crs(kelurahan.estimate_utm_crs()).area.to_numpy()
    counts = rng.multinomial(n, density / density.sum())

    hh = place_households(kelurahan, counts, rng)
    m = len(hh)
    px, py = frame.to_metres(hh["bujur"].to_numpy(), hh["lintang"].to_numpy())
    river_d = shapely.distance(river, shapely.points(px, py))
    near_river = np.exp(-river_d / 400)
    edge_h = np.clip(np.hypot(px, py) / radius, 0, 1.2)
    poverty = np.clip(poverty_k[hh["_k"].to_numpy()] + 0.15 * near_river
                      + rng.normal(0, 0.05, m), 0.01, 0.99)
    hh = household_values(hh, kelurahan, poverty, edge_h, near_river, rng).drop(columns="_k")
    return hh.sample(frac=1.0, random_state=seed).reset_index(drop=True)



def add_defects(hh: pd.DataFrame, seed: int = 7, share: float = 0.02) -> pd.DataFrame:
    """Give about ``share`` of the rows the defects of real exports (household-data.md).

    Also writes the code column in its many accepted forms (dotted, undotted, spaced, ``.0``).
    Adds ``cacat`` naming the defect given to each row ("" for none).
    """
    rng = np.random.default_rng(seed + 2000)
    out = hh.copy()
    for col in out.columns:
        if col not in ("lintang", "bujur", "luas_lantai"):
            out[col] = out[col].astype(object)
    out["cacat"] = ""
    m = len(out)
    # accepted written forms of the code
    form = rng.random(m)
    digits = out["kode_kelurahan"].str.replace(".", "", regex=False)
    out["kode_kelurahan"] = np.where(form < 0.45, out["kode_kelurahan"], np.where(
        form < 0.85, digits, np.where(form < 0.93, digits + ".0",
                                      out["kode_kelurahan"].str.replace(".", " ", regex=False))))
    kinds = ["nik_ilmiah", "nik_pendek", "nik_ganda", "keluarga_ganda", "desil_0", "desil_11",
             "desil_kosong", "desil_teks", "art_0", "koordinat_tertukar", "koordinat_nol",
             "titik_luar_kota", "titik_laut", "nama_saja", "nama_ejaan", "kode_salah_titik",
             "titik_saja"]
    n_bad = int(round(m * share))
    rows = rng.choice(m, size=n_bad, replace=False)
    chosen = np.array(kinds, dtype=object)[rng.integers(len(kinds), size=n_bad)]
    for row, kind in zip(rows, chosen):
        out.at[row, "cacat"] = kind
        if kind == "nik_ilmiah":
            out.at[row, "nik_krt"] = f"{float(out.at[row, 'nik_krt']):.5E}".replace("E+", "E+")
        elif kind == "nik_pendek":
            out.at[row, "nik_krt"] = str(out.at[row, "nik_krt"])[:15]
        elif kind == "nik_ganda":
            other = int(rng.integers(m))
            out.at[row, "nik_krt"] = hh.at[other, "nik_krt"]
        elif kind == "keluarga_ganda":
            other = int(rng.integers(m))
            out.at[row, "id_keluarga"] = hh.at[other, "id_keluarga"]
        elif kind == "desil_0":
            out.at[row, "desil"] = 0
        elif kind == "desil_11":
            out.at[row, "desil"] = 11
        elif kind == "desil_kosong":
            out.at[row, "desil"] = None
        elif kind == "desil_teks":
            out.at[row, "desil"] = "miskin"
        elif kind == "art_0":
            out.at[row, "jumlah_art"] = 0
        elif kind == "koordinat_tertukar":
            lat, lon = out.at[row, "lintang"], out.at[row, "bujur"]
            out.at[row, "lintang"], out.at[row, "bujur"] = lon, lat
        elif kind == "koordinat_nol":
            out.at[row, "lintang"], out.at[row, "bujur"] = 0.0, 0.0
        elif kind == "titik_luar_kota":  # inside Indonesia, far from this city
            out.at[row, "lintang"], out.at[row, "bujur"] = -7.7956, 110.3695
        elif kind == "titik_laut":  # Java Sea
            out.at[row, "lintang"], out.at[row, "bujur"] = -5.60, 110.20
        elif kind in ("nama_saja", "nama_ejaan"):
            out.at[row, "kode_kelurahan"] = None
            out.at[row, "lintang"], out.at[row, "bujur"] = np.nan, np.nan
            if kind == "nama_ejaan":
                out.at[row, "nama_kelurahan"] = spelling_variant(out.at[row, "nama_kelurahan"],
                                                                 rng)
        elif kind == "titik_saja":  # neither code nor names: only the point can link it
            out.at[row, "kode_kelurahan"] = None
            out.at[row, "nama_kelurahan"] = None
            out.at[row, "nama_kecamatan"] = None
        elif kind == "kode_salah_titik":  # code of one kelurahan, point in another
            other = int(rng.integers(m))
            out.at[row, "lintang"], out.at[row, "bujur"] = hh.at[other, "lintang"], hh.at[
                other, "bujur"]
    return out


_ABBREVIATIONS = {"Pondok": "Pd.", "Barat": "Brt", "Timur": "Tmr", "Utara": "Utr",
                  "Selatan": "Sel.", "Gunung": "Gn.", "Kali": "K.", "Tanjung": "Tj.",
                  "Bukit": "Bkt."}


def spelling_variant(name: str, rng: np.random.Generator) -> str:
    """How a register spells a kelurahan name differently from the boundary file."""
    choice = rng.integers(4)
    if choice == 0:
        return name.upper()
    if choice == 1:
        return f"Kel. {name}"
    if choice == 2:
        words = [_ABBREVIATIONS.get(w, w) for w in name.split()]
        return " ".join(words)
    return name.lower().replace(" ", "  ")


def register_frame(hh: pd.DataFrame) -> pd.DataFrame:
    """The register as a Dinas Sosial export would carry it: Indonesian headers, Ya/Tidak."""
    out = pd.DataFrame({header: hh[col] for col, header in REGISTER_HEADERS.items()})
    for col in FLAG_COLUMNS:
        header = REGISTER_HEADERS[col]
        out[header] = hh[col].astype(int).map({1: "Ya", 0: "Tidak"})
    return out


@dataclass
class DemoFiles:
    boundaries: Path
    register: Path
    truth: pd.DataFrame  # id_keluarga, kode_benar, cacat, row_number


def write_demo(out_dir: Path, n: int = 60_000, seed: int = 7) -> DemoFiles:
    """Write ``kelurahan.geojson`` and ``register_dtks.csv`` (and nothing personal but fiction)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    kel, river = build_city(seed)
    hh = add_defects(generate_households(kel, river, n, seed), seed)
    boundaries = out_dir / "kelurahan.geojson"
    kel.to_file(boundaries, driver="GeoJSON")
    register = out_dir / "register_dtks.csv"
    register_frame(hh).to_csv(register, index=False)
    (out_dir / "README.txt").write_text(
        f"{CITY_NAME} ({DEMO_LABEL}). Semua nama, kode, orang dan alamat di sini rekaan.\n",
        encoding="utf-8")
    truth = hh[["id_keluarga", "kode_benar", "cacat"]].copy()
    truth["row_number"] = np.arange(len(hh)) + 2  # header is line 1
    return DemoFiles(boundaries, register, truth)


def load_demo(engine, n: int = 60_000, seed: int = 7, progress=None,  # noqa: ANN001
              out_dir: Path | None = None) -> dict:
    """Build the demo files (in ``data/demo`` by default) and import them through the user's
    import path."""
    from geo.boundaries import import_boundaries
    from geo.households import import_households

    def step(fraction: float, text: str) -> None:
        if progress:
            progress(fraction, text)

    step(0.05, "Membuat batas wilayah dan register contoh (fiktif)…")
    files = write_demo(out_dir or DATA_DIR / "demo", n=n, seed=seed)
    step(0.35, "Mengimpor batas kelurahan…")
    boundary_report = import_boundaries(engine, files.boundaries)
    step(0.5, "Mengimpor register rumah tangga…")
    result = import_households(engine, files.register, period=DEMO_PERIOD, is_demo=True,
                               progress=lambda f, t: step(0.5 + 0.4 * f, t))
    step(0.92, "Membuat log rujukan SLRT dan titik layanan contoh…")
    from geo.referrals.demo import load_demo_referrals

    referrals, points = load_demo_referrals(engine, files.boundaries.parent, seed)
    step(0.97, "Mengimpor usulan Musrenbang contoh…")
    from geo.proposals.demo import load_demo_proposals

    proposals = load_demo_proposals(engine, out_dir or DATA_DIR / "demo", seed=seed)
    step(1.0, "Selesai.")
    return {"boundaries": boundary_report, "households": result, "referrals": referrals,
            "service_points": points, "proposals": proposals}

