"""The overview page (Ringkasan) for leadership: the city's headline numbers with their change
since the previous period, the kelurahan that need most action per OPD, the largest coverage
gaps and how fresh the data is, on one screen.

The headline numbers are the whole area's row of :func:`geo.indicator_table.indicator_table`
(what ``python -m geo indicators --level kota`` prints; ``--level provinsi`` for a province's
register), their change is :func:`geo.change.compare_tables` at that level.
:func:`overview_content` gives everything as plain data (strings and lists), for a printed
sheet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

import pandas as pd
from sqlalchemy import Engine

from geo import change, forum, indicators, planning
from geo.columns import HOUSEHOLDS, PERSONS, columns
from geo.filters import Filters
from geo.fmt import fmt_date, fmt_num, fmt_pct, fmt_period
from geo.indicator_table import indicator_table, indicator_tables
from geo.indicators import NO_DATA, Settings
from geo.maps import Classes, choropleth, classify
from geo.schema import PROGRAMS
from geo.suppression import HIDDEN_TOO, count_text, is_small
from geo.views.common import Scope
from geo.views.coverage_view import coverage_view
from geo.views.map_view import MapView, map_view
from geo.views.opd_view import AGENCIES, opd_view

# the headline: poverty, the key infrastructure gaps, exclusion error (households first)
HEADLINE_IDS = ("miskin", "miskin_ekstrem", "air_minum_tidak_layak", "sanitasi_tidak_layak",
                "rtlh", "eksklusi")
COUNT_FIRST = {"eksklusi"}  # shown as households (the rate in the detail line)
MAP_CHOICES = tuple(i for i in indicators.NEED_INDICATORS if i != "inklusi")
TOP_KELURAHAN = 5
TOP_GAPS = 4
WIDTHS = {"air_minum_tidak_layak": 1.25, "sanitasi_tidak_layak": 1.2, "eksklusi": 1.15,
          "rtlh": 0.85, "miskin_ekstrem": 0.95}  # a screen's columns, relative to 1
SHORT_LABELS = {  # the metric's label must fit a seventh of the screen
    HOUSEHOLDS: "Rumah tangga",
    "miskin": "Miskin (desil 1–4)",
    "miskin_ekstrem": "Miskin ekstrem",
    "air_minum_tidak_layak": "Air minum tidak layak",
    "sanitasi_tidak_layak": "Sanitasi tidak layak",
    "rtlh": "RTLH",
    "eksklusi": "Layak tanpa bantuan",
}


@dataclass(frozen=True)
class Headline:
    """One headline number: label, value as text, its change as text (None: no previous
    period), the change in points (None: none or unknown) and a detail line."""

    key: str
    label: str
    value: str
    change: str | None
    delta: float | None
    detail: str
    higher_is_worse: bool = True
    explanation: str = ""  # what the number counts and how much is known (a tooltip)


@dataclass(frozen=True)
class CoverageGap:
    program: str
    coverage: str  # "63,2%" of the eligible
    not_covered: str  # eligible households not receiving
    lowest: str  # the kelurahan with the lowest coverage and its rate


@dataclass(frozen=True)
class OpdTop:
    """The kelurahan with most households needing one agency's action, as shown: only shown
    counts above 0 (a 0 is no need, and a hidden count has no rank)."""

    rows: list[tuple[str, str]]  # (kelurahan, households as text), most first
    none: str  # said instead when no row is listed

    def text(self, pair: str = "{name} {count}", sep: str = " · ") -> str:
        return sep.join(pair.format(name=n, count=c) for n, c in self.rows) or self.none


OPD_NONE_HIDDEN = "tidak ada angka yang dapat ditampilkan (angka kecil disembunyikan)"
OPD_NONE_ZERO = "0 rumah tangga perlu ditangani (di wilayah yang datanya diketahui)"


@dataclass(frozen=True)
class Overview:
    area: str  # the city (or the account's area)
    period: str
    period_label: str
    imported: str
    linked_share: str
    previous: str | None  # the period the change is counted from
    is_demo: bool
    headline: list[Headline]
    opd_top: dict[str, OpdTop]  # per agency
    coverage_gaps: list[CoverageGap]
    notes: list[str]

    def freshness(self) -> str:
        """Period, import date and share linked, in one line."""
        text = (f"Periode {self.period_label} · diimpor {self.imported} · "
                f"{self.linked_share} rumah tangga tertaut ke kelurahan")
        text += (f" · perubahan dibanding {fmt_period(self.previous)}" if self.previous
                 else " · belum ada periode sebelumnya untuk dibandingkan")
        return text + (" · data contoh, fiktif" if self.is_demo else "")


# The whole area a register covers: its kabupaten/kota; its province when it spans several;
# every linked household when it spans several provinces.
WHOLE_LEVELS = ("kota", "provinsi", indicators.WHOLE_AREA)


def city_numbers(engine: Engine, period: str, settings: Settings = indicators.DEFAULT_SETTINGS
                 ) -> tuple[pd.DataFrame, pd.DataFrame | None, str | None]:
    """(the indicator table at the first of :data:`WHOLE_LEVELS` where one area holds the
    households, its change since the previous stored period or None, that period or None).
    A province's row is named "Provinsi <nama>"."""
    tables, _ = indicator_tables(engine, period, WHOLE_LEVELS, settings)
    # "semua" is always one row: the search ends there at the latest
    level = next(lv for lv in WHOLE_LEVELS if int((tables[lv][HOUSEHOLDS] > 0).sum()) <= 1)
    table = tables[level]
    if level == "provinsi":
        table["nama"] = [n if n.lower().startswith("provinsi") else f"Provinsi {n}".strip()
                         for n in table["nama"].astype(str)]
    previous = change.previous_period(engine, period)
    if previous is None:
        return table, None, None
    compared = change.compare_tables(engine, previous, period, level, settings,
                                     ids=HEADLINE_IDS)
    before, _ = indicator_table(engine, previous, level, settings)
    compared[f"{HOUSEHOLDS}_{change.CHANGE}"] = (
        compared["kode"].map(table.set_index("kode")[HOUSEHOLDS])
        - compared["kode"].map(before.set_index("kode")[HOUSEHOLDS]))
    return table, compared, previous


