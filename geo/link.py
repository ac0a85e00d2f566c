"""Household -> kelurahan linking: by code, then by name within the kecamatan, then by point.

Every row keeps how it was linked (``link_method`` kode | nama | titik | None), whether its point
contradicts its code (``link_conflict``: more than :data:`CONFLICT_METRES` outside the coded
kelurahan) and a note a person can read (candidates of an ambiguous name, distance of a conflict,
why a row stayed unlinked). Names are never guessed: an ambiguous name stays unlinked.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from rapidfuzz import process
from rapidfuzz.distance import Indel
from sqlalchemy import Engine, select

from geo import store
from geo.codes import normalize_code, parent_code
from geo.fmt import fmt_int
from geo.point_index import PointIndex, cells_for

CONFLICT_METRES = 200.0  # a point further than this outside its coded kelurahan is a conflict

# Name matching. Abbreviations seen in registers, expanded before comparing (token -> words).
NAME_ABBREVIATIONS: dict[str, str] = {
    "pd": "pondok", "pdk": "pondok", "brt": "barat", "br": "barat", "tmr": "timur",
    "tim": "timur", "utr": "utara", "ut": "utara", "sel": "selatan", "slt": "selatan",
    "sltn": "selatan", "gn": "gunung", "gng": "gunung", "tj": "tanjung", "tg": "tanjung",
    "tjg": "tanjung", "bkt": "bukit", "kp": "kampung", "kpg": "kampung", "k": "kali",
    "kr": "karang", "krg": "karang", "cp": "cempaka", "sk": "suka", "jl": "jalan",
    "tmn": "taman", "psr": "pasar", "kb": "kebon", "mk": "mekar",
}
# Words that only say what kind of area follows ("Kel. Sukajaya", "Desa Mekarsari").
NAME_PREFIXES = frozenset({"kel", "kelurahan", "ds", "desa", "kec", "kecamatan", "kelu"})
# Similarity is rapidfuzz's Indel similarity, 2 * LCS / (len a + len b), in 0..1
# (:func:`name_similarity`). It replaced difflib's ratio, 2 * M / (len a + len b) with M the
# characters of difflib's greedy matching blocks (never more than the LCS, so never a higher
# score; no junk heuristic below 200 characters). The thresholds kept their values: the name
# tests decide the same with both, and the few pairs scoring higher now differ where difflib's
# greedy blocks missed a longer common subsequence (bench/bench_names.py counts them).
FUZZY_MIN = 0.86  # similarity a fuzzy name match must reach
FUZZY_MARGIN = 0.06  # ... and by which it must beat the next candidate, else it is ambiguous

METHOD_CODE, METHOD_NAME, METHOD_POINT = "kode", "nama", "titik"


def name_similarity(name: str, choices: Sequence[str]) -> np.ndarray:
    """Similarity (0..1) of ``name`` to each of ``choices``: rapidfuzz's Indel similarity,
    computed in C for all choices at once."""
    if not len(choices):
        return np.zeros(0)
    return process.cdist([name], list(choices), scorer=Indel.normalized_similarity,
                         dtype=np.float64)[0]


def normalize_name(value: object) -> str:
    """``Kel. Pd. Kacang  Brt`` -> ``pondok kacang barat``; empty string for no name."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = re.sub(r"[^0-9a-z]+", " ", str(value).lower()).split()
    words = [NAME_ABBREVIATIONS.get(w, w) for w in text]
    while words and words[0] in NAME_PREFIXES:
        words = words[1:]
    return " ".join(words)


# ---------------------------------------------------------------- regions

