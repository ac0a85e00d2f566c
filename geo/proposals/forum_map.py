"""The forum's map: the need choropleth of one indicator (``geo.maps.choropleth``, grey
"tidak ada data" where the value is not known) with the proposals per kelurahan drawn over it
as circles sized by their number, and the top-N kelurahan outlined."""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from geo import indicators
from geo.codes import level_word, parent_codes
from geo.fmt import fmt_int
from geo.maps import choropleth, classify, escape, grey_label
from geo.proposals.evidence import city_ranks, forum_secret, has_need, hidden_of
from geo.suppression import HIDDEN_TOO, count_texts, hidden_too, rate_texts

LISTED = 4  # proposals named in a kelurahan's tooltip; the rest are counted


def proposals_per_kelurahan(ev: pd.DataFrame) -> pd.DataFrame:
    """Per kelurahan code: ``usulan`` (number) and ``daftar`` (ids and activities of the first
    few, then how many more). Column-wise: a Musrenbang's thousands of proposals over a
    kabupaten's hundreds of desa took a second one group at a time."""
    ev = ev.dropna(subset=["kode"])
    if ev.empty:
        return pd.DataFrame(columns=["usulan", "daftar"])
    size = ev.groupby("kode").size()
    first = ev.groupby("kode").head(LISTED)
    named = (first["id"].astype(str) + " " + first["kegiatan"].astype(str)).groupby(
        first["kode"]).agg("; ".join).reindex(size.index)
    more = size - LISTED
    lines = named + pd.Series(np.where(more > 0, "; … " + more.astype(str) + " lagi", ""),
                              index=size.index)
    return pd.DataFrame({"usulan": size, "daftar": lines})


def forum_map(areas: gpd.GeoDataFrame, table: pd.DataFrame, ind_id: str, ev: pd.DataFrame,
              top: int = 10, hide: bool = True, note: str = "", tiles: str | None = None
              ) -> folium.Map:
    """Need of ``ind_id`` per kelurahan (rate %) with the proposals ``ev`` over it."""
    ind = indicators.get(ind_id)
    counts = proposals_per_kelurahan(ev).reindex(areas["kode"])
    tooltip, rate, highlight = need_tooltip(areas, table, ind_id, ev, top, hide, counts)
    fmap = choropleth(areas, rate, title=ind.label,
                      unit=f"% rumah tangga · garis tebal: {top} teratas",
                      tooltip_rows=tooltip, note=note, tiles=tiles,
                      classes=classify(rate.to_numpy(dtype=float), palette="YlOrRd"),
                      grey_label=grey_label(hide))
    _proposal_circles(fmap, areas, counts, highlight)
    return fmap


def need_tooltip(areas: gpd.GeoDataFrame, table: pd.DataFrame, ind_id: str, ev: pd.DataFrame,
                 top: int = 10, hide: bool = True, counts: pd.DataFrame | None = None
                 ) -> tuple[pd.DataFrame, pd.Series, set[str]]:
    """(the tooltip per area, the rate coloured (empty where hidden), the top-``top`` codes
    outlined). A rate hidden for the forum is neither ranked nor outlined
    (:func:`geo.suppression.hidden_last`'s rule)."""
    ind = indicators.get(ind_id)
    by_code = table.set_index("kode").reindex(areas["kode"])
    count = by_code[ind_id].astype(float)
    rate = by_code[f"{ind_id}_persen"].astype(float).where(count.notna())
    households = by_code["rumah_tangga"].astype(float)
    secret = forum_secret(table, ind_id) if hide else None  # ranked among the shown only
    rank_of = pd.Series(city_ranks(table, ind_id, secret).to_numpy(), index=table["kode"]
                        ).reindex(areas["kode"])
    rows = pd.DataFrame({"kode": areas["kode"].to_numpy(), "indikator": ind_id})
    # as the forum's map: a rate hidden with its count or its denominator
    hidden_need, hidden_rate = hidden_of(table, rows) if hide else (
        np.zeros(len(areas), dtype=bool), np.zeros(len(areas), dtype=bool))
    rate_text = rate_texts(rate, households, hide, count, hidden_rate)
    hidden = np.asarray(rate_text, dtype=object) == HIDDEN_TOO
    kota = level_word("kota", parent_codes(table["kode"], "kota")).lower()
    if counts is None:  # ``counts``: proposals_per_kelurahan(ev) over the areas, when made
        counts = proposals_per_kelurahan(ev).reindex(areas["kode"])
    tooltip = pd.DataFrame({
        "Kelurahan": by_code["nama"].fillna("").to_numpy(),
        ind.label: rate_text,
        "Rumah tangga perlu": hidden_too(count_texts(count, hide), hidden_need),
        f"Peringkat di {kota}": [HIDDEN_TOO if x else fmt_int(r) if pd.notna(r)
                                 else indicators.NO_DATA for r, x in zip(rank_of, hidden)],
        "Usulan": [fmt_int(n) if pd.notna(n) else "0" for n in counts["usulan"]],
    }, index=areas["kode"])
    highlight = {k for k, r, x, n in zip(areas["kode"], rank_of, hidden, count)
                 if pd.notna(r) and r <= top and not x and has_need(ind_id, n)}
    shown = pd.Series(rate.where(~hidden).to_numpy(), index=areas["kode"])  # no colour either
    return tooltip, shown, highlight


def _proposal_circles(fmap: folium.Map, areas: gpd.GeoDataFrame, counts: pd.DataFrame,
                      top: set[str]) -> None:
    """One GeoJSON layer of circles (sized by the number of proposals, a tooltip listing
    them) and one of the top-N outlines: a marker object per kelurahan made the page take
    seconds to build and send at a kabupaten's thousands of proposals."""
    points = areas.geometry.representative_point()
    n = pd.to_numeric(counts["usulan"], errors="coerce").fillna(0).to_numpy()
    features = [{
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(p.x, 6), round(p.y, 6)]},
        "properties": {"r": float(min(5 + 3 * np.sqrt(k), 20)),
                       "teks": escape(f"{fmt_int(k)} usulan: {text}")},
    } for p, k, text in zip(points, n, counts["daftar"]) if k > 0]
    if features:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features}, name="Usulan per kelurahan",
            marker=folium.CircleMarker(radius=8, color="#ffffff", weight=1.5, fill=True,
                                       fill_color="#08519c", fill_opacity=0.85),
            style_function=lambda f: {"radius": f["properties"]["r"]},
            tooltip=folium.GeoJsonTooltip(fields=["teks"], labels=False),
        ).add_to(fmap)
    outlined = areas[areas["kode"].isin(top)].sort_values("kode")
    if len(outlined):  # the top-N outline, drawn over the fill
        folium.GeoJson(outlined[["kode", "geometry"]].__geo_interface__,
                       style_function=lambda _: {"fill": False, "color": "#111", "weight": 3},
                       interactive=False).add_to(fmap)