def city_row(table: pd.DataFrame) -> pd.Series:
    """The whole area's row of :func:`city_numbers`' table (the one with households, when
    empty areas of that level are stored beside it)."""
    return table.sort_values(HOUSEHOLDS, ascending=False, kind="stable").iloc[0]


def scope_row(scope: Scope) -> pd.Series:
    """The totals of a scope (an account limited to part of the city) shaped like a row of
    the indicator table: the count is missing where too little is known."""
    total = indicators.totals(scope.table(HEADLINE_IDS), scope.settings.min_known_share)
    row = total.copy()
    for ind_id in HEADLINE_IDS:
        if not indicators.is_known(total, ind_id, scope.settings.min_known_share):
            row[ind_id] = pd.NA
    return row


def _signed(value: float, decimals: int, unit: str = "") -> str:
    """``+1,2 poin``, ``-0,4 poin``, ``±0,0 poin`` (the sign of the value as shown)."""
    value = round(value, decimals)
    sign = "+" if value > 0 else "-" if value < 0 else "±"
    return f"{sign}{fmt_num(abs(value), decimals)} {unit}".rstrip()


def headline(row: pd.Series, changes: pd.Series | None, hide: bool = True,
             hidden: Mapping[str, frozenset[str]] | None = None) -> list[Headline]:
    """The headline numbers of one row of the indicator table; ``changes``: its row of
    :func:`city_numbers`' change (None: no previous period); ``hidden``: per indicator, the
    totals a forum sees hidden (:func:`geo.forum.totals_hidden`, an account's area)."""
    hidden = hidden or {}

    def secret(value: object, column: str, ind_id: str | None = None) -> bool:
        where = hidden.values() if ind_id is None else [hidden.get(ind_id, frozenset())]
        return (hide and any(column in h for h in where) and not pd.isna(value)
                and not is_small(float(value)) and float(value) > 0)

    def count(value: object, column: str = HOUSEHOLDS, ind_id: str | None = None) -> str:
        if secret(value, column, ind_id):
            return HIDDEN_TOO
        return count_text(value, hide) if not pd.isna(value) else NO_DATA

    out = []
    households = row[HOUSEHOLDS]
    delta = None if changes is None else changes.get(f"{HOUSEHOLDS}_{change.CHANGE}")
    delta = None if delta is None or pd.isna(delta) else round(float(delta))
    out.append(Headline(
        HOUSEHOLDS, SHORT_LABELS[HOUSEHOLDS], count(households),
        None if changes is None else (NO_DATA if delta is None else _signed(delta, 0)),
        delta, f"{HIDDEN_TOO if secret(households, HOUSEHOLDS) else count(row[PERSONS])} jiwa",
        higher_is_worse=False))
    for ind_id in HEADLINE_IDS:
        ind, c = indicators.get(ind_id), columns(ind_id)
        known = not pd.isna(row[c.count]) and not pd.isna(row[c.rate])
        rate_hidden = (secret(row[c.count], c.count, ind_id)
                       or secret(row.get(c.denominator), c.denominator, ind_id))
        rate = (HIDDEN_TOO if rate_hidden else fmt_pct(float(row[c.rate]))) if known else NO_DATA
        households_text = count(row[c.count], c.count, ind_id) if known else NO_DATA
        share = row.get(c.known)
        # the share is denominator ÷ population: not shown where a forum sees either hidden
        share_hidden = (secret(row.get(c.denominator), c.denominator, ind_id)
                        or secret(row.get(c.population), c.population, ind_id))
        known_text = (SHARE_HIDDEN if share_hidden else
                      f"diketahui untuk {fmt_pct(100 * float(share), 0)} rumah tangga"
                      if share is not None and not pd.isna(share) else NO_DATA)
        if ind_id in COUNT_FIRST:
            value = households_text
            detail = f"{rate} dari yang layak" if known else known_text
        else:
            value = rate
            detail = f"{households_text} rumah tangga" if known else known_text
        if changes is None:
            change_text, points = None, None
        else:
            points = changes.get(f"{ind_id}_{change.CHANGE}")
            points = None if points is None or pd.isna(points) else round(float(points), 1)
            change_text = NO_DATA if points is None else _signed(points, 1, "poin")
        out.append(Headline(ind_id, SHORT_LABELS[ind_id], value, change_text, points, detail,
                            ind.higher_is_worse, f"{ind.label}: {ind.definition} "
                            f"{known_text.capitalize()}."))
    return out


