"""Reading boundary files: GeoJSON, Shapefile (folder or .zip), GeoPackage, KML/KMZ and
GeoParquet, from a path or an upload; archives unpacked, polygon layers listed."""

from __future__ import annotations

import logging
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.boundaries.base import BoundaryImportFailed

log = logging.getLogger(__name__)

# Extensions by format; .zip and folders hold any of these.
FORMATS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".shp": "Shapefile", ".gpkg": "GeoPackage",
           ".kml": "KML", ".parquet": "GeoParquet", ".geoparquet": "GeoParquet"}
ARCHIVES = (".zip", ".kmz")
UPLOAD_TYPES = ("geojson", "json", "zip", "gpkg", "kml", "kmz", "parquet", "geoparquet")


@contextmanager
def _local_path(path: object) -> Iterator[tuple[Path, str]]:
    """A path on disk for ``path`` (a path, or an upload with ``.name``), and the file's name."""
    if isinstance(path, str | Path):
        yield Path(path), Path(path).name
        return
    name = Path(getattr(path, "name", "") or "upload").name
    data = path.getvalue() if hasattr(path, "getvalue") else path.read()
    with tempfile.TemporaryDirectory(prefix="batas-") as tmp:
        target = Path(tmp) / name
        target.write_bytes(data)
        yield target, name


# what is unpacked from an archive: data files and a Shapefile's sidecars, nothing else
UNPACKED = {*FORMATS, ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".qmd"}


def check_archive(members: list[zipfile.ZipInfo], name: str) -> None:
    """Refuse an archive whose directory says it holds too many members or unpacks to more
    than the settings allow (a zip bomb), before anything is unpacked."""
    from geo import config
    from geo.fmt import fmt_int

    most, limit_mb = config.zip_max_files(), config.zip_max_mb()
    if len(members) > most:
        raise BoundaryImportFailed(
            f"{name}: arsip berisi {fmt_int(len(members))} berkas, melebihi batas "
            f"{fmt_int(most)} (pengaturan PETA_ZIP_MAX_FILES). Buat arsip yang hanya berisi "
            "berkas batas wilayah.")
    total = sum(m.file_size for m in members)
    if total > limit_mb * 1024**2:
        raise BoundaryImportFailed(
            f"{name}: isi arsip bila dibuka {fmt_int(total // 1024**2)} MB, melebihi batas "
            f"{fmt_int(limit_mb)} MB (pengaturan PETA_ZIP_MAX_MB). Buat arsip yang hanya "
            "berisi berkas batas wilayah (.shp, .shx, .dbf, .prj atau .gpkg/.geojson).")


def _extract(archive: Path, into: Path, name: str) -> Path:
    """Unpack the data files of an archive (after :func:`check_archive`); other members (a
    padding file, documents) are left packed."""
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            check_archive(members, name)
            wanted = []
            for member in members:
                target = (into / member.filename).resolve()
                if not target.is_relative_to(into.resolve()):
                    raise BoundaryImportFailed(
                        f"{name}: arsip berisi jalur berbahaya ({member.filename}); "
                        "buat ulang arsip .zip dari folder berkasnya.")
                if not member.is_dir() and Path(member.filename).suffix.lower() in UNPACKED:
                    wanted.append(member)
            zf.extractall(into, members=wanted)
    except zipfile.BadZipFile as exc:
        raise BoundaryImportFailed(
            f"{name}: arsip tidak dapat dibuka ({exc}). Periksa bahwa berkas .zip tidak rusak."
        ) from exc
    return into


def _sources_in(folder: Path) -> list[Path]:
    """Data files in a folder or an unpacked archive (sidecar files and macOS junk skipped)."""
    found = [p for p in sorted(folder.rglob("*")) if p.is_file()
             and p.suffix.lower() in FORMATS and p.suffix.lower() != ".json"
             and "__MACOSX" not in p.parts and not p.name.startswith(".")]
    if not found:  # plain .json only when nothing better is there
        found = [p for p in sorted(folder.rglob("*.json")) if "__MACOSX" not in p.parts]
    return found


def _is_polygonal(geometry_type: str | None) -> bool:
    text = (geometry_type or "").lower()
    return "polygon" in text or text in ("unknown", "geometry", "")


