"""The map page (Peta indikator): one indicator per area for the filters, with totals, the
worst kelurahan and the table behind the map (also the export)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import forum, indicators
from geo.codes import level_word
from geo.columns import HOUSEHOLDS, PERSONS, columns, known_of, known_of_texts
from geo.exports import Notes, Table, area_layer, registry, snapshot_source
from geo.filters import Filters, chosen_areas
from geo.fmt import fmt_int, fmt_ints, fmt_num, fmt_pcts
from geo.indicators import NO_DATA, Settings
from geo.maps import NO_DATA_LABEL, grey_label, grid_clusters
from geo.suppression import (
    HIDDEN_TOO,
    count_text,
    hidden_cells,
    k,
    rate_texts,
    small_count_note,
)
from geo.views.common import households_mask

LEVELS = ("kota", "kecamatan", "kelurahan")  # coarse to fine
MEASURES = {"persen": "Persentase", "rumah_tangga": "Jumlah rumah tangga", "jiwa": "Jumlah jiwa"}
MIN_DENOMINATOR = indicators.MIN_RANKED_DENOMINATOR
TOP_N = 10
CLUSTER_CELLS = 16  # the point clusters' grid over one kelurahan: 16 × 16 cells


def level_words(regions: pd.DataFrame) -> dict[str, str]:
    """The name of each level for these regions (kode, level): "Kabupaten" in a kabupaten."""
    return {lv: level_word(lv, regions.loc[regions["level"] == lv, "kode"]) for lv in LEVELS}


def shown_level(filters: Filters, level: str) -> str:
    """A chosen kecamatan or kelurahan is shown by its kelurahan; a chosen kabupaten/kota by
    its kecamatan or kelurahan (as asked; at the kota level, by its kecamatan)."""
    if filters.kecamatan or filters.kelurahan:
        return "kelurahan"
    return "kecamatan" if filters.kota and level == "kota" else level


@dataclass(frozen=True)
class MapView:
    ind_id: str
    level: str  # the level shown (kelurahan when an area is chosen)
    measure: str
    areas: pd.DataFrame  # areas shown (rows of the region table given)
    table: pd.DataFrame  # per shown area (indexed by kode): counts, rates, shares
    kel_table: pd.DataFrame  # per kelurahan with households (all of them, before area filter)
    keep: np.ndarray | None  # households the filters keep (None: all)
    has_data: np.ndarray  # areas with at least one household
    known: np.ndarray  # areas where enough is known to show the indicator
    values: pd.Series  # the measure per area, NaN where no data or not known
    unit: str
    decimals: int
    palette: str
    tooltip: pd.DataFrame  # one row per area, indexed by kode
    total: pd.Series
    total_known: bool
    total_hidden: frozenset[str]  # totals a forum sees hidden (geo.forum.totals_hidden)
    worst_title: str
    worst: pd.DataFrame  # the top-10 (Kelurahan, %, Rumah tangga); empty: nothing ranked
    worst_hidden: int  # kelurahan left out of it: their rate is hidden (small counts)
    share: float  # the minimum known share in force
    level_label: str  # what the areas shown are called ("Kabupaten", "Kelurahan/Desa", …)
    notes: list[str] = field(default_factory=list)  # captions under the map
    warning: str | None = None  # "... tidak tersedia di register ini ..."
    hide: bool = False  # small counts suppressed (forum, leadership)
    points: pd.DataFrame | None = None  # grid clusters of one kelurahan (geo.maps.grid_clusters)
    # the other need indicators per shown area, for the export: counted only when it is built
    # (a filter change that downloads nothing counts one indicator, not thirteen)
    need_counts: Callable[[], pd.DataFrame] | None = None
    kel_word: str = "Kelurahan"  # what the kelurahan in scope are called ("Desa", …)
    cells: pd.DataFrame | None = None  # with ``hide``: the counts as shown (geo.forum.cells)
    grey_label: str = NO_DATA_LABEL  # the legend's grey ("… atau disembunyikan" for a forum)

    @cached_property
    def _export_and_labels(self) -> tuple[pd.DataFrame, dict[str, str]]:
        return _export_hidden(self)

    @property
    def export(self) -> pd.DataFrame:
        """The table behind the map, numbers as numbers, unknown empty (built when asked for:
        a rerun that shows no table and downloads nothing does not build it)."""
        return self._export_and_labels[0]

    @property
    def labels(self) -> dict[str, str]:
        """Export column -> header on screen."""
        return self._export_and_labels[1]

    @property
    def rate_columns(self) -> list[str]:
        c = columns(self.ind_id)
        return [c.rate, c.known]

    def metrics(self) -> list[tuple[str, str]]:
        """(label, value) of the three totals beside the map."""
        c, t, ok = columns(self.ind_id), self.totals, self.total_known
        return [("Rumah tangga terhitung", t.count(c.count) if ok else NO_DATA),
                ("Jiwa dalam rumah tangga itu", t.persons() if ok else NO_DATA),
                ("Persentase", t.rate() if ok else NO_DATA)]

    @property
    def totals(self) -> forum.Totals:
        return forum.Totals(self.total, self.ind_id, self.hide, self.total_hidden)

    def total_captions(self) -> list[str]:
        ind, c, t = indicators.get(self.ind_id), columns(self.ind_id), self.total
        if self.hide:
            return [f"Penyebut: {self.totals.count(c.denominator)} {ind.denominator_label} "
                    "yang nilainya diketahui. Angka kecil disembunyikan."]
        return [f"Penyebut: {fmt_int(t[c.denominator])} {ind.denominator_label} yang nilainya "
                f"diketahui ({indicators.known_text(t, self.ind_id)}).",
                f"Dari {fmt_int(t[HOUSEHOLDS])} rumah tangga ({fmt_int(t[PERSONS])} jiwa) "
                "dalam wilayah dan filter ini."]

    def on_screen(self) -> tuple[pd.DataFrame, list[str], list[str]]:
        """(the export with unknown and hidden cells written out, integer columns, rate
        columns whose cells are all numbers): st.dataframe shows an empty cell as "None"."""
        export, rates = self.export, self.rate_columns
        counts = [c for c in export.columns if c not in ("kode", "nama", *rates)]
        out = export.copy()
        for column in counts + rates:
            if export[column].dtype.kind in "iuf" and export[column].notna().all():
                continue
            fmt = (lambda v: fmt_num(v, 2)) if column in rates else fmt_int
            out[column] = [v if isinstance(v, str) else NO_DATA if v is None or v is pd.NA
                           or v != v else fmt(v) for v in export[column].astype(object)]
        return (out, [c for c in counts if out[c].dtype.kind in "iuf"],
                [c for c in rates if out[c].dtype.kind in "iuf"])

    def export_table(self) -> Table:
        """The table behind the map as an export (ids as columns, screen labels as headers)."""
        return Table(self.export, f"Peta {self.level_label.lower()}", self.labels)

    def export_notes(self, description: str, period_label: str, settings: Settings,
                     snapshot: Mapping | None = None) -> Notes:
        """The "Catatan" sheet: period, filters, the indicator's definition, suppression,
        source and import date, the definition settings."""
        ind = indicators.get(self.ind_id)
        return Notes(
            period=period_label, filters=description, indicators=[self.ind_id],
            suppression=small_count_note() if self.hide else
            "Tidak disembunyikan (bukan untuk forum terbuka).",
            lines=[("Indikator", f"{ind.label} ({ind.opd})"),
                   ("Tingkat wilayah", self.level_label)],
            settings=settings.describe(), **snapshot_source(snapshot))

    def area_layer(self) -> gpd.GeoDataFrame:
        """The export per area with its geometry, for QGIS (GeoPackage, GeoJSON)."""
        return area_layer(self.areas, self.export)


def households_in(prepared: indicators.Prepared, keep: np.ndarray | None, code: str
                  ) -> np.ndarray:
    """The kept households linked to kelurahan ``code`` (for the point clusters)."""
    idx = np.flatnonzero(prepared.codes == code)
    in_kel = (prepared.area == idx[0]) if len(idx) else np.zeros(len(prepared), dtype=bool)
    return in_kel & keep if keep is not None else in_kel


def map_view(prepared: indicators.Prepared, filters: Filters, ind_id: str, level: str,
             measure: str, areas: pd.DataFrame, names: Mapping[str, str] | pd.Series,
             settings: Settings,
             kelurahan: pd.DataFrame | None = None, hide: bool = False,
             lon: np.ndarray | None = None, lat: np.ndarray | None = None,
             local: indicators.Prepared | None = None) -> MapView | None:
    """What the map page shows for the filters; None when no area matches the area filter.
    With ``hide`` (forum and leadership), small counts are suppressed everywhere: map
    colours, tooltips, the top-10, totals and the export (:mod:`geo.suppression`).

    ``areas``: every region of the shown level (:func:`shown_level`; kode, nama, ...);
    ``names``: region name by code; ``kelurahan``: every kelurahan (kode), for the top-10
    when a higher level is shown; ``lon``/``lat``: household positions (for the point
    clusters of one chosen kelurahan: at grid cell centres, none of fewer than k households,
    whether or not small counts are hidden elsewhere), of ``local``'s households when given
    (the chosen kelurahan's households, evaluated: ``prepared`` may be a cube) else of
    ``prepared``'s."""
    ind, c = indicators.get(ind_id), columns(ind_id)
    level = shown_level(filters, level)
    keep = households_mask(prepared, filters)
    # with the counts a forum's suppression of this one reads (indicators.related)
    kel_table, unlinked = indicators.area_counts(prepared, keep,
                                                 ids=indicators.related((ind_id,)),
                                                 detail=(ind_id,))
    areas = areas[chosen_areas(areas, filters, level).to_numpy()]
    if areas.empty:
        return None
    share = settings.min_known_share
    table = indicators.for_areas(indicators.roll_up(kel_table, level), areas["kode"])

    def need_counts() -> pd.DataFrame:
        """The other need indicators per kelurahan of every area (for the export, counted
        when asked: a forum's suppression is decided over them all, at every level)."""
        others = indicators.related(tuple(i for i in indicators.NEED_INDICATORS
                                          if i != ind_id))
        counts, _ = indicators.area_counts(prepared, keep, ids=others, detail=())
        return counts
    has_data = table[HOUSEHOLDS].to_numpy() > 0
    known = indicators.is_known(table, ind_id, share)
    warning = indicators.availability_note(prepared, ind_id)
    value_col = {"persen": c.rate, "rumah_tangga": c.count, "jiwa": c.persons}[measure]
    values = table[value_col].astype(float).where(has_data & known)
    # a forum's suppression is decided over every kelurahan, whatever the area filter, and
    # at every level together (geo.forum)
    by_level = forum.level_cells(kel_table, ind_id, share) if hide else None
    cells = forum.whole_cells(table, kel_table, ind_id, share, levels=by_level) if hide else None
    hidden_areas = 0
    if cells is not None:  # no colour for a hidden count, nor for a rate that would tell one
        secret = forum.rate_hidden(cells, ind_id).to_numpy()
        hidden_areas = int((values.notna() & secret).sum())
        values = values.where(~secret)
    count_of = (lambda v: count_text(v)) if hide else fmt_int
    unknown = ~np.asarray(known, dtype=bool)

    def where_known(texts: list[str]) -> np.ndarray:
        out = np.array(texts, dtype=object)
        out[unknown] = NO_DATA
        return out

    shown = np.array(fmt_pcts(values) if measure == "persen" else fmt_ints(values),
                     dtype=object)  # "–": hidden (small count) or no households
    unit = {"persen": f"{ind.unit} ({ind.denominator_label})", "rumah_tangga": "rumah tangga",
            "jiwa": "jiwa (anggota rumah tangga)"}[measure]
    level_label = level_word(level, areas["kode"])
    tooltip = pd.DataFrame({
        level_label: areas["nama"].to_numpy(),
        "Kode": areas["kode"].to_numpy(),
        MEASURES[measure]: where_known(shown),
        "Rumah tangga terhitung": where_known(cells[c.count].tolist() if hide
                                              else fmt_ints(table[c.count])),
        "Jiwa terhitung": where_known(forum.persons_texts(table[c.persons], cells, c.count)
                                      if hide else fmt_ints(table[c.persons])),
        "Rumah tangga diketahui": ([known_of(d, p) for d, p in zip(cells[c.denominator],
                                                                    cells[c.population])]
                                   if hide else known_of_texts(table, ind_id)),
    }, index=pd.Index(areas["kode"].to_numpy(), dtype=object), dtype=object)  # not Arrow

    notes = []
    if not has_data.all():
        notes.append(f"Wilayah abu-abu ({fmt_int((~has_data).sum())}): tidak ada rumah tangga "
                     "dalam register yang tertaut ke wilayah itu dan lolos filter.")
    unknown_areas = int((has_data & ~known).sum())
    if unknown_areas:
        notes.append(f"Wilayah abu-abu ({fmt_int(unknown_areas)}): {NO_DATA}, nilai indikator "
                     f"ini diketahui untuk kurang dari {share:.0%} rumah tangganya (bukan 0).")
    if hidden_areas:
        notes.append(f"Wilayah abu-abu ({fmt_int(hidden_areas)}): angkanya disembunyikan untuk "
                     f"forum terbuka: jumlah 1–{k() - 1} rumah tangga, atau satu angka lain "
                     "agar angka kecil tidak dapat dihitung dari total wilayah atau kecamatan.")
    area_filtered = filters.has_area
    if not area_filtered and unlinked[HOUSEHOLDS]:
        notes.append(f"{fmt_int(unlinked[HOUSEHOLDS])} rumah tangga belum tertaut ke "
                     "kelurahan mana pun dan tidak tampil di peta (lihat halaman Data).")
    if level == "kecamatan":
        notes.append("Klik sebuah kecamatan untuk melihat kelurahannya.")
    points = None
    rows = prepared if local is None else local
    if len(filters.kelurahan) == 1 and lon is not None and lat is not None \
            and rows.weight is None:
        inside = households_in(rows, households_mask(rows, filters), filters.kelurahan[0])
        points = grid_clusters(np.asarray(lon)[inside], np.asarray(lat)[inside],
                               rows.hits[ind_id][inside], tuple(areas.total_bounds),
                               cells=CLUSTER_CELLS)
    if len(filters.kelurahan) == 1:
        notes.append("Lingkaran: rumah tangga dikelompokkan per petak, digambar di tengah "
                     f"petak (tanpa nama, NIK atau alamat); petak dengan kurang dari {k()} "
                     "rumah tangga tidak digambar; makin pekat, makin besar bagian yang "
                     "terhitung indikator.")

    total = indicators.totals(table, share)
    total_hidden = (forum.totals_hidden(kel_table, ind_id, share, filters, by_level) if hide
                    else frozenset())
    if level == "kelurahan" or kelurahan is None:
        kel_codes = areas["kode"]
    else:
        kel_codes = kelurahan.loc[chosen_areas(kelurahan, filters, "kelurahan"), "kode"]
    ranked = indicators.worst_areas(kel_table.reindex(kel_codes).dropna(subset=[HOUSEHOLDS]),
                                    ind_id, n=None, min_denominator=MIN_DENOMINATOR)
    secret = None  # the kelurahan's counts as their own map hides them (one suppression)
    if hide:
        kel_cells = cells if level == "kelurahan" else forum.whole_cells(
            indicators.for_areas(kel_table, kel_codes), kel_table, ind_id, share,
            levels=by_level)
        secret = forum.rate_hidden(kel_cells, ind_id).reindex(ranked.index).to_numpy()
    rates = np.asarray(rate_texts(ranked[c.rate], ranked[c.denominator], hide, ranked[c.count],
                                  secret), dtype=object)
    ranked_shown = rates != HIDDEN_TOO  # a hidden rate is never ranked (suppression.hidden_last)
    ranked, rates = ranked[ranked_shown].head(TOP_N), rates[ranked_shown][:TOP_N]
    # "Kelurahan", "Desa" or "Kelurahan/Desa" (the shown level's word when it is theirs)
    kel_word = level_label if level == "kelurahan" else level_word("kelurahan", kel_codes)
    worst = pd.DataFrame({
        kel_word: [names.get(k, k) for k in ranked.index],
        "%": rates,
        "Rumah tangga": [count_of(v) for v in ranked[c.count]],
    })
    return MapView(
        ind_id=ind_id, level=level, measure=measure, areas=areas, table=table,
        kel_table=kel_table, keep=keep, has_data=has_data, known=known, values=values,
        unit=unit, decimals=1 if measure == "persen" else 0,
        palette="YlOrRd" if ind.higher_is_worse else "Blues", tooltip=tooltip, total=total,
        total_known=indicators.is_known(total, ind_id, share),
        worst_title=(f"**{TOP_N} {kel_word.lower()} dengan kondisi terburuk**"
                     if ind.higher_is_worse
                     else f"**{TOP_N} {kel_word.lower()} dengan cakupan terendah**"),
        total_hidden=total_hidden,
        worst=worst, worst_hidden=int((~ranked_shown).sum()), share=share,
        level_label=level_label, notes=notes, warning=warning, hide=hide, points=points,
        need_counts=need_counts, kel_word=kel_word, cells=cells,
        grey_label=grey_label(bool(hidden_areas)))


def _export_hidden(view: MapView) -> tuple[pd.DataFrame, dict[str, str]]:
    """The table behind the map (:func:`_export`), small counts hidden when ``view.hide``."""
    table, ind_id, hide, c = view.table, view.ind_id, view.hide, columns(view.ind_id)
    kel_needs = view.need_counts() if view.need_counts is not None else None
    needs = (table if kel_needs is None else indicators.for_areas(
        indicators.roll_up(kel_needs, view.level, view.share), table.index))
    export, labels = _export(view.areas, table, ind_id, view.level_label, view.share, needs)
    if hide:  # counts as text: "< 5", and "–" where a small count could be worked out
        cells = view.cells  # map_view made them with ``hide``
        secret = forum.hidden(cells).reset_index(drop=True)
        export[c.rate] = export[c.rate].where(~forum.rate_hidden(cells, ind_id).to_numpy())
        # the share known is denominator ÷ population: hidden with either
        export[c.known] = export[c.known].where(
            ~(secret[c.denominator] | secret[c.population]).to_numpy())
        for col in cells.columns:  # the cells the tooltips show, hidden as there
            export[col] = export[col].astype(object).mask(
                secret[col].to_numpy(), cells[col].to_numpy()).to_numpy()
        others = [col for col in export.columns if col not in (
            "kode", "nama", c.rate, c.known, PERSONS, c.persons, *cells.columns)]
        for col in others:  # the other needs: hidden as their own maps hide them
            texts = forum.level_texts(kel_needs, col, col, view.share, view.level)
            texts = texts.reindex(table.index).to_numpy()
            export[col] = export[col].astype(object).mask(
                hidden_cells(pd.Series(texts, dtype=object)), texts).to_numpy()
        for persons, of in ((PERSONS, HOUSEHOLDS), (c.persons, c.count)):  # no people of few
            if persons in export.columns:
                export[persons] = export[persons].astype(object).mask(
                    secret[of].to_numpy(), HIDDEN_TOO).to_numpy()
    return export, labels


def _export(areas: pd.DataFrame, table: pd.DataFrame, ind_id: str, level_label: str,
            share: float, needs: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """The table behind the map (numbers as numbers; unknown counts stay empty, never 0) and
    its column headers."""
    c = columns(ind_id)
    export = pd.DataFrame({"kode": areas["kode"].to_numpy(), "nama": areas["nama"].to_numpy()})
    for column in (HOUSEHOLDS, PERSONS):
        export[column] = table[column].to_numpy()
    for column in (c.count, c.persons):
        export[column] = indicators.known_count(table, column, ind_id, share).to_numpy()
    for column in (c.denominator, c.population):
        export[column] = table[column].to_numpy()
    export[c.rate] = table[c.rate].round(2).to_numpy()
    export[c.known] = (100 * table[c.known]).round(1).to_numpy()
    others = [o for o in indicators.NEED_INDICATORS if o != ind_id]
    for other in others:
        export[other] = indicators.known_count(needs, other, other, share).to_numpy()
    labels = registry.labels(export.columns, level_label, single=ind_id)
    return export, labels