@dataclass
class RegionIndex:
    """The kelurahan to link to, with what each linking step needs."""

    codes: np.ndarray  # dotted kelurahan codes
    names: np.ndarray
    kec_codes: np.ndarray
    geoms: np.ndarray
    kec_names: dict[str, str] = field(default_factory=dict)  # kecamatan code -> name
    _points: PointIndex | None = None
    _point_cells: int = 0

    @classmethod
    def from_store(cls, engine: Engine) -> RegionIndex:
        kel = store.load_regions(engine, level="kelurahan")
        kec = store.load_regions(engine, level="kecamatan")
        return cls.from_frames(kel, kec)

    @classmethod
    def from_frames(cls, kel: gpd.GeoDataFrame, kec: pd.DataFrame | None = None
                    ) -> RegionIndex:
        codes = kel["kode"].astype(str).to_numpy()
        parents = [p if isinstance(p, str) and p else parent_code(c)
                   for c, p in zip(codes, kel.get("kode_induk", [None] * len(kel)))]
        kec_names = {}
        if kec is not None and len(kec):
            kec_names = dict(zip(kec["kode"].astype(str), kec["nama"].astype(str)))
        return cls(codes=codes, names=kel["nama"].astype(str).to_numpy(),
                   kec_codes=np.array(parents, dtype=object),
                   geoms=np.asarray(kel.geometry.values, dtype=object), kec_names=kec_names)

    def __len__(self) -> int:
        return len(self.codes)

    def points(self, n_points: int) -> PointIndex:
        vertices = int(shapely.get_num_coordinates(self.geoms).sum())
        cells = cells_for(n_points, len(self.geoms), vertices)
        if self._points is None or self._point_cells < cells:
            self._points = PointIndex(self.geoms, cells=cells)
            self._point_cells = cells
        return self._points


# ---------------------------------------------------------------- linking

def _metres(geom, lon0: float, lat0: float):  # noqa: ANN001, ANN202
    """Equirectangular metres around (lon0, lat0): exact enough within a kelurahan's reach."""
    mx = 111_320.0 * math.cos(math.radians(lat0))
    return shapely.transform(geom, lambda xy: np.column_stack(
        [(xy[:, 0] - lon0) * mx, (xy[:, 1] - lat0) * 110_540.0]))


def _fmt_m(metres: float) -> str:
    return f"{metres:,.0f}".replace(",", ".") + " m"


METHODS = pd.CategoricalDtype([METHOD_CODE, METHOD_NAME, METHOD_POINT])


def link_frame(frame: pd.DataFrame, regions: RegionIndex) -> pd.DataFrame:
    """Link rows (columns kode_kelurahan, nama_kelurahan, nama_kecamatan, lintang, bujur; any
    may be missing) to ``regions``. Returns the LINK_COLUMNS, index aligned with ``frame``;
    ``region_code`` and ``link_method`` are categorical (missing: unlinked)."""
    n = len(frame)
    linked = np.full(n, -1, dtype=np.int64)  # position in regions
    how = np.full(n, -1, dtype=np.int8)  # position in METHODS
    conflict = np.zeros(n, dtype=np.int64)
    notes = _Notes()

    def result() -> pd.DataFrame:
        codes = pd.CategoricalDtype(regions.codes) if len(regions) else None
        return pd.DataFrame({
            "region_code": pd.Categorical.from_codes(linked, dtype=codes) if codes is not None
            else np.full(n, None, dtype=object),
            "link_method": pd.Categorical.from_codes(how, dtype=METHODS),
            "link_conflict": conflict, "link_note": notes.column(n)}, index=frame.index)

    if n == 0:
        return result()
    if len(regions) == 0:
        out = result()
        out["link_note"] = "belum ada batas kelurahan; impor batas wilayah dulu"
        return out

    def col(name: str) -> pd.Series:
        return frame[name] if name in frame else pd.Series([None] * n, index=frame.index,
                                                           dtype=object)

    def number(name: str) -> np.ndarray:
        values = col(name)
        if values.dtype.kind == "f":
            return values.to_numpy()
        return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)

    lat, lon = number("lintang"), number("bujur")
    has_point = ~(np.isnan(lat) | np.isnan(lon))

    # by code: each distinct text is normalised once
    code_pos = {c: i for i, c in enumerate(regions.codes)}
    raw_code = col("kode_kelurahan")
    inverse, uniques = pd.factorize(raw_code)  # -1: missing
    normal = [normalize_code(u) for u in uniques]
    table = np.array([code_pos.get(c, -1) if c else -1 for c in normal] + [-1], dtype=np.int64)
    pos = table[inverse]
    by_code = pos >= 0
    linked[by_code] = pos[by_code]
    how[by_code] = 0
    for i in np.flatnonzero(~by_code & (inverse >= 0)):
        u = inverse[i]
        notes.add(i, f"kode {normal[u]} tidak ada di batas wilayah" if normal[u] else
                  f"kode {str(uniques[u])[:20]!r} bukan kode kelurahan")

    # by name within the kecamatan
    todo = np.flatnonzero(~by_code)
    if len(todo):
        kel_names = col("nama_kelurahan").iloc[todo].to_numpy(dtype=object)
        kec_names = col("nama_kecamatan").iloc[todo].to_numpy(dtype=object)
        matcher = _NameMatcher(regions)
        cache: dict[tuple, tuple[int, str | None]] = {}
        for i, kel_name, kec_name in zip(todo, kel_names, kec_names):
            key = (kel_name if isinstance(kel_name, str) else None,
                   kec_name if isinstance(kec_name, str) else None)
            if key[0] is None:
                continue
            if key not in cache:
                cache[key] = matcher.match(*key)
            hit, why = cache[key]
            if hit >= 0:
                linked[i] = hit
                how[i] = 1
            if why:
                notes.add(i, why)

    # by point
    points = regions.points(int(has_point.sum()))
    inside = np.full(n, -1, dtype=np.int64)
    if has_point.any():
        inside[has_point] = points.lookup(lon[has_point], lat[has_point])
    todo = np.flatnonzero((how < 0) & has_point)
    hit = inside[todo] >= 0
    linked[todo[hit]] = inside[todo[hit]]
    how[todo[hit]] = 2
    for i in todo[~hit]:
        notes.add(i, "titik di luar semua kelurahan")
    for i in np.flatnonzero((how < 0) & ~has_point):
        if all("kode" in x for x in notes.get(i)):
            notes.add(i, "tanpa kode, nama atau titik yang bisa dipakai")

    # conflicts: coded rows whose point lies > CONFLICT_METRES outside the coded kelurahan
    check = np.flatnonzero(by_code & has_point & (inside != pos))
    if len(check):
        for p in np.unique(pos[check]):
            rows = check[pos[check] == p]
            poly = regions.geoms[p]
            c = poly.centroid
            dist = shapely.distance(_metres(poly, c.x, c.y),
                                    _metres(shapely.points(lon[rows], lat[rows]), c.x, c.y))
            for i, d in zip(rows, dist):
                if d > CONFLICT_METRES:
                    conflict[i] = 1
                    where = ("di kelurahan " + regions.names[inside[i]] if inside[i] >= 0
                             else "di luar semua kelurahan")
                    notes.add(i, f"titik {_fmt_m(d)} di luar kelurahan kodenya ({where})")
    return result()


