"""Kartu kelurahan: one A4 page per kelurahan for Musrenbang and Forum OPD.

Each page: where the kelurahan lies in its kecamatan (and the kecamatan in the city), its
households and people, every indicator beside the kecamatan and city value with its rank,
program coverage and targeting errors, the OPD with the largest need there, the change since
the previous period when one is stored, and how much of the data is known.

Numbers are those of ``python -m geo indicators``
(:func:`geo.indicator_table.indicator_table`) at kelurahan, kecamatan and kota level; the
change is :func:`geo.change.compare_tables`; the needs per OPD are the cross-agency page's
(:func:`geo.views.opd_view.opd_view`, agencies as :data:`geo.planning.AGENCIES`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
from sqlalchemy import Engine

from geo import change, forum, indicators, planning, store
from geo.codes import level_word, parent_code
from geo.columns import HOUSEHOLDS, columns
from geo.filters import Filters, kecamatan_of
from geo.fmt import fmt_int, fmt_num, fmt_pct, fmt_period, fmt_period_short
from geo.indicator_table import indicator_table
from geo.indicators import DEFAULT_SETTINGS, NO_DATA, Settings
from geo.sheets import cartography as carto
from geo.sheets.pdf import MUTED, Box, Sheet
from geo.sheets.sources import load_period, source_text
from geo.suppression import (
    HIDDEN_TOO,
    count_text,
    hidden_cells,
    hidden_too,
    rate_texts,
    small_count_note,
)
from geo.views import opd_view as ov
from geo.views.common import make_scope

Progress = Callable[[float, str], None]
GROUPS = ("Kemiskinan", "Infrastruktur", "Layanan", "Ketepatan sasaran", "Cakupan program")
HERE_COLOR, OTHER_COLOR = "#fd8d3c", "#f0f0f0"
NOT_HIDDEN_NOTE = ("Angka kecil (< 5) tidak disembunyikan di kartu ini: jangan tampilkan di "
                   "forum terbuka.")


@dataclass(frozen=True)
class KartuData:
    """Everything the pages show, read once for all kelurahan."""

    snapshot: dict
    previous: str | None  # the period the change is measured from (None: no earlier one)
    kelurahan: pd.DataFrame  # indicator_table at kelurahan level, indexed by kode
    kecamatan: pd.DataFrame  # ... at kecamatan level, indexed by kode
    kota: pd.DataFrame  # ... at kabupaten/kota level, indexed by kode (a province has several)
    denominators: pd.DataFrame  # per kelurahan: <id>_penyebut (for suppressing rates)
    changes: pd.DataFrame | None  # compare_tables per kelurahan, indexed by kode
    opd_counts: pd.DataFrame  # kelurahan × agency: households needing it (NaN: unknown)
    opd_pct: pd.DataFrame  # ... as % of the households whose need is known
    shapes: gpd.GeoDataFrame  # kelurahan, projected (metres), with kode, nama, kode_induk
    kec_shapes: gpd.GeoDataFrame  # kecamatan, projected
    codes: list[str]  # the kelurahan to print, in code order
    settings: Settings
    hide: bool
    ranks: Ranks
    show_city: bool = True  # False for a user scoped to an area (geo.access.rows_in_scope)
    # period -> indicator_table per kelurahan, the last stored periods up to this one (trend)
    trend_tables: dict[str, pd.DataFrame] | None = None
    # with ``hide``: per level (kelurahan, kecamatan, kota), area × indicator, what the map
    # page hides for a forum (geo.forum.hidden_rates); the OPD matrix's counts as the Lintas
    # OPD page shows them. The kartu hides the same: no page gives back what another hides.
    hidden: dict[str, pd.DataFrame] | None = None
    opd_texts: pd.DataFrame | None = None
    opd_pct_hidden: pd.DataFrame | None = None  # the matrix's % hidden (OpdView.pct_hidden)
    trend_hidden: dict[str, pd.Series] | None = None  # period -> hidden rates of the trend


def kartu_data(engine: Engine, period: str | None = None, kecamatan: str | None = None,
               settings: Settings = DEFAULT_SETTINGS, hide: bool = False,
               allowed: Callable[[list[str]], list[str]] | None = None,
               show_city: bool = True, kota: str | None = None) -> KartuData:
    """Read what the kartu of ``kecamatan`` or of the kabupaten/kota ``kota`` (default: the
    whole area) show. ``allowed`` cuts
    the kelurahan codes to a user's area; ``show_city`` False leaves out the city's values
    and ranks (a user scoped to an area sees no level above kecamatan). Raises LookupError
    with an Indonesian message."""
    snapshot, prepared = load_period(engine, period, settings)
    period = snapshot["period"]
    kel, _ = indicator_table(engine, period, "kelurahan", settings, forum=hide)
    kec, _ = indicator_table(engine, period, "kecamatan", settings)
    kota_table, _ = indicator_table(engine, period, "kota", settings)
    kel, kec = kel.set_index("kode"), kec.set_index("kode")
    previous = change.previous_period(engine, period)
    earlier = [p for p in change.periods(engine) if p < period][-(change.MAX_TREND_PERIODS - 1):]
    trend_tables = {p: indicator_table(engine, p, "kelurahan", settings, forum=hide)[0]
                    for p in earlier}
    trend_tables[period] = kel.reset_index()
    changes = (change.compare_tables(engine, previous, period, "kelurahan", settings,
                                     hide=hide).set_index("kode") if previous else None)
    counts, _ = indicators.area_counts(prepared, detail=())
    regions = store.load_regions(engine, display=True)
    names = store.region_list(engine)
    kel_regions = regions[regions["level"] == "kelurahan"].reset_index(drop=True)
    available = [i.id for i in indicators.INDICATORS if prepared.available(i.id)]
    scope = make_scope(prepared, planning.agency_needs(prepared.hits, available),
                       planning.agency_known(prepared.hits, prepared.dens, prepared.bases,
                                             available),
                       kel_regions, Filters(), names, settings)
    opd = ov.opd_view(scope, names, hide=hide)
    codes = [k for k in kel_regions["kode"] if k in kel.index]  # with or without households
    if kecamatan:
        codes = [k for k in codes if kecamatan_of(k) == kecamatan]
        if not codes:
            raise LookupError(f"Kecamatan {kecamatan} tidak ada (tidak ada kelurahan dengan "
                              "kode itu di batas wilayah).")
    if kota:
        codes = [k for k in codes if parent_code(k, "kota") == kota]
        if not codes:
            raise LookupError(f"Kabupaten/kota {kota} tidak ada (tidak ada kelurahan/desa "
                              "dengan kode itu di batas wilayah).")
    if allowed is not None:
        codes = allowed(codes)
    if not codes:
        raise LookupError("Tidak ada kelurahan/desa untuk dicetak di wilayah ini.")
    hidden = forum_hidden_levels(counts, names, settings) if hide else None
    kel_hidden = None if hidden is None else hidden["kelurahan"]  # a forum's ranks skip them
    shapes = kel_regions[["kode", "nama", "kode_induk", "geometry"]]
    metric = shapes.estimate_utm_crs()
    kec_shapes = regions[regions["level"] == "kecamatan"][["kode", "nama", "geometry"]]
    return KartuData(
        snapshot=snapshot, previous=previous, kelurahan=kel, kecamatan=kec,
        kota=kota_table.set_index("kode"), denominators=counts.reindex(kel.index), changes=changes,
        opd_counts=opd.counts, opd_pct=opd.pct, shapes=shapes.to_crs(metric),
        kec_shapes=kec_shapes.to_crs(metric).reset_index(drop=True), codes=codes,
        settings=settings, hide=hide, ranks=all_ranks(kel, kel_hidden),
        show_city=show_city, trend_tables=trend_tables, hidden=hidden,
        opd_texts=opd.count_texts if hide else None,
        opd_pct_hidden=(pd.DataFrame({a: opd.pct_hidden(a) for a in ov.AGENCIES}) if hide
                        else None),
        trend_hidden=change.hidden_by_period(trend_tables, TREND_INDICATOR) if hide else None)


def forum_hidden_levels(counts: pd.DataFrame, names: pd.DataFrame, settings: Settings
                        ) -> dict[str, pd.DataFrame]:
    """:func:`geo.forum.hidden_rates` of the unfiltered map at each level the kartu
    shows (``counts``: area_counts per kelurahan; ``names``: every region, kode and level)."""
    ids = [i.id for i in indicators.INDICATORS]
    out = {}
    for level in ("kelurahan", "kecamatan", "kota"):  # suppressed at every level together
        codes = pd.Index(names.loc[names["level"] == level, "kode"], dtype=object)
        out[level] = forum.hidden_rates(counts, ids, settings.min_known_share, level,
                                        known=True).reindex(codes, fill_value=False)
    return out


def _hidden(data: KartuData, level: str, code: str, column: str) -> bool:
    """Whether the map page hides this figure for a forum (False without ``hide``)."""
    if data.hidden is None:
        return False
    table = data.hidden[level]
    return bool(table.at[code, column]) if code in table.index else False


# ------------------------------------------------------------------ numbers of one page

def ranks(table: pd.DataFrame, ind_id: str, groups: object = None) -> pd.Series:
    """Rank of each area on ``ind_id`` (1 = greatest need: highest rate, or lowest coverage
    where higher is better), within ``groups`` (one key per row) when given; areas whose
    rate is unknown get no rank (NaN)."""
    rate = table[columns(ind_id).rate].astype(float)
    ascending = not indicators.get(ind_id).higher_is_worse
    if groups is None:
        return rate.rank(method="min", ascending=ascending)
    return rate.groupby(np.asarray(groups)).rank(method="min", ascending=ascending)


@dataclass(frozen=True)
class Ranks:
    """Per indicator: rank in its kabupaten/kota and in its kecamatan, and how many areas are
    ranked there."""

    city: pd.DataFrame  # kelurahan × indicator
    kecamatan: pd.DataFrame
    city_of: pd.DataFrame  # kabupaten/kota × indicator -> kelurahan ranked there
    kecamatan_of: pd.DataFrame  # kecamatan × indicator -> kelurahan ranked there


def all_ranks(kel: pd.DataFrame, hidden: pd.DataFrame | None = None) -> Ranks:
    """The ranks of every kelurahan; ``hidden`` (kelurahan × indicator, a forum's: the map
    hides the rate) leaves those rates out, so that no shown rank counts a hidden one (it
    would place it between two shown)."""
    kota = [parent_code(k, "kota") for k in kel.index]
    groups = [kecamatan_of(k) for k in kel.index]
    ids = [i.id for i in indicators.INDICATORS]
    if hidden is not None:
        kel = kel.copy()
        for i in ids:
            rate = columns(i).rate
            if i in hidden.columns and rate in kel.columns:
                kel[rate] = kel[rate].where(~hidden[i].reindex(kel.index).fillna(False)
                                            .to_numpy(dtype=bool))
    city = pd.DataFrame({i: ranks(kel, i, kota) for i in ids}, index=kel.index)
    kec = pd.DataFrame({i: ranks(kel, i, groups) for i in ids}, index=kel.index)
    return Ranks(city, kec, city.notna().groupby(kota).sum(), kec.notna().groupby(groups).sum())


def kota_row(data: KartuData, code: str) -> pd.Series:
    """The indicator row of the kabupaten/kota ``code`` lies in (empty: no households there)."""
    return data.kota.reindex([parent_code(code, "kota")]).iloc[0]


def table_header(data: KartuData, code: str) -> tuple[str, ...]:
    """The table's column names, in the words of this kelurahan/desa and its kabupaten/kota."""
    kel, kota = level_word("kelurahan", [code]), level_word("kota", [parent_code(code, "kota")])
    return ("Indikator", "Rumah tangga", kel, "Diketahui", "Kecamatan", kota,
            f"Peringkat di {kota.lower()}", "Peringkat di kecamatan", "Perubahan (poin)"
            )[:None if data.changes is not None else -1]


