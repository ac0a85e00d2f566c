"""The cross-agency page (Kesenjangan lintas OPD): households needing each agency's action per
kelurahan, one agency's map and ranking, and households needing two or more agencies."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from geo import forum, indicators, planning
from geo.columns import HOUSEHOLDS, columns
from geo.fmt import fmt_int, fmt_pct
from geo.indicators import NO_DATA
from geo.suppression import (
    HIDDEN_TOO,
    count_text,
    hidden_cells,
    hidden_last,
    is_small,
    protected_texts,
    rate_texts,
)
from geo.views.common import Scope, area_labels

AGENCIES = list(planning.AGENCIES)
MULTI = "dua_opd_atau_lebih"
COLUMNS = [*AGENCIES, MULTI]
LABELS = {**{a: a for a in AGENCIES}, MULTI: "≥ 2 OPD"}
PAIRS_HIDDEN_NOTE = ("Tabel pasangan OPD tidak ditampilkan di forum terbuka bila wilayah dipilih: "
                     "selisih tabel dua pilihan wilayah dapat membuka angka kecil. Tanpa filter "
                     "wilayah, tabel seluruh wilayah tampil.")


def agency_id(agency: str) -> str:
    """An agency as a column id for machines: ``Perkim/PUPR`` → ``perkim_pupr``."""
    return re.sub(r"[^a-z0-9]+", "_", agency.lower()).strip("_")


@dataclass(frozen=True)
class OpdView:
    scope: Scope
    matrix: pd.DataFrame  # kelurahan × agency (planning.gap_matrix, with known)
    counts: pd.DataFrame  # households needing each agency, NaN where too little is known
    pct: pd.DataFrame  # their percentage of the households whose need is known
    overlap: pd.DataFrame  # planning.overlapping_needs
    pairs: pd.DataFrame  # agency × agency over the whole scope
    kel_names: list[str]
    kec_names: list[str]
    as_pct: bool
    hide: bool
    # with ``hide`` and an area filter: the same view over every kelurahan, whose suppression
    # the chosen ones take (geo.forum: choosing an area never shows what the whole hides)
    whole: OpdView | None = None

    @property
    def kel_word(self) -> str:
        return self.scope.kel_word

    @property
    def households(self) -> np.ndarray:
        return self.matrix[HOUSEHOLDS].to_numpy(dtype=float)

    def values(self) -> pd.DataFrame:
        """The matrix's numbers (percentages or counts), agencies and ≥ 2 OPD."""
        return self.pct[COLUMNS] if self.as_pct else self.counts[COLUMNS]

    @cached_property
    def count_texts(self) -> pd.DataFrame:
        """The matrix's counts (households, each agency, ≥ 2 OPD) as shown, every one protected
        together along rows and columns (with ``hide``): the screen's and the kartu's."""
        if self.whole is not None:
            return self.whole.count_texts.reindex(self.matrix.index)
        return protected_texts(self._block(), self.hide)

    def _block(self) -> pd.DataFrame:
        return pd.concat([pd.DataFrame({HOUSEHOLDS: self.households}, index=self.matrix.index),
                          self.counts[COLUMNS]], axis=1)

    def pct_hidden(self, column: str) -> pd.Series:
        """Per kelurahan: a forum sees the percentage of ``column`` (an agency, or ≥ 2 OPD)
        hidden: its count is, or its denominator (the households whose need for the agency
        is known; all households for ≥ 2 OPD) is small or hidden (count ÷ % = denominator)."""
        texts = self.count_texts
        secret = pd.Series(hidden_cells(texts[column]), index=texts.index)
        denominator = (texts[HOUSEHOLDS] if column == MULTI
                       else self.known_texts(column).reindex(texts.index))
        return secret | pd.Series(hidden_cells(denominator), index=texts.index)

    def matrix_table(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(the kelurahan × OPD matrix as text, most households needing ≥ 2 OPD first; its
        numbers in the same order for the colours, empty where a count is hidden: a shade
        would tell a hidden count from another)."""
        hide = self.hide
        display = pd.DataFrame({"Kecamatan": self.kec_names, self.kel_word: self.kel_names},
                               index=self.matrix.index)
        texts = self.count_texts
        secret = pd.DataFrame(hidden_cells(texts), index=texts.index, columns=texts.columns)
        display["Rumah tangga"] = texts[HOUSEHOLDS]
        for col in COLUMNS:
            display[LABELS[col]] = (
                rate_texts(self.pct[col], self.households, hide, self.counts[col],
                           self.pct_hidden(col) if hide else secret[col])
                if self.as_pct else texts[col])
        shown_secret = (pd.DataFrame({col: self.pct_hidden(col) for col in COLUMNS})
                        if hide and self.as_pct else secret[COLUMNS])
        values = self.values().where(~shown_secret)
        order = self._order(secret[MULTI])
        return display.loc[order], values.loc[order].rename(columns=LABELS)

    def _order(self, hidden: pd.Series) -> pd.Index:
        """The matrix's rows, most households needing ≥ 2 OPD first; for a forum, rows whose
        figure is hidden (``hidden``: its count; a percentage also over few households) last,
        by name (:func:`geo.suppression.hidden_last`)."""
        order = self.values()[MULTI].fillna(-1).sort_values(ascending=False, kind="stable").index
        if not self.hide:
            return order
        if self.as_pct:
            hidden = hidden | self.pct_hidden(MULTI)
        names = pd.Series(self.kel_names, index=self.matrix.index)
        return order[hidden_last(hidden.reindex(order).to_numpy(), names.reindex(order))]

    def matrix_export(self) -> tuple[pd.DataFrame, dict[str, str]]:
        """(the matrix for Excel and CSV, in the screen's order: households needing each OPD
        and ≥ 2 OPD as numbers and their percentages, a hidden count as its text ``< 5``/``–``
        with its percentage empty, an unknown value empty; headers by column id)."""
        block, texts = self._block(), self.count_texts
        hidden = hidden_cells(texts)
        numbers = block.astype(object).mask(hidden, texts)
        secret = pd.DataFrame(hidden, index=block.index, columns=block.columns)
        small = pd.Series(is_small(self.households) & self.hide, index=block.index)
        out = pd.DataFrame({"kode": self.matrix.index, "kecamatan": self.kec_names,
                            "nama": self.kel_names}, index=self.matrix.index)
        out[HOUSEHOLDS] = numbers[HOUSEHOLDS]
        labels = {"kode": "Kode wilayah", "kecamatan": "Kecamatan", "nama": self.kel_word,
                  HOUSEHOLDS: "Rumah tangga"}
        for col in COLUMNS:
            key = agency_id(col)
            out[key] = numbers[col]
            out[f"{key}_persen"] = self.pct[col].round(1).where(
                ~(secret[col] | small | (self.pct_hidden(col) if self.hide else False)))
            labels[key] = f"Perlu {LABELS[col]}, rumah tangga"
            labels[f"{key}_persen"] = f"Perlu {LABELS[col]}, %"
        return out.loc[self._order(secret[MULTI])].reset_index(drop=True), labels

    def availability(self) -> list[tuple[str, str]]:
        """("warning" | "info", text) per agency the register lacks indicators of."""
        available, out = self.scope.available(), []
        for agency, ids in planning.AGENCIES.items():
            lacking = [i for i in ids if i not in available]
            if not lacking:
                continue
            notes = " ".join(self.scope.unavailable_text(i) for i in lacking)
            if len(lacking) == len(ids):
                out.append(("warning", f"{agency}: kolom abu-abu, {NO_DATA} (bukan 0). {notes}"))
            else:
                out.append(("info", f"{agency} dihitung tanpa indikator yang tidak ada di "
                                    f"register. {notes}"))
        return out

    def agency_map(self, agency: str) -> tuple[pd.Series, pd.DataFrame]:
        """(one agency's value per kelurahan, empty where small and hidden; tooltip rows)."""
        hide, known = self.hide, self.matrix[planning.known_column(agency)]
        texts = self.count_texts  # as the matrix beside it shows them
        known_texts = self.known_texts(agency)
        hidden_count = pd.Series(hidden_cells(texts[[agency]])[:, 0], index=texts.index)
        hidden_known = pd.Series(hidden_cells(known_texts.to_frame())[:, 0],
                                 index=texts.index)
        values = self.pct[agency] if self.as_pct else self.counts[agency]
        values = values.where(~(hidden_count | (hidden_known & self.as_pct)))
        tooltip = pd.DataFrame({
            self.kel_word: self.kel_names, "Kecamatan": self.kec_names,
            f"Perlu {agency}": texts[agency],
            "Persentase": rate_texts(self.pct[agency], known, hide, self.counts[agency],
                                     (hidden_count | hidden_known).to_numpy()),
            "Rumah tangga": texts[HOUSEHOLDS],
            "Kebutuhan diketahui": known_texts,
        }, index=self.matrix.index)
        return values, tooltip

    def known_texts(self, agency: str) -> pd.Series:
        """Households whose need for ``agency`` is known, per kelurahan, as shown (their sum
        is on the page: protected as a column, :func:`geo.forum.column_texts`)."""
        if self.whole is not None:
            return self.whole.known_texts(agency).reindex(self.matrix.index)
        return forum.column_texts(self.matrix[planning.known_column(agency)].rename("diketahui"),
                                  self.hide)

    def agency_ranking(self, agency: str) -> pd.DataFrame:
        """Kelurahan where the agency's need is known, most households first (same count,
        same rank), with the agency's indicators."""
        hide, known = self.hide, self.matrix[planning.known_column(agency)]
        ids = planning.AGENCIES[agency]
        sub = self.scope.table(ids)
        ranked = self.counts[agency].dropna().sort_values(ascending=False, kind="stable")
        texts = self.count_texts[[agency]].reindex(ranked.index)  # the matrix's suppression
        secret = hidden_cells(texts)[:, 0]
        unranked = np.zeros(len(ranked), dtype=bool)
        if hide:
            # hidden counts: no rank, in name order (no order leaks); ranks among the shown
            # counts only (one counted over a hidden "–" would tell whether it is above); a
            # shown 0 unranked with them (ranked, it would stand above the 1-4 of a "< 5")
            unranked = secret | (ranked.to_numpy() == 0)
            names = pd.Series(self.kel_names, index=self.matrix.index).reindex(ranked.index)
            order = hidden_last(unranked, names)
            ranked, texts = ranked.iloc[order], texts.iloc[order]
            secret, unranked = secret[order], unranked[order]
        places = ranked.where(~unranked).rank(method="min", ascending=False)
        pos = self.matrix.index.get_indexer(ranked.index)
        table = pd.DataFrame({
            "Peringkat": [fmt_int(r) if not x else "–" for r, x in zip(  # text: one type
                places.fillna(0).astype(int), unranked)],
            self.kel_word: [self.kel_names[i] for i in pos],
            f"Perlu {agency}": texts.iloc[:, 0].to_numpy(),
            "Persentase": rate_texts(self.pct[agency].to_numpy()[pos],
                                     known.to_numpy()[pos], hide, ranked, secret | hidden_cells(
                                         self.known_texts(agency).iloc[pos].to_frame())[:, 0]),
        })
        share = self.scope.settings.min_known_share
        whole = None if self.whole is None else self.whole.scope.table(ids)
        for ind_id in ids:  # each as the map shows it (geo.forum: the whole scope's)
            table[indicators.get(ind_id).label] = forum.whole_cells(
                sub, whole, ind_id, share, hide)[columns(ind_id).count].reindex(
                ranked.index).to_numpy()
        return table

    def _total_texts(self, values: dict[str, float], counts: dict[str, pd.Series]
                     ) -> dict[str, str]:
        """Totals over the scope's kelurahan as text: for a forum, "< 5" when small, and "–"
        where the area filter chose areas whose count is hidden at their level
        (:func:`geo.forum.selection_hidden`, ``counts``: per kelurahan of every area)."""
        if not self.hide:
            return {k: fmt_int(v) for k, v in values.items()}
        filters = self.scope.filters
        return {k: HIDDEN_TOO if v > 0 and not is_small(v) and forum.selection_hidden(
            counts[k], filters) else count_text(v) for k, v in values.items()}

    @property
    def _every(self) -> OpdView:
        return self if self.whole is None else self.whole

    def agency_total(self, agency: str) -> str:
        total = int(self.matrix[agency].sum())
        known_column = planning.known_column(agency)
        known = int(self.matrix[known_column].sum())
        every = self._every.matrix
        texts = self._total_texts(
            {"total": total, "known": known, "households": float(self.households.sum())},
            {"total": self._every.counts[agency], "known": every[known_column],
             "households": every[HOUSEHOLDS]})  # as count_texts and known_texts take them
        secret = hidden_cells(pd.Series([texts["total"], texts["known"]])).any()
        pct = HIDDEN_TOO if secret else fmt_pct(100 * total / known if known else None)
        return (f"Total {texts['total']} rumah tangga perlu tindakan {agency} "
                f"({pct} dari {texts['known']} "
                f"rumah tangga yang kebutuhannya diketahui, dari "
                f"{texts['households']} dalam data). Peringkat sama untuk jumlah "
                f"sama; {self.kel_word.lower()} “{NO_DATA}” tidak diperingkat" + (
                    "; angka yang disembunyikan dan 0 tidak diperingkat (di akhir, menurut "
                    "nama)." if self.hide else "."))

    def overlap_table(self) -> pd.DataFrame:
        """Per kelurahan: households needing ≥ 2 OPD and the pair most often needed."""
        hide = self.hide
        ov = self.overlap.sort_values(MULTI, ascending=False, kind="stable")
        texts = self.overlap_texts().reindex(ov.index)
        if hide:  # a hidden count is not ranked (geo.suppression.hidden_last)
            names = pd.Series(self.kel_names, index=self.overlap.index).reindex(ov.index)
            order = hidden_last(hidden_cells(texts[[MULTI]])[:, 0], names)
            ov, texts = ov.iloc[order], texts.iloc[order]
        pos = self.overlap.index.get_indexer(ov.index)
        return pd.DataFrame({
            self.kel_word: [self.kel_names[i] for i in pos],
            "Kecamatan": [self.kec_names[i] for i in pos],
            "Rumah tangga": texts[HOUSEHOLDS].to_numpy(),
            "Perlu ≥ 2 OPD": texts[MULTI].to_numpy(),
            "Persentase": rate_texts(ov["persen"], ov[HOUSEHOLDS], hide, ov[MULTI],
                                     hidden_cells(texts[[MULTI]])[:, 0]
                                     | hidden_cells(texts[[HOUSEHOLDS]])[:, 0]),
            "Pasangan OPD terbanyak": ov["pasangan_terbanyak"].to_numpy(),
            "Jumlah pasangan": texts["pasangan_jumlah"].to_numpy(),
        })

    def overlap_texts(self) -> pd.DataFrame:
        """The overlap's counts per kelurahan as shown (the whole scope's suppression)."""
        if self.whole is not None:
            return self.whole.overlap_texts().reindex(self.overlap.index)
        return protected_texts(self.overlap[[HOUSEHOLDS, MULTI, "pasangan_jumlah"]],
                               self.hide)

    def pairs_table(self) -> pd.DataFrame | None:
        """Households needing both agencies of each pair, over the scope. None for a forum
        that chose areas: the pairs of one set of kelurahan minus another's would give back
        a few households' pairs that no table protects."""
        if self.hide and self.scope.filters.has_area:
            return None
        return protected_texts(self.pairs, self.hide, rows_add_up=True)  # symmetric

    @property
    def multi_total(self) -> int:
        return int(self.overlap[MULTI].sum())

    def multi_total_text(self) -> str:
        """:attr:`multi_total` as shown (hidden as the totals of :meth:`agency_total`)."""
        return self._total_texts({MULTI: float(self.multi_total)},
                                 {MULTI: self._every.overlap[MULTI]})[MULTI]


def opd_view(scope: Scope, names: pd.DataFrame, as_pct: bool = False, hide: bool = True,
             pairs: bool = True) -> OpdView:
    """What the cross-agency page shows for the scope; ``names``: region names. ``pairs``
    False leaves the agency pairs uncounted (empty): the whole view a forum's area filter
    takes its suppression from shows none."""
    codes = scope.areas["kode"].tolist()
    needs, keys, labels, known_needs, weights = scope.household_needs()
    matrix = planning.gap_matrix(needs, keys, codes, labels, known=known_needs, weights=weights)
    counts, pct = planning.agency_rates(matrix, AGENCIES, scope.settings.min_known_share)
    households = matrix[HOUSEHOLDS].to_numpy(dtype=float)
    # "≥ 2 OPD" counts the needs that are known: where no agency's need is known there is
    # nothing to count, and the cell is "tidak ada data", not 0
    any_known = counts[AGENCIES].notna().any(axis=1).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        pct[MULTI] = np.where((households > 0) & any_known,
                              100 * matrix[MULTI] / households, np.nan)
    counts[MULTI] = matrix[MULTI].astype(float).where(any_known)
    overlap = planning.overlapping_needs(needs, keys, codes, labels, weights=weights)
    kel_names, kec_names = area_labels(names, matrix.index)
    if scope.filters.has_area:  # the pairs of the chosen areas' households, as the matrix
        inside = np.append(pd.Index(labels).isin(codes), False)  # last: not linked
        rows = inside[np.asarray(keys)]
        needs, weights = needs[rows], None if weights is None else np.asarray(weights)[rows]
    whole = (opd_view(scope.whole(), names, as_pct, hide, pairs=False)
             if hide and scope.filters.has_area else None)
    counted = planning.overlap_pairs(needs, weights) if pairs else pd.DataFrame()
    return OpdView(scope, matrix, counts, pct, overlap, counted, kel_names, kec_names, as_pct,
                   hide, whole)