@contextmanager
def _opened(path: object) -> Iterator[tuple[list[tuple[Path, str]], str, str]]:
    """Candidate (file, layer) pairs of ``path``, its display name and its format."""
    with _local_path(path) as (local, name), tempfile.TemporaryDirectory(prefix="batas-") as tmp:
        if not local.exists():
            raise BoundaryImportFailed(f"{name}: berkas tidak ditemukan.")
        if local.is_dir():
            files = _sources_in(local)
        elif local.suffix.lower() in ARCHIVES:
            files = _sources_in(_extract(local, Path(tmp), name))
        elif local.suffix.lower() in FORMATS:
            files = [local]
        else:
            raise BoundaryImportFailed(
                f"{name}: format berkas tidak dikenal. Gunakan GeoJSON, Shapefile (folder atau "
                ".zip berisi .shp, .shx, .dbf, .prj), GeoPackage (.gpkg), KML/KMZ atau "
                "GeoParquet.")
        if not files:
            raise BoundaryImportFailed(
                f"{name}: tidak ada berkas data spasial di dalamnya (dicari: .shp, .gpkg, "
                ".geojson, .kml, .parquet).")
        candidates: list[tuple[Path, str]] = []
        for file in files:
            if FORMATS[file.suffix.lower()] == "GeoParquet":
                candidates.append((file, file.stem))
                continue
            if file.suffix.lower() == ".shp":
                _check_sidecars(file, name)
            try:
                layers = pyogrio.list_layers(file)
            except Exception as exc:  # noqa: BLE001 - any driver error means unreadable
                log.warning("%s: %s tidak terbaca oleh GDAL: %s", name, file.name, exc)
                raise BoundaryImportFailed(
                    f"{_inside(name, file)} tidak dapat dibaca sebagai data spasial (berkas rusak "
                    "atau bukan format yang disebut namanya). Periksa bahwa berkas lengkap "
                    "(untuk Shapefile: .shp, .shx, .dbf dan .prj bersama).") from exc
            for layer_name, geometry_type in layers:
                if _is_polygonal(geometry_type):
                    candidates.append((file, str(layer_name)))
        fmt = ", ".join(sorted({FORMATS[f.suffix.lower()] for f in files}))
        yield candidates, name, fmt


def _inside(name: str, file: Path) -> str:
    """The file named in a message: the upload's name, and the file inside it when the upload
    is a .zip or a folder (``batas.zip: kelurahan.shp``)."""
    return name if file.name == name else f"{name}: {file.name}"


def _check_sidecars(shp: Path, name: str) -> None:
    """A Shapefile needs its .dbf (the codes and names) and .shx beside the .shp."""
    present = {p.suffix.lower() for p in shp.parent.glob(shp.stem + ".*")}
    missing = [ext for ext in (".dbf", ".shx") if ext not in present]
    if missing:
        raise BoundaryImportFailed(
            f"{name}: Shapefile {shp.name} tanpa berkas {' dan '.join(missing)} "
            + ("(tabel atribut yang memuat kode dan nama wilayah). " if ".dbf" in missing
               else "(indeks geometri). ")
            + "Sertakan .shp, .shx, .dbf dan .prj bersama dalam satu folder atau .zip.")


def list_layers(path: object) -> list[str]:
    """Names of the polygon layers in a file (GeoPackage layers, files in a .zip or folder)."""
    with _opened(path) as (candidates, _name, _fmt):
        return [_layer_label(file, layer, candidates) for file, layer in candidates]


def _layer_label(file: Path, layer: str, candidates: list[tuple[Path, str]]) -> str:
    one_file = len({f for f, _ in candidates}) == 1
    return layer if one_file else f"{file.name}:{layer}" if layer != file.stem else file.name


def read_boundary_file(path: object, layer: str | None = None
                       ) -> tuple[gpd.GeoDataFrame, str, str, str | None]:
    """Read the features: (frame, file name, format, layer used)."""
    with _opened(path) as (candidates, name, fmt):
        if not candidates:
            raise BoundaryImportFailed(f"{name}: tidak ada lapisan berisi poligon.")
        labels = [_layer_label(f, lyr, candidates) for f, lyr in candidates]
        if layer is not None:
            chosen = [c for c, label in zip(candidates, labels)
                      if layer in (label, c[1], c[0].name, c[0].stem)]
            if not chosen:
                raise BoundaryImportFailed(
                    f"{name}: lapisan '{layer}' tidak ada. Lapisan yang ada: "
                    f"{', '.join(labels)}.")
        elif len(candidates) == 1 or fmt == "KML":
            chosen = candidates  # a KML's folders are one map split in parts
        else:
            raise BoundaryImportFailed(
                f"{name}: berkas berisi {len(candidates)} lapisan poligon: "
                f"{', '.join(labels)}. Pilih satu (di aplikasi, atau --layer NAMA di baris "
                "perintah).")
        frames = []
        for file, lyr in chosen:
            try:
                if FORMATS[file.suffix.lower()] == "GeoParquet":
                    frames.append(gpd.read_parquet(file))
                else:
                    frames.append(gpd.read_file(file, layer=lyr, engine="pyogrio"))
            except Exception as exc:  # noqa: BLE001
                log.warning("%s: %s tidak terbaca: %s", name, file.name, exc)
                raise BoundaryImportFailed(
                    f"{_inside(name, file)} tidak dapat dibaca sebagai data spasial (berkas rusak "
                    "atau terpotong). Ekspor ulang dari aplikasi GIS-nya.") from exc
        crs = next((f.crs for f in frames if f.crs is not None), None)
        frame = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=crs)
        used = labels[candidates.index(chosen[0])] if len(chosen) == 1 else None
        return frame, name, fmt, used