def _rank_text(rank: float, of: int) -> str:
    return NO_DATA if rank != rank else f"{int(rank)} dari {of}"


def _change_text(value: float) -> str:
    """"+1,2" / "-0,8" points; "0,0" when it rounds to nothing (no "-0,0")."""
    if value != value:
        return NO_DATA
    value = round(value, 1)
    if value == 0:
        return fmt_num(0.0, 1)
    return ("+" if value > 0 else "") + fmt_num(value, 1)


def indicator_rows(data: KartuData, code: str) -> tuple[list[list[str]], list[int]]:
    """(table rows, indexes of group heading rows) of one kelurahan's page."""
    kel, kec_code = data.kelurahan, kecamatan_of(code)
    row, kec_row, kota = kel.loc[code], data.kecamatan.loc[kec_code], kota_row(data, code)
    rank = data.ranks
    hide = data.hide
    rows: list[list[str]] = []
    sections: list[int] = []
    for group in GROUPS:
        members = [i for i in indicators.INDICATORS if i.group == group]
        if not members:
            continue
        sections.append(len(rows))
        rows.append([group])
        for ind in members:
            c = columns(ind.id)
            count = row[ind.id]
            count = np.nan if count is pd.NA else float(count)
            den = data.denominators.at[code, c.denominator]
            hidden_here = _hidden(data, "kelurahan", code, ind.id)  # as on the map
            rate_here = rate_texts([row[c.rate]], [den], hide, [count], [hidden_here])[0]
            secret = rate_here == HIDDEN_TOO  # a hidden rate is not ranked, nor its change
            count_here = count_text(count, hide)
            line = [ind.label, hidden_too([count_here], [hidden_here])[0], rate_here,
                    HIDDEN_TOO if _hidden(data, "kelurahan", code, c.known)  # den ÷ population
                    else fmt_pct(100 * row[c.known], 0) if row[c.known] == row[c.known]
                    else NO_DATA,
                    HIDDEN_TOO if _hidden(data, "kecamatan", kec_code, ind.id)
                    else _pct(kec_row[c.rate]),
                    _pct(kota[c.rate]) if data.show_city and not _hidden(
                        data, "kota", parent_code(code, "kota"), ind.id) else HIDDEN_TOO,
                    _rank_text(rank.city.at[code, ind.id],
                               int(rank.city_of.at[parent_code(code, "kota"), ind.id]))
                    if data.show_city and not secret else HIDDEN_TOO,
                    HIDDEN_TOO if secret else
                    _rank_text(rank.kecamatan.at[code, ind.id],
                               int(rank.kecamatan_of.at[kec_code, ind.id]))]
            if data.changes is not None:
                known = code in data.changes.index
                line.append(HIDDEN_TOO if secret or (known and change.hidden(
                    data.changes.loc[[code]], ind.id)[0]) else _change_text(
                    float(data.changes.at[code, f"{ind.id}_selisih"]) if known else np.nan))
            rows.append(line)
    return rows, sections