SHARE_HIDDEN = "bagian yang diketahui disembunyikan (angka kecil)"


def opd_top(scope: Scope, names: pd.DataFrame, hide: bool = True,
            n: int = TOP_KELURAHAN) -> dict[str, OpdTop]:
    """Per OPD, the ``n`` kelurahan with most households needing its action (the Lintas OPD
    page's ranking, its shown counts above 0). Without them: no data (no count known), every
    count hidden, or no need (every count 0)."""
    page = opd_view(scope, names, as_pct=False, hide=hide)
    out = {}
    for agency in AGENCIES:
        ranking = page.agency_ranking(agency)
        counts = ranking[f"Perlu {agency}"].astype(str)
        shown = counts.str.fullmatch(r"[\d.]+").to_numpy()
        listed = ranking[shown & (counts != "0").to_numpy()].head(n)
        none = (NO_DATA if not len(ranking) else OPD_NONE_ZERO if shown.all()
                else OPD_NONE_HIDDEN)
        out[agency] = OpdTop(list(zip(listed[page.kel_word], listed[f"Perlu {agency}"])),
                             none)
    return out


def coverage_gaps(scope: Scope, names: pd.DataFrame, hide: bool = True,
                  n: int = TOP_GAPS) -> list[CoverageGap]:
    """The programs with most eligible households not receiving them (the Cakupan page's
    numbers), largest gap first; programs the register does not hold are left out."""
    page = coverage_view(scope, names, hide)
    rows = []
    for program, ind_id in planning.COVERAGE.items():
        c, t = columns(ind_id), page.total
        if ind_id not in page.available or pd.isna(t[c.rate]):
            continue
        gap = float(t[c.denominator] - t[c.count])
        lowest = page.lowest_coverage(ind_id)
        lowest = lowest[lowest["Cakupan"].str.endswith("%")].head(1)  # a shown rate
        lowest_text = (f"{lowest[page.kel_word].iat[0]} ({lowest['Cakupan'].iat[0]})"
                       if len(lowest) else NO_DATA)
        rows.append((gap, CoverageGap(PROGRAMS[program], fmt_pct(float(t[c.rate])),
                                      count_text(gap, hide), lowest_text)))
    rows.sort(key=lambda r: -r[0])
    return [gap for _, gap in rows[:n]]


