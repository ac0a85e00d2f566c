"""Test and bench data for the map explorer, written straight into the store (regions from the
demo city, households already linked to their true kelurahan), independent of the importers."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
from sqlalchemy import Engine

from geo import map_layer, static_files, store
from geo.boundaries import build_hierarchy, display_geometry
from geo.demo import build_city, generate_households
from geo.snapshot_writer import write_snapshot


def city_regions(seed: int = 7, n_kelurahan: int = 44, n_kecamatan: int = 7,
                 rename: dict[str, str] | None = None) -> tuple[gpd.GeoDataFrame, object]:
    """Kelurahan, dissolved kecamatan and kota with display geometry; ``rename`` maps kelurahan
    codes to other names (e.g. an HTML payload). Returns (regions, river)."""
    kel, river = build_city(seed, n_kelurahan=n_kelurahan, n_kecamatan=n_kecamatan)
    if rename:
        kel["nama_kel"] = [rename.get(k, n) for k, n in zip(kel["kode_kel"], kel["nama_kel"])]
    table = gpd.GeoDataFrame({
        "kode": kel["kode_kel"], "nama": kel["nama_kel"], "level": "kelurahan",
        "nama_kec": kel["nama_kec"], "nama_kab": kel["nama_kab"], "nama_prov": kel["nama_prov"],
    }, geometry=kel.geometry.values, crs=4326)
    table = build_hierarchy(table)
    table = table[table["level"] != "provinsi"].reset_index(drop=True)
    metric = table.estimate_utm_crs()
    table["area_km2"] = table.geometry.to_crs(metric).area / 1e6
    table["geometry_display"], _ = display_geometry(table, metric)
    return table, (kel, river)


def write_city(engine: Engine, n: int = 3_000, seed: int = 7, period: str = "2026-09",
               n_kelurahan: int = 44, n_kecamatan: int = 7,
               rename: dict[str, str] | None = None,
               households: pd.DataFrame | None = None) -> pd.DataFrame:
    """Store the city's regions and ``n`` linked households; returns the households stored."""
    table, (kel, river) = city_regions(seed, n_kelurahan, n_kecamatan, rename)
    store.replace_regions(engine, table[["kode", "nama", "level", "kode_induk", "area_km2",
                                         "geometry", "geometry_display"]], "test")
    if households is None:
        households = generate_households(kel, river, n, seed)
        households["region_code"] = households["kode_benar"]
        households["link_method"] = "kode"
    households = households.reset_index(drop=True)
    households["row_number"] = range(2, len(households) + 2)
    rejected = pd.DataFrame(columns=["row_number", "values_json", "reasons"])
    write_snapshot(engine, period, "test.csv", households, rejected,
                   {"rows_read": len(households), "accepted": len(households),
                    "linked_by_code": len(households)}, is_demo=True)
    return households


def sidebar_and_map_page() -> None:
    """The app's frame around the map page, without st.navigation (AppTest reruns need that:
    with a ``pages/`` folder, AppTest reruns only the page). Run it with
    ``AppTest.from_function`` and ``PETA_PROJECT`` set to the project folder."""
    import os

    from ui.frame import run_frame

    run_frame(os.path.join(os.environ["PETA_PROJECT"], "pages", "peta.py"))


def published_url(html: str) -> str | None:
    """The URL a map's area layer fetches its geometry from (None: embedded)."""
    layers = map_layer.published_layers(html)
    return layers[0][0] if layers else None


def drawn_areas(html: str) -> list[dict]:
    """The area features a map's page gives Leaflet: the published geometry with this page's
    properties (as the browser joins them by id), or the embedded collection."""
    layers = map_layer.published_layers(html)
    if layers:
        url, columns = layers[0]
        row_of = {code: i for i, code in enumerate(columns["id"])}
        data = json.loads(static_files.path_of(url).read_text())
        return [{**f, "properties": {name: values[row_of[f["id"]]]
                                     for name, values in columns["p"].items()}}
                for f in data["features"]]
    return map_layer.embedded_layers(html)[0]


def write_province(folder: Path, periods: tuple[tuple[str, int], ...] = (("2026-10", 3_000),)
                   ) -> str:
    """A fictional province in ``folder``: a kota (99.71, 12 kelurahan) and a kabupaten beside
    it (99.01, 12 desa), with households from ``python -m geo demo --boundaries`` as a user
    would load them, one register per (period, households). Returns the database URL."""
    import os

    from geo.cli import main

    kota, _ = build_city(7, n_kelurahan=12, n_kecamatan=3)
    kab = kota.copy()
    for col in ("kode_kel", "kode_kec", "kode_kab"):
        kab[col] = kab[col].str.replace("99.71", "99.01", n=1)
    kab["kode_kel"] = kab["kode_kel"].str[:9] + "2" + kab["kode_kel"].str[10:]  # desa
    kab["nama_kab"] = "Kabupaten Contoh"
    kab["geometry"] = kab.geometry.translate(xoff=1.0)  # beside the kota, not over it
    path = folder / "provinsi.geojson"
    pd.concat([kota, kab], ignore_index=True).to_file(path, driver="GeoJSON")
    url = f"sqlite:///{folder / 'provinsi.sqlite'}"
    before = os.environ.get("PETA_DB_URL")
    os.environ["PETA_DB_URL"] = url
    try:
        for period, households in periods:
            assert main(["demo", "--boundaries", str(path), "--households", str(households),
                         "--period", period, "--json"]) == 0
    finally:
        if before is None:
            os.environ.pop("PETA_DB_URL")
        else:
            os.environ["PETA_DB_URL"] = before
    return url