class _Notes:
    """Notes of the few rows that have any (a list per row of millions would cost seconds)."""

    def __init__(self) -> None:
        self.rows: dict[int, list[str]] = {}

    def add(self, i: int, text: str) -> None:
        self.rows.setdefault(int(i), []).append(text)

    def get(self, i: int) -> list[str]:
        return self.rows.get(int(i), [])

    def column(self, n: int) -> np.ndarray:
        out = np.full(n, None, dtype=object)
        for i, texts in self.rows.items():
            out[i] = "; ".join(texts)
        return out


class _NameMatcher:
    """Kelurahan names within a kecamatan: exact after normalising, then fuzzy; never a guess."""

    similarity = staticmethod(name_similarity)  # (name, choices) -> scores 0..1

    def __init__(self, regions: RegionIndex) -> None:
        self.regions = regions
        self.norm = [normalize_name(x) for x in regions.names]
        self.compact = [x.replace(" ", "") for x in self.norm]
        self.kec_norm: dict[str, list[str]] = {}
        for code, name in regions.kec_names.items():
            self.kec_norm.setdefault(normalize_name(name), []).append(code)
        self.by_kec: dict[str, list[int]] = {}
        for i, k in enumerate(regions.kec_codes):
            self.by_kec.setdefault(k, []).append(i)

    def _kecamatan(self, name: str | None) -> list[str] | None:
        key = normalize_name(name)
        if not key or not self.kec_norm:
            return None
        if key in self.kec_norm:
            return self.kec_norm[key]
        names = list(self.kec_norm)
        close = np.flatnonzero(self.similarity(key, names) >= FUZZY_MIN)
        if len(close) == 1:
            return self.kec_norm[names[close[0]]]
        return None

    def match(self, kel: str, kec: str | None) -> tuple[int, str | None]:
        """(region position or -1, note)."""
        key = normalize_name(kel)
        if not key:
            return -1, None
        kec_codes = self._kecamatan(kec)
        kec_given = bool(normalize_name(kec))
        if kec_codes:
            cand = [i for k in kec_codes for i in self.by_kec.get(k, [])]
            where = "di kecamatan " + str(kec).strip()
        elif kec_given:
            # A kecamatan these boundaries do not have: the row most likely lies in another
            # area (common names such as "Sukamaju" recur across Indonesia), so no guess.
            return -1, (f"kecamatan {str(kec).strip()!r} tidak ada di batas wilayah; nama "
                        f"kelurahan {str(kel).strip()!r} tidak dicocokkan")
        else:
            cand = list(range(len(self.norm)))
            where = "di seluruh wilayah (kecamatan kosong)"
        for table, probe in ((self.norm, key), (self.compact, key.replace(" ", ""))):
            exact = [i for i in cand if table[i] == probe]
            if len(exact) == 1:
                return exact[0], None
            if len(exact) > 1:
                return -1, self._ambiguous(kel, exact, where)
        if not kec_codes:  # without a kecamatan only an exact, unique name links
            return -1, f"nama kelurahan {str(kel).strip()!r} tidak dikenal {where}"
        similar = self.similarity(key, [self.norm[i] for i in cand])
        scored = sorted(zip(similar.tolist(), cand), reverse=True)
        if not scored or scored[0][0] < FUZZY_MIN:
            return -1, f"nama kelurahan {str(kel).strip()!r} tidak dikenal {where}"
        best = scored[0][0]
        close = [i for s, i in scored if s >= best - FUZZY_MARGIN and s >= FUZZY_MIN - 0.1]
        if len(close) == 1:
            return scored[0][1], f"nama {str(kel).strip()!r} dicocokkan dengan " \
                f"{self.regions.names[scored[0][1]]} (kemiripan {best:.0%})"
        return -1, self._ambiguous(kel, close, where)

    def _ambiguous(self, kel: str, cand: list[int], where: str) -> str:
        names = ", ".join(f"{self.regions.names[i]} ({self.regions.codes[i]})" for i in cand[:5])
        return f"nama {str(kel).strip()!r} ambigu {where}; calon: {names}"