def overview(row: pd.Series, changes: pd.Series | None, previous: str | None,
             snapshot: dict, scope: Scope, names: pd.DataFrame, area: str,
             hide: bool = True) -> Overview:
    """Everything the overview shows. ``row``: the indicator table's row of the area
    (:func:`city_row` or :func:`scope_row`); ``snapshot``: the period's stored snapshot."""
    accepted = int(snapshot.get("accepted") or 0)
    unlinked = int(snapshot.get("unlinked") or 0)
    linked = fmt_pct(100 * (accepted - unlinked) / accepted) if accepted else NO_DATA
    notes = [f"Angka {area}: tabel indikator (python -m geo indicators); persentase atas "
             f"rumah tangga yang nilainya diketahui; “{NO_DATA}” bukan 0."]
    hidden = None
    if hide:
        notes.append("Angka kecil (1–4 rumah tangga) disembunyikan.")
        if scope.filters.has_area:  # an account's area: its totals as the whole map's cells
            whole = scope.whole().table(HEADLINE_IDS)
            hidden = {i: forum.totals_hidden(whole, i, scope.settings.min_known_share,
                                             scope.filters) for i in HEADLINE_IDS}
    return Overview(
        area=area, period=str(snapshot["period"]), period_label=fmt_period(snapshot["period"]),
        imported=fmt_date(pd.Timestamp(snapshot["imported_at"])), linked_share=linked,
        previous=previous, is_demo=bool(snapshot.get("is_demo")),
        headline=headline(row, changes, hide, hidden), opd_top=opd_top(scope, names, hide),
        coverage_gaps=coverage_gaps(scope, names, hide), notes=notes)


def overview_content(ov: Overview) -> dict:
    """The overview as plain data (strings, lists, dicts) for a printed A4 sheet: title,
    freshness line, headline rows, the top kelurahan per OPD, the coverage gaps, notes."""
    return {
        "title": f"Ringkasan {ov.area}",
        "period": ov.period,
        "freshness": ov.freshness(),
        "headline": [asdict(h) for h in ov.headline],
        "opd_top": {agency: {"rows": [list(pair) for pair in top.rows], "none": top.none}
                    for agency, top in ov.opd_top.items()},
        "coverage_gaps": [asdict(g) for g in ov.coverage_gaps],
        "notes": list(ov.notes),
    }


def need_view(prepared: indicators.Prepared, filters: Filters, ind_id: str,
              kelurahan: pd.DataFrame, name_of: pd.Series, settings: Settings, hide: bool,
              ) -> tuple[MapView, Classes] | None:
    """The need per kelurahan as the map page counts it, with its 5 classes (one definition
    for the screen map and the printed sheet), or None when no kelurahan is in the area."""
    mapped = map_view(prepared, filters, ind_id, "kelurahan", "persen", kelurahan, name_of,
                      settings, hide=hide)
    if mapped is None:
        return None
    return mapped, classify(mapped.values.to_numpy(), k=5, palette=mapped.palette)


def need_map(need: tuple[MapView, Classes] | None, name_of: pd.Series, note: str,
             size_px: tuple[int, int], tiles: str | None = None):  # noqa: ANN201
    """The folium map of :func:`need_view`'s need per kelurahan (the map page's numbers,
    classes and legend), or None when no kelurahan is in the area."""
    if need is None:
        return None
    mapped, classes = need
    ind = indicators.get(mapped.ind_id)  # a short legend: the map is small
    return choropleth(mapped.areas, mapped.values, title=ind.label,
                      unit=f"{ind.unit} per {mapped.kel_word.lower()}", tooltip_rows=mapped.tooltip,
                      classes=classes, decimals=1, labels=name_of, note=note,
                      size_px=size_px, tiles=tiles)