def _pct(value: float) -> str:
    return NO_DATA if value != value else fmt_pct(value)


def opd_texts(data: KartuData, code: str, agency: str) -> tuple[str, str]:
    """(households needing ``agency`` in the kelurahan, their %) as the Lintas OPD matrix shows
    them: a count it hides is hidden here, and its percentage with it."""
    count, pct = data.opd_counts.at[code, agency], data.opd_pct.at[code, agency]
    if data.opd_texts is None:
        return count_text(count, data.hide), _pct(pct)
    text = data.opd_texts.at[code, agency] if code in data.opd_texts.index else NO_DATA
    secret = hidden_cells(pd.Series([text]))[0] or (
        data.opd_pct_hidden is not None and code in data.opd_pct_hidden.index
        and bool(data.opd_pct_hidden.at[code, agency]))
    return text, (HIDDEN_TOO if secret else _pct(pct))


ORDER_HIDDEN = "tidak disebut (sebagian angka OPD di sini disembunyikan untuk forum)"


def largest_need(data: KartuData, code: str) -> tuple[str, float, float] | str | None:
    """(agency, households needing it, % of those whose need is known) with the most
    households in need in the kelurahan; None when no agency's need is known there. For a
    forum, :data:`ORDER_HIDDEN` where any agency's count there is hidden: naming the largest
    would tell a hidden count's place among the shown ones (above 12, or all below 5)."""
    counts = data.opd_counts.loc[code, ov.AGENCIES].astype(float)
    if counts.isna().all():
        return None
    if data.hide and any(hidden_cells(pd.Series([opd_texts(data, code, a)[0]]))[0]
                         for a in ov.AGENCIES):
        return ORDER_HIDDEN
    agency = str(counts.idxmax())
    return agency, float(counts[agency]), float(data.opd_pct.at[code, agency])


