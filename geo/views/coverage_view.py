"""The coverage page (Cakupan & ketepatan sasaran): program coverage among eligible
households, exclusion and inclusion errors per kelurahan, and the verification list."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo import forum, indicators, planning
from geo.columns import columns
from geo.filters import Filters
from geo.indicators import NO_DATA, NOT_IN_REGISTER, Settings
from geo.schema import PROGRAMS
from geo.suppression import (
    HIDDEN_TOO,
    hidden_cells,
    hidden_last,
    rate_texts,
)
from geo.views.common import Scope, area_labels

COVER_IDS = tuple(planning.COVERAGE.values())
IDS = COVER_IDS + planning.ERROR_IDS
KINDS = ["Semua", "Eksklusi", "Inklusi"]


@dataclass(frozen=True)
class Metric:
    label: str
    value: str
    help: str | None = None
    caption: str | None = None


@dataclass(frozen=True)
class CoverageView:
    table: pd.DataFrame  # per kelurahan in scope, the coverage and error indicators
    total: pd.Series
    kel_names: list[str]
    kec_names: list[str]
    available: set[str]
    unavailable: dict[str, str]  # indicator id -> "tidak tersedia di register ini ..."
    settings: Settings
    hide: bool  # small counts hidden
    kel_word: str = "Kelurahan"  # what the kelurahan are called (Scope.kel_word)
    whole: pd.DataFrame | None = None  # the indicators over every kelurahan (area filter)
    filters: Filters = field(default_factory=Filters)
    _cells: dict = field(default_factory=dict, compare=False, repr=False)  # cells() by id

    def totals(self, ind_id: str) -> forum.Totals:
        """The indicator's totals over the scope as shown: for a forum hidden where they would
        give back a count the whole map hides (:func:`geo.forum.totals_hidden`)."""
        hidden = (forum.totals_hidden(self.whole, ind_id, self.settings.min_known_share,
                                      self.filters)
                  if self.hide and self.whole is not None else frozenset())
        return forum.Totals(self.total, ind_id, self.hide, hidden)

    def program_metrics(self) -> list[Metric]:
        """One metric per program: coverage over the eligible, or "–" when not held."""
        out = []
        for program, ind_id in planning.COVERAGE.items():
            c = columns(ind_id)
            if ind_id not in self.available:  # a short value: the metric has a column's width
                out.append(Metric(PROGRAMS[program], "–", self.unavailable[ind_id],
                                  NOT_IN_REGISTER))
                continue
            shown = self.totals(ind_id)
            out.append(Metric(PROGRAMS[program], shown.rate(),
                              f"{shown.count(c.count)} dari {shown.count(c.denominator)} rumah "
                              f"tangga layak menerima; {shown.known()} layak."))
        return out

    def error_metrics(self) -> list[Metric]:
        """Households in exclusion and inclusion error (totals)."""
        out, t = [], self.total
        for ind_id in planning.ERROR_IDS:
            ind, c = indicators.get(ind_id), columns(ind_id)
            if ind_id not in self.available:
                out.append(Metric(ind.label, "–", None, self.unavailable[ind_id]))
                continue
            known = indicators.is_known(t, ind_id, self.settings.min_known_share)
            shown = self.totals(ind_id)
            share = f"{shown.rate()} dari {shown.count(c.denominator)} {ind.denominator_label}"
            out.append(Metric(ind.label, shown.count(c.count) if known else NO_DATA,
                              share + ".",
                              f"{share} ({shown.known()})"))
        return out

    def cells(self, ind_id: str) -> pd.DataFrame:
        """The indicator's counts per kelurahan in scope as shown (:func:`geo.forum.cells`:
        the map page's suppression over every kelurahan, so no page, and no area filter,
        shows what another hides)."""
        if ind_id not in self._cells:  # several tables of one rerun read it
            self._cells[ind_id] = forum.whole_cells(self.table, self.whole, ind_id,
                                                    self.settings.min_known_share, self.hide)
        return self._cells[ind_id]

    def map_values(self, ind_id: str) -> tuple[pd.Series, pd.DataFrame]:
        """(the rate per kelurahan, empty where it is hidden; the tooltip rows)."""
        ind, c, table, hide = indicators.get(ind_id), columns(ind_id), self.table, self.hide
        cells = self.cells(ind_id)
        secret = forum.rate_hidden(cells, ind_id)
        rate = table[c.rate].where(~secret)
        tooltip = pd.DataFrame({
            self.kel_word: self.kel_names,
            "Kecamatan": self.kec_names,
            ind.label: rate_texts(table[c.rate], table[c.denominator], hide, table[c.count],
                                  secret),
            "Rumah tangga": cells[c.count].to_numpy(),
            f"Penyebut ({ind.denominator_label}, diketahui)": cells[c.denominator].to_numpy(),
            f"Semua {ind.denominator_label}": cells[c.population].to_numpy(),
        }, index=table.index)
        return rate, tooltip

    def lowest_coverage(self, ind_id: str) -> pd.DataFrame:
        """Kelurahan with a coverage rate, lowest first; those with fewer eligible households
        known than :data:`geo.indicators.MIN_RANKED_DENOMINATOR` are not ranked (the map
        page's rule), nor, for a forum, those whose rate is hidden (last, by name)."""
        c, table, hide = columns(ind_id), self.table, self.hide
        ranked = indicators.worst_areas(table, ind_id, n=None)
        texts = self.cells(ind_id).reindex(ranked.index)  # the whole scope's suppression
        rates = np.asarray(rate_texts(ranked[c.rate], ranked[c.denominator], hide,
                                      ranked[c.count], forum.rate_hidden(texts, ind_id)),
                           dtype=object)
        pos = table.index.get_indexer(ranked.index)
        # a hidden rate is not ranked (geo.suppression.hidden_last); shown, every rate is
        order = hidden_last(rates == HIDDEN_TOO, [self.kel_names[i] for i in pos])
        return pd.DataFrame({
            self.kel_word: [self.kel_names[i] for i in pos[order]],
            "Layak": texts[c.denominator].to_numpy()[order],
            "Menerima": texts[c.count].to_numpy()[order],
            "Cakupan": rates[order],
        })

    def coverage_table(self) -> pd.DataFrame:
        """Coverage of every program per kelurahan."""
        table = self.table
        wide = pd.DataFrame({"Kecamatan": self.kec_names, self.kel_word: self.kel_names},
                            index=table.index)
        for program, ind_id in planning.COVERAGE.items():
            c = columns(ind_id)
            wide[PROGRAMS[program]] = rate_texts(table[c.rate], table[c.denominator], self.hide,
                                                 table[c.count],
                                                 forum.rate_hidden(self.cells(ind_id), ind_id))
        return wide

    def export(self) -> pd.DataFrame:
        """Every coverage and targeting-error indicator per kelurahan for Excel and CSV
        (column ids of the label registry): eligible households known, households counted
        (a hidden count as its text, an unknown one empty) and the rate (empty where the
        screen hides it)."""
        table, share = self.table, self.settings.min_known_share
        out = pd.DataFrame({"kode": table.index, "kecamatan": self.kec_names,
                            "nama": self.kel_names}, index=table.index)
        for ind_id in IDS:  # as on screen: the whole scope's suppression of each column
            c, texts = columns(ind_id), self.cells(ind_id)
            secret = forum.hidden(texts)
            for column, values in ((c.denominator, table[c.denominator].astype(float)),
                                   (c.count, indicators.known_count(table, ind_id, ind_id,
                                                                    share))):
                out[column] = values.astype(object).mask(secret[column], texts[column])
            out[c.rate] = table[c.rate].round(2).where(~forum.rate_hidden(texts, ind_id))
        return out.reset_index(drop=True)

    def most_errors(self, ind_id: str) -> pd.DataFrame:
        """Kelurahan where the error is known, most households first."""
        c, table, hide = columns(ind_id), self.table, self.hide
        ranked = table[indicators.is_known(table, ind_id, self.settings.min_known_share)]
        ranked = ranked.sort_values(c.count, ascending=False)
        texts = self.cells(ind_id).reindex(ranked.index)  # the whole scope's suppression
        counts, secret = texts[[c.count]], forum.rate_hidden(texts, ind_id)
        if hide:  # a hidden count is not ranked (geo.suppression.hidden_last)
            names = pd.Series(self.kel_names, index=table.index).reindex(ranked.index)
            order = hidden_last(hidden_cells(counts)[:, 0], names)
            ranked, counts, secret = ranked.iloc[order], counts.iloc[order], secret.iloc[order]
        pos = table.index.get_indexer(ranked.index)
        return pd.DataFrame({
            self.kel_word: [self.kel_names[i] for i in pos],
            "Kecamatan": [self.kec_names[i] for i in pos],
            "Rumah tangga": counts[c.count].to_numpy(),
            "Persentase": rate_texts(ranked[c.rate], ranked[c.denominator], hide, ranked[c.count],
                                     secret),
        })


def coverage_view(scope: Scope, names: pd.DataFrame, hide: bool = True) -> CoverageView:
    """What the coverage page shows for the scope; ``names``: region names (kode, nama,
    kode_induk)."""
    table = scope.table(IDS)
    kel_names, kec_names = area_labels(names, table.index)
    available = scope.available()
    whole = scope.whole().table(IDS) if hide and scope.filters.has_area else None
    return CoverageView(table, indicators.totals(table, scope.settings.min_known_share),
                        kel_names, kec_names, available,
                        {i: scope.unavailable_text(i) for i in IDS if i not in available},
                        scope.settings, hide, scope.kel_word, whole, scope.filters)


def verification(flagged: pd.DataFrame, reasons: pd.DataFrame, identity: pd.DataFrame,
                 names: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The verification list of the flagged households the filters keep."""
    if not filters.is_empty:  # the same filters, on the flagged households
        kept = np.asarray(filters.mask(flagged), dtype=bool)
        flagged, reasons = flagged[kept], reasons[kept]
    return planning.verification_list(flagged, reasons, identity, names)


def place_choices(listing: pd.DataFrame) -> dict[str, str]:
    """The kelurahan of a verification list as a planner picks them, label -> code: the name,
    "Name (Kecamatan)" where kelurahan of one name lie in several kecamatan (common among a
    kabupaten's desa), and the code too where that still repeats."""
    places = listing[["Kode wilayah", "Kelurahan", "Kecamatan"]].drop_duplicates("Kode wilayah")
    label = places["Kelurahan"].astype(str)
    label = label.where(~label.duplicated(keep=False),
                        label + " (" + places["Kecamatan"].astype(str) + ")")
    label = label.where(~label.duplicated(keep=False),
                        label + " · " + places["Kode wilayah"].astype(str))
    return dict(sorted(zip(label, places["Kode wilayah"])))


def pick(listing: pd.DataFrame, kind: str = "Semua", kelurahan: str | None = None
         ) -> pd.DataFrame:
    """The rows of one kind (Eksklusi, Inklusi; "Semua": all) and of one kelurahan (its code
    from :func:`place_choices`; None: all)."""
    if kind != "Semua":
        listing = listing[listing["Jenis"].str.contains(kind)]
    if kelurahan is not None:
        listing = listing[listing["Kode wilayah"] == kelurahan]
    return listing


def verification_notes(period_label: str, description: str, kind: str, kelurahan: str,
                       settings: Settings) -> pd.DataFrame:
    """The notes sheet of the verification list's workbook."""
    return pd.DataFrame([
        ("Periode data", period_label),
        ("Filter", description or "Tanpa filter"),
        ("Pilihan", f"Jenis: {kind}; kelurahan: {kelurahan}"),
        ("Data pribadi", "NIK dan No. KK disamarkan (4 digit awal dan 4 digit akhir); nama "
                         "tidak dicantumkan. Hanya untuk verifikasi lapangan."),
        *[(indicators.get(i).label, indicators.get(i).definition) for i in planning.ERROR_IDS],
        *[("Pengaturan definisi", line) for line in settings.describe()],
    ], columns=["Keterangan", "Isi"])