# ---------------------------------------------------------------- re-linking

LINK_INPUT = ["row_number", "kode_kelurahan", "nama_kelurahan", "nama_kecamatan", "lintang",
              "bujur", "region_code", "link_method", "link_conflict", "link_note"]


def link_counts(links: pd.DataFrame) -> dict[str, int]:
    """The linking part of store.COUNT_KEYS for a frame of LINK_COLUMNS."""
    method = links["link_method"]
    return {
        "linked_by_code": int((method == METHOD_CODE).sum()),
        "linked_by_name": int((method == METHOD_NAME).sum()),
        "linked_by_point": int((method == METHOD_POINT).sum()),
        "unlinked": int(method.isna().sum()),
        "conflicts": int(pd.to_numeric(links["link_conflict"]).fillna(0).sum()),
    }


def unlinked_warning(unlinked: int, households: int) -> str | None:
    """A warning when most households are unlinked: the boundaries and the register most likely
    cover different areas (after new boundaries, or a register of another area)."""
    if not households or int(unlinked) * 2 <= int(households):
        return None
    return (f"{fmt_int(unlinked)} dari {fmt_int(households)} rumah tangga tidak tertaut ke "
            "kelurahan/desa mana pun, jadi tidak tampil di peta dan angka. Apakah batas wilayah "
            "dan register mencakup wilayah yang sama? Periksa halaman Data.")


@dataclass
class Relinked:
    """One stored snapshot linked again: what :func:`geo.snapshot_writer.write_links` stores."""

    snapshot_id: int
    changes: pd.DataFrame  # row_number + LINK_COLUMNS of the rows whose links differ
    counts: dict[str, int]  # the linking part of store.COUNT_KEYS, over all its rows
    households: int = 0
    moved: int = 0  # rows whose kelurahan or link method changed
    unlinked_before: int = 0
    unlinked_after: int = 0