def known_summary(data: KartuData, code: str) -> str:
    """How much of the data is known: indicators with enough known, and the weakest."""
    row = data.kelurahan.loc[code]
    share = data.settings.min_known_share
    known = {i.id: float(row[columns(i.id).known]) for i in indicators.INDICATORS}
    enough = [i for i, v in known.items() if v == v and v >= share - 1e-12]
    # the lowest share named is one a forum's map would show (denominator ÷ population)
    named = {i: v for i, v in known.items()
             if v == v and not _hidden(data, "kelurahan", code, columns(i).known)}
    lowest = min((v, i) for i, v in named.items()) if named else None
    text = (f"Data diketahui: {fmt_int(len(enough))} dari {fmt_int(len(known))} indikator "
            f"diketahui untuk minimal {share:.0%} rumah tangga yang bersangkutan")
    if lowest and lowest[0] < 1:
        text += (f"; terendah {indicators.get(lowest[1]).label.lower()} "
                 f"({fmt_pct(100 * lowest[0], 0)})")
    return text + ". Kolom “Diketahui”: bagian rumah tangga yang nilainya diketahui."


# ------------------------------------------------------------------ drawing

WIDTHS = (160, 44, 45, 45, 45, 45, 45, 46, 52)  # the longest indicator label fits


def draw_kartu(sheet: Sheet, data: KartuData, code: str, page: int, pages: int,
               printed_by: str, printed_on: date | None = None) -> None:
    """One kelurahan's page."""
    row = data.kelurahan.loc[code]
    kec_code = kecamatan_of(code)
    kec_name = (data.kecamatan.at[kec_code, "nama"] if kec_code in data.kecamatan.index
                else kec_code)
    body = sheet.body
    head = table_header(data, code)
    kel_word, kota_word = head[2], head[5]
    top = sheet.title_block(f"Kartu {kel_word} {row['nama']}",
                            f"Kecamatan {kec_name} · kode {code} · periode "
                            f"{fmt_period(data.snapshot['period'])}")
    # where it lies: its kecamatan, and the kecamatan in the city
    map_box = Box(body.x0, top - 200, body.x0 + 230, top)
    shapes = data.shapes[data.shapes["kode_induk"] == kec_code]
    names = pd.Series(shapes["nama"].to_numpy(), index=shapes["kode"].to_numpy())
    carto.draw_areas(sheet, map_box, shapes,
                     [HERE_COLOR if k == code else OTHER_COLOR for k in shapes["kode"]],
                     names, highlight={code}, label_size=5.5)
    carto.frame(sheet, map_box)
    inset = Box(map_box.x1 - 52, map_box.y0 + 1, map_box.x1 - 1, map_box.y0 + 52)
    sheet.white_box(inset)
    # the kecamatan in its kabupaten/kota (not a whole province's)
    kec_shapes = data.kec_shapes[data.kec_shapes["kode"].str.startswith(
        parent_code(code, "kota") + ".")]
    carto.draw_areas(sheet, inset, kec_shapes,
                     [HERE_COLOR if k == kec_code else OTHER_COLOR
                      for k in kec_shapes["kode"]], highlight={kec_code})
    carto.frame(sheet, inset)
    carto.draw_north_arrow(sheet, map_box.x0 + 10, map_box.y1 - 24, 12)

    # households, people, the largest need
    x, width, hide = map_box.x1 + 14, body.x1 - map_box.x1 - 14, data.hide
    y = top - 4
    few = _hidden(data, "kelurahan", code, HOUSEHOLDS)  # hidden on the map: here too
    households = HIDDEN_TOO if few else count_text(row["rumah_tangga"], hide)
    sheet.text(x, y - 14, f"{households} rumah tangga", 14, bold=True)
    sheet.text(x, y - 30, f"{HIDDEN_TOO if few else count_text(row['jiwa'], hide)} jiwa", 11)
    kota = kota_row(data, code)
    share = (100 * row["rumah_tangga"] / kota["rumah_tangga"] if kota["rumah_tangga"] > 0
             else float("nan"))
    y -= 36
    if data.show_city and not few:
        y = sheet.paragraph(x, y, width, f"{fmt_pct(share)} dari rumah tangga "
                            f"{kota_word.lower()} dalam register, yang tertaut ke "
                            f"{kel_word.lower()} ini.", 7.5, color=MUTED)
    if not row["rumah_tangga"]:
        y = sheet.paragraph(x, y, width, "Tidak ada rumah tangga dalam register periode ini "
                            f"yang tertaut ke {kel_word.lower()} ini: semua angka {NO_DATA} "
                            "(bukan 0).", 8, bold=True)
    need = largest_need(data, code)
    y -= 4
    if need == ORDER_HIDDEN:
        y = sheet.paragraph(x, y, width, f"OPD dengan kebutuhan terbesar: {need}.", 9,
                            bold=True)
    elif need:
        agency, count, pct = need
        count_here, pct_here = opd_texts(data, code, agency)
        y = sheet.paragraph(x, y, width, f"OPD dengan kebutuhan terbesar: {agency}", 9,
                            bold=True)
        y = sheet.paragraph(x, y, width, f"{count_here} rumah tangga perlu "
                            f"tindakan {agency} ({pct_here} dari rumah tangga yang "
                            "kebutuhannya diketahui).", 7.5)
    else:
        y = sheet.paragraph(x, y, width, f"OPD dengan kebutuhan terbesar: {NO_DATA}.", 9,
                            bold=True)
    opd_rows = [[a, *opd_texts(data, code, a)] for a in ov.AGENCIES]
    y = sheet.table(x, y - 4, (110, 70, 60), ("OPD", "Rumah tangga perlu", "Persentase"),
                    opd_rows, size=6.5)
    y = draw_trend(sheet, data, code, x, y - 4, width)
    # every indicator beside kecamatan and city
    y = min(y, map_box.y0) - 10
    rows, sections = indicator_rows(data, code)
    widths = WIDTHS if data.changes is not None else (WIDTHS[0] + WIDTHS[-1], *WIDTHS[1:-1])
    y = sheet.table(body.x0, y, widths, head, rows, size=7, section_rows=sections)
    notes = [known_summary(data, code),
             f"{kel_word}, Kecamatan, {kota_word}: persentase atas rumah tangga yang nilainya "
             "diketahui. Peringkat 1 = kebutuhan terbesar (untuk cakupan program: cakupan "
             "terendah); wilayah yang datanya kurang tidak diperingkat.",
             (f"Perubahan: selisih persentase (poin) sejak {fmt_period(data.previous)}; "
              f"“{NO_DATA}” bila salah satu periode tidak diketahui."
              if data.previous else "Perubahan: belum ada periode sebelumnya untuk "
              "dibandingkan."),
             source_text(data.snapshot),
             small_count_note() if hide else NOT_HIDDEN_NOTE]
    for note in notes:
        y = sheet.paragraph(body.x0, y - 2, body.width, note, 7, color=MUTED,
                            min_y=body.y0)
    sheet.footer(printed_by, printed_on, note="Definisi: " + "; ".join(
        data.settings.describe()[:2]), page_text=f"Halaman {page} dari {pages}")


