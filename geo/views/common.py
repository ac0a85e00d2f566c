"""What the page views share: the households the filters keep, the planning scope, area names."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import indicators
from geo.codes import level_word
from geo.filters import Filters, chosen_areas
from geo.indicators import Settings
from geo.planning import NeedCells


def households_mask(prepared: indicators.Prepared, filters: Filters) -> np.ndarray | None:
    """The filters' household part (desil, programs, groups) as a mask; None = everyone."""
    rest = filters.households_only
    return None if rest.is_empty else rest.mask(prepared.attrs)


def area_labels(names: pd.DataFrame, codes: object) -> tuple[list[str], list[str]]:
    """(kelurahan names, kecamatan names) of kelurahan codes; ``names`` has kode, nama,
    kode_induk of every region."""
    by_code = names.set_index("kode")
    kel = pd.Index(codes)
    parent = by_code["kode_induk"].reindex(kel)
    return (by_code["nama"].reindex(kel).fillna("(tanpa nama)").tolist(),
            by_code["nama"].reindex(parent).fillna("–").tolist())


def distinct_names(names: pd.DataFrame) -> dict[str, str]:
    """A label per kecamatan and kelurahan code that tells apart areas of one name: the name
    alone where it is the only one of its level; else with its kabupaten/kota (a kecamatan)
    or its kecamatan (a kelurahan: "Mekarsari (Cibeber)"), and the kabupaten/kota too when
    that still repeats. ``names`` has kode, nama, level, kode_induk of every region (a
    province holds 13 kelurahan called Mekarsari)."""
    by_code = names.set_index("kode")
    name, parent = by_code["nama"].fillna("").astype(str), by_code["kode_induk"]
    out: dict[str, str] = {}
    for level in ("kecamatan", "kelurahan"):
        rows = by_code.index[by_code["level"] == level]
        up = parent.reindex(rows).to_numpy()
        plain = name.reindex(rows)
        with_parent = plain + " (" + name.reindex(up).fillna("–").to_numpy() + ")"
        with_both = (plain + " (" + name.reindex(up).fillna("–").to_numpy() + ", "
                     + name.reindex(parent.reindex(up).to_numpy()).fillna("–").to_numpy() + ")")
        label = plain.where(~plain.duplicated(keep=False), with_parent)
        label = label.where(~label.duplicated(keep=False), with_both)
        label = label.where(~label.duplicated(keep=False), label + " · " + label.index)
        out.update(label.to_dict())
    return out


@dataclass(frozen=True)
class Scope:
    """What a planning page works on after the sidebar filters."""

    prepared: indicators.Prepared  # shared, do not modify (households, or a cube's cells)
    keep: np.ndarray | None  # rows kept by the household part of the filters (None: all)
    need_cells: NeedCells  # household (or cell) × agency, all rows (apply ``need_keep``)
    need_keep: np.ndarray | None  # rows of ``need_cells`` the filters keep (None: all)
    areas: gpd.GeoDataFrame  # kelurahan in scope (display geometry)
    filters: Filters
    description: str  # the filters in words ("" = none)
    settings: Settings
    every_area: gpd.GeoDataFrame | None = None  # every kelurahan, before the area filter

    def whole(self) -> Scope:
        """The same households over every kelurahan (no area filter): what a forum's
        suppression is decided over, so that choosing an area never shows what the whole
        map hides (:mod:`geo.forum`). The scope itself when no area is chosen."""
        if not self.filters.has_area or self.every_area is None:
            return self
        return replace(self, areas=self.every_area, filters=self.filters.households_only,
                       description="")

    def table(self, ids: tuple[str, ...]) -> pd.DataFrame:
        """Per kelurahan in scope: counts and rates of ``ids`` (as indicators.aggregate), and
        of the indicators a forum's suppression of them reads (:func:`geo.indicators.
        related`)."""
        table, _ = indicators.area_counts(self.prepared, self.keep,
                                          ids=indicators.related(tuple(ids)))
        return indicators.for_areas(table, self.areas["kode"])

    def household_needs(self) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, pd.DataFrame,
                                       np.ndarray | None]:
        """(needs of the kept households, their kelurahan as positions in the third item,
        the kelurahan codes, whether each need is known, households per row or None when
        each row is one household); not linked = position len(codes)."""
        c, keep = self.need_cells, self.need_keep
        if keep is None:
            return c.needs, c.area, c.codes, c.known, c.weight
        return (c.needs[keep], c.area[keep], c.codes, c.known[keep],
                None if c.weight is None else c.weight[keep])

    @property
    def unlinked(self) -> int:
        """Kept households that no kelurahan table can show (not linked to a kelurahan)."""
        p = self.prepared
        out = p.area == p.unlinked_id
        if self.keep is not None:
            out &= self.keep
        if self.filters.has_area:
            return 0
        return int(out.sum() if p.weight is None else p.weight[out].sum())

    @cached_property
    def kel_word(self) -> str:
        """What the scope's kelurahan are called in tables and titles: "Kelurahan", "Desa" (a
        kabupaten's) or "Kelurahan/Desa" (:func:`geo.codes.level_word`)."""
        return level_word("kelurahan", self.areas["kode"])

    def available(self) -> set[str]:
        """Indicators the period decides for at least one household."""
        return {ind.id for ind in indicators.INDICATORS if self.prepared.available(ind.id)}

    def unavailable_text(self, ind_id: str) -> str:
        """"… tidak tersedia di register ini (perlu kolom …)" ("" when available)."""
        return indicators.availability_note(self.prepared, ind_id) or ""


def make_scope(prepared: indicators.Prepared, needs: pd.DataFrame | NeedCells,
               needs_known: pd.DataFrame | None, kelurahan: gpd.GeoDataFrame, filters: Filters,
               names: pd.DataFrame, settings: Settings) -> Scope:
    """Apply the filters to an evaluated register; ``needs``: household × agency (with
    ``needs_known``) or the needs cube's cells; ``kelurahan`` are all kelurahan areas,
    ``names`` the region names (kode, nama, ...)."""
    keep = households_mask(prepared, filters)
    cells = needs if isinstance(needs, NeedCells) else NeedCells.of_households(
        prepared, needs, needs_known)
    rest = filters.households_only
    need_keep = None if rest.is_empty else rest.mask(cells.attrs)
    description = ""
    areas = kelurahan
    if not filters.is_empty:
        description = filters.describe(names.set_index("kode")["nama"].to_dict())
        # kelurahan outside the chosen area are left out, not listed as "no households"
        areas = areas[chosen_areas(areas, filters, "kelurahan")]
    return Scope(prepared, keep, cells, need_keep, areas.reset_index(drop=True), filters,
                 description, settings, kelurahan.reset_index(drop=True))