def relink_snapshots(conn) -> Iterator[Relinked]:  # noqa: ANN001
    """Link every stored snapshot's households again against the kelurahan stored in ``conn``
    (read only: the caller writes each result before asking for the next)."""
    regions = regions_of(conn)
    snap_ids = conn.execute(select(store.snapshots.c.id)).scalars().all()
    hh = store.households
    for sid in snap_ids:
        out = Relinked(snapshot_id=int(sid), changes=pd.DataFrame(), counts={})
        totals: Counter = Counter()
        changes: list[pd.DataFrame] = []
        # streamed for this statement only: Connection.execution_options() would set it on
        # the caller's connection, and on PostgreSQL every later statement of the transaction
        # (the UPDATEs of write_links) would become a server-side cursor (DECLARE … FOR UPDATE)
        result = conn.execute(
            select(*[hh.c[c] for c in LINK_INPUT]).where(hh.c.snapshot_id == sid),
            execution_options={"stream_results": True})
        for rows in result.partitions(RELINK_CHUNK):
            frame = pd.DataFrame(rows, columns=LINK_INPUT)
            new, differs = relink_rows(frame, regions, out, totals)
            if differs.any():
                part = new.loc[differs].copy()
                part.insert(0, "row_number", frame["row_number"].to_numpy()[differs])
                changes.append(part)
        result.close()
        out.counts = {k: int(totals.get(k, 0)) for k in LINK_COUNT_KEYS}
        if changes:
            out.changes = pd.concat(changes, ignore_index=True)
        yield out


def regions_of(conn) -> RegionIndex:  # noqa: ANN001
    """The kelurahan (and kecamatan) stored in ``conn``, indexed for linking."""
    return RegionIndex.from_frames(_regions_in(conn, "kelurahan"), _regions_in(conn, "kecamatan"))


def relink_rows(frame: pd.DataFrame, regions: RegionIndex, out: Relinked, totals: Counter
                ) -> tuple[pd.DataFrame, np.ndarray]:
    """Stored rows (:data:`LINK_INPUT`) linked again: their new LINK_COLUMNS (notes from
    reading a row kept), and which rows differ from before; ``out`` and ``totals`` (the link
    counts) take this part's figures. Where the rows are (table or dataset) is the caller's."""
    new = link_frame(frame, regions)
    new["link_note"] = _keep_row_notes(frame["link_note"], new["link_note"])
    old = {c: _plain(frame[c]) for c in ("region_code", "link_method", "link_note")}
    moved = ((old["region_code"] != _plain(new["region_code"]))
             | (old["link_method"] != _plain(new["link_method"])))
    differs = (moved | (old["link_note"] != _plain(new["link_note"]))
               | (pd.to_numeric(frame["link_conflict"]).fillna(0).to_numpy()
                  != new["link_conflict"].to_numpy()))
    out.households += len(frame)
    out.moved += int(moved.sum())
    out.unlinked_before += int(frame["region_code"].isna().sum())
    out.unlinked_after += int(new["region_code"].isna().sum())
    totals.update(link_counts(new))
    return new, np.asarray(differs, dtype=bool)


LINK_COUNT_KEYS = ("linked_by_code", "linked_by_name", "linked_by_point", "unlinked",
                   "conflicts")


def _plain(values: pd.Series) -> np.ndarray:
    """Values as Python objects, None where missing (NaN would never equal itself)."""
    return values.astype(object).where(values.notna(), None).to_numpy()


RELINK_CHUNK = 200_000
ROW_NOTE_STARTS = ("lintang dan bujur tertukar", "koordinat (", "hanya satu dari lintang")


def _keep_row_notes(old: pd.Series, new: pd.Series) -> list:
    """Notes from reading the row (swapped or dropped coordinates) survive re-linking."""
    out = []
    for before, after in zip(old.tolist(), new.tolist()):
        before = before if isinstance(before, str) else ""
        kept = [p for p in before.split("; ") if p.startswith(ROW_NOTE_STARTS)]
        if isinstance(after, str) and after:
            kept.append(after)
        out.append("; ".join(kept) or None)
    return out


def _regions_in(conn, level: str) -> gpd.GeoDataFrame:  # noqa: ANN001
    r = store.regions
    rows = conn.execute(select(r.c.kode, r.c.nama, r.c.kode_induk, r.c.geometry)
                        .where(r.c.level == level).order_by(r.c.kode)).all()
    frame = pd.DataFrame(rows, columns=["kode", "nama", "kode_induk", "wkb"])
    geometry = shapely.from_wkb(frame.pop("wkb").to_numpy()) if len(frame) else []
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=4326)