TREND_INDICATOR = "miskin"


def trend_hidden(data: KartuData, ind_id: str) -> dict | None:
    """:func:`geo.change.hidden_by_period` of the kartu's periods: read once per print for
    the trend's indicator (a province prints 1.552 pages), else worked out here."""
    if not data.hide or not data.trend_tables:
        return None
    if data.trend_hidden is not None and ind_id == TREND_INDICATOR:
        return data.trend_hidden
    return change.hidden_by_period(data.trend_tables, ind_id)


def trend_text(data: KartuData, code: str, ind_id: str = TREND_INDICATOR) -> str | None:
    """"Mar 2026 34,1% · Sep 2026 30,2%": the kelurahan's rate in each stored period up to
    this one (at most 12); None with fewer than two periods."""
    if not data.trend_tables or len(data.trend_tables) < 2:
        return None
    points = change.trend(data.trend_tables, ind_id, code, data.hide,
                          trend_hidden(data, ind_id))
    return " · ".join(f"{fmt_period_short(p)} {HIDDEN_TOO if x else _pct(v)}"
                      for p, v, x in zip(points["periode"], points["persen"],
                                         points["tersembunyi"]))


def draw_trend(sheet: Sheet, data: KartuData, code: str, x: float, y: float, width: float,
               ind_id: str = TREND_INDICATOR) -> float:
    """The trend line of the page: the values as text and a small line (unknown periods are
    gaps, never 0); returns the y below."""
    text = trend_text(data, code, ind_id)
    if text is None:
        return y
    y = sheet.paragraph(x, y, width, f"Tren {indicators.get(ind_id).label}, %:", 7.5,
                        bold=True)
    y = sheet.paragraph(x, y, width, text, 7)
    points = change.trend(data.trend_tables, ind_id, code, data.hide,
                          trend_hidden(data, ind_id))["persen"].to_numpy(
        dtype=float)
    known = points[~np.isnan(points)]
    if len(known) >= 2:
        top, low, h = float(known.max()), float(known.min()), 26.0
        span = (top - low) or 1.0
        step = (width - 20) / (len(points) - 1)
        c = sheet.canvas
        c.setStrokeColor(HERE_COLOR)
        c.setLineWidth(1.2)
        last = None
        for i, v in enumerate(points):
            if np.isnan(v):
                last = None
                continue
            px, py = x + 10 + i * step, y - 4 - h + (v - low) / span * h
            if last is not None:
                c.line(last[0], last[1], px, py)
            c.circle(px, py, 1.4, stroke=1, fill=0)
            last = (px, py)
        y -= h + 8
    return y


def kartu_pdf(data: KartuData, printed_by: str, printed_on: date | None = None,
              progress: Progress | None = None) -> bytes:
    """All pages of ``data.codes`` in one A4 PDF."""
    title = (f"Kartu kelurahan · periode {fmt_period(data.snapshot['period'])}")
    sheet = Sheet("A4", False, title=title, author=printed_by)
    total = len(data.codes)
    for i, code in enumerate(data.codes, start=1):
        if i > 1:
            sheet.next_page()
        draw_kartu(sheet, data, code, i, total, printed_by, printed_on)
        if progress:
            progress(i / total, f"Kartu {i}/{total}: {data.kelurahan.at[code, 'nama']}")
    return sheet.pdf_bytes()
