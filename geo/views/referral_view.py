"""What the Rujukan SLRT page shows, without Streamlit: map values and tooltips, the area
table, the OPD backlog and the outreach gap as text, with small counts hidden ("< 5") when the
page asks for it (:mod:`geo.suppression`) and unknown values as "tidak ada data"."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from geo import forum
from geo.answers import NO_DATA
from geo.codes import level_word
from geo.filters import Filters
from geo.fmt import fmt_int, fmt_num
from geo.referrals import measures, vocab
from geo.suppression import (
    HIDDEN_TOO,
    Whole,
    count_texts,
    hidden_cells,
    hidden_last,
    hidden_too,
    hide_small,
    is_small,
    linked_texts,
    protected_texts,
)

MAP_MEASURES: dict[str, tuple[str, str, str]] = {  # id -> (label, unit, palette)
    "rujukan_per_1000": ("Rujukan per 1.000 rumah tangga", "per 1.000 RT", "YlGnBu"),
    "terbuka": ("Rujukan terbuka", "rujukan", "OrRd"),
    "median_hari_terbuka": ("Median hari terbuka", "hari", "OrRd"),
    "dari_luar_register": ("Rujukan dari luar register", "rujukan", "Purples"),
    "eksklusi_tanpa_rujukan": ("Kesalahan eksklusi tanpa rujukan", "rumah tangga", "YlOrRd"),
}
COUNT_UNITS = ("rujukan", "rumah tangga")  # measures counted in whole units


def map_decimals(measure: str) -> int:
    """Decimals of a map measure's legend: none for a count (as the main map), one for a
    rate or a median."""
    return 0 if MAP_MEASURES[measure][1] in COUNT_UNITS else 1


FILTERED_NOTE = ("Filter rumah tangga (desil, program, kelompok rentan) berlaku di halaman ini: "
                 "rumah tangga, rujukan dan kesalahan eksklusi dihitung hanya atas rumah "
                 "tangga register yang lolos filter. Rujukan dari luar register tidak punya "
                 f"desil atau program, jadi jumlahnya {NO_DATA}.")
OUTSIDE_LIST_NOTE = ("Filter desil, program dan kelompok rentan tidak berlaku untuk daftar ini: "
                     "rujukan dari luar register tidak punya data itu. Filter wilayah tetap "
                     "berlaku.")
EXCLUSION_PARTS = ("eksklusi_dirujuk", "eksklusi_tanpa_rujukan")  # they add up to eksklusi
COUNTS = ("rujukan", "terbuka", "dari_luar_register", "eksklusi_dirujuk",
          "eksklusi_tanpa_rujukan")
# counted within all referrals: the difference (closed ones, ones of register households) is a
# count a forum must not work out either
WITHIN_REFERRALS = (("rujukan", "terbuka"), ("rujukan", "dari_luar_register"))


def _num(value: float, decimals: int = 1) -> str:
    return NO_DATA if value is None or pd.isna(value) else fmt_num(float(value), decimals)


def _days(value: float) -> str:
    return NO_DATA if value is None or pd.isna(value) else fmt_int(value)


@dataclass(frozen=True)
class AreaView:
    table: pd.DataFrame  # measures.area_table of the kelurahan in scope
    hide: bool
    # with an area filter, for a forum: the table of every kelurahan, whose suppression the
    # chosen ones take (geo.forum), and the filter (a total of chosen kelurahan is a cell)
    whole: pd.DataFrame | None = None
    filters: Filters = field(default_factory=Filters)

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The table the suppression is decided over (by kode): every kelurahan, or these."""
        return (self.table if self.whole is None else self.whole).set_index("kode")

    def _mine(self, values: pd.Series | pd.DataFrame) -> pd.Series | pd.DataFrame:
        """``values`` (by kode, over :attr:`frame`) of the areas in scope, in their order."""
        return values.reindex(pd.Index(self.table["kode"].to_numpy(), dtype=object))

    @cached_property  # read by several tables of one rerun
    def kel_word(self) -> str:
        """"Kelurahan", "Desa" or "Kelurahan/Desa" (:func:`geo.codes.level_word`)."""
        return level_word("kelurahan", self.table["kode"])

    @cached_property
    def exclusion_hidden(self) -> pd.Series:
        """Per area (by kode): the forum's map of the same filters hides its exclusion-error
        count (:func:`geo.forum.need_hidden`: the table's forum flags, ``area_table(...,
        forum=True)``). Its two parts, referred and not, add up to it,
        so they are hidden there too, and its rate."""
        if not self.hide:
            return pd.Series(False, index=self.table["kode"].to_numpy())
        return self._mine(forum.need_hidden(self.frame.reset_index(), "eksklusi"))

    @cached_property
    def exclusion_rate_hidden(self) -> pd.Series:
        """Per area (by kode): the forum's map hides the exclusion-error rate (its count or
        its denominator is hidden: :func:`geo.forum.rate_hidden`)."""
        if not self.hide:
            return pd.Series(False, index=self.table["kode"].to_numpy())
        return self.exclusion_hidden | self._mine(
            forum.denominator_hidden(self.frame.reset_index(), "eksklusi"))

    @cached_property
    def _frame_households(self) -> pd.Series:
        return forum.column_texts(self.frame["rumah_tangga"].astype(float), self.hide)

    @cached_property
    def households_texts(self) -> pd.Series:
        """The register households per area as text: for a forum suppressed as the main map
        suppresses the same count (:func:`geo.forum.column_texts`), by kode."""
        return self._mine(self._frame_households)

    @cached_property
    def _frame_levels(self) -> dict[str, pd.DataFrame]:
        """The counts over :attr:`frame` as text at its level and each level above (a
        forum's total of a chosen kecamatan reads the same suppression). The two exclusion
        parts add up to the exclusion count the map shows at each level: the map's count
        minus one shown part never gives the other back; and all referrals minus the open
        ones, or those from outside the register, is never 1–4 (:func:`linked_texts`)."""
        counts = self.frame[list(COUNTS)].astype(float)
        if not self.hide:
            return {"kelurahan": protected_texts(counts, False)}
        exclusion = forum.flag_levels(self.frame.reset_index(), "eksklusi", "eksklusi")
        return linked_texts(counts, [Whole(EXCLUSION_PARTS, exclusion)], rows_add_up=True,
                            nested=WITHIN_REFERRALS)

    @cached_property
    def _frame_counts(self) -> pd.DataFrame:
        return next(iter(self._frame_levels.values()))

    @cached_property
    def _count_texts(self) -> pd.DataFrame:
        texts = self._mine(self._frame_counts)
        for part in EXCLUSION_PARTS:  # where the map hides their sum, both are hidden
            texts[part] = hidden_too(texts[part], self.exclusion_hidden.reindex(texts.index))
        return texts

    def count_texts(self) -> pd.DataFrame:
        """The counts per area (by kode) as text, small ones hidden and one more in each
        column (and kecamatan) that would give one back (:func:`protected_texts`)."""
        return self._count_texts

    def count_hidden(self, column: str) -> pd.Series:
        """Per area (by kode): a forum sees this count hidden ("< 5" or "–")."""
        texts = self._count_texts[column]
        return pd.Series(hidden_cells(texts), index=texts.index)

    @cached_property
    def frame_rate_hidden(self) -> pd.Series:
        """Per kelurahan the suppression is decided over (every one, with :attr:`whole`): the
        referrals per 1.000 households are hidden, because the referral count or the
        household count is (rate × households ÷ 1.000 is the count)."""
        return pd.Series(hidden_cells(self._frame_counts["rujukan"])
                         | hidden_cells(self._frame_households), index=self.frame.index)

    @cached_property
    def rate_hidden(self) -> pd.Series:
        """:attr:`frame_rate_hidden` of the areas in scope."""
        return self._mine(self.frame_rate_hidden)

    @cached_property
    def median_hidden(self) -> pd.Series:
        """Per area in scope (by kode): a forum sees no median of days open where few
        referrals are open (the median of 1–4 tells about them)."""
        t = self.table.set_index("kode")
        return pd.Series(self.hide & is_small(t["terbuka"].to_numpy(dtype=float)),
                         index=t.index)

    def map_values(self, measure: str) -> pd.Series:
        """Values to colour (indexed by kode): a count a forum sees hidden is not coloured,
        nor the rate of a hidden count; the median of an area with few open referrals
        neither (it would tell about them)."""
        t = self.table.set_index("kode")
        values = t[measure].astype(float)
        if not self.hide:
            return values
        if measure in COUNTS:
            return values.where(~self.count_hidden(measure))
        if measure == "rujukan_per_1000":
            return values.where(~self.rate_hidden)
        return values.where(~self.median_hidden)

    def tooltip(self) -> pd.DataFrame:
        t = self.table.set_index("kode")
        texts = self.count_texts()
        per_1000 = self.map_values("rujukan_per_1000")
        median = self.map_values("median_hari_terbuka")
        return pd.DataFrame({
            self.kel_word: t["nama"],
            "Rumah tangga (register)": self.households_texts.to_numpy(),
            "Rujukan": texts["rujukan"].to_numpy(),
            "Per 1.000 RT": [_num(v) if not (np.isnan(v) and not np.isnan(r)) else "–"
                             for v, r in zip(per_1000, t["rujukan_per_1000"].astype(float))],
            "Terbuka": texts["terbuka"].to_numpy(),
            "Median hari terbuka": [_days(v) if not (np.isnan(v) and not np.isnan(r)) else "–"
                                    for v, r in zip(median,
                                                    t["median_hari_terbuka"].astype(float))],
            "Dari luar register": texts["dari_luar_register"].to_numpy(),
            "Eksklusi tanpa rujukan": texts["eksklusi_tanpa_rujukan"].to_numpy(),
        }, index=t.index)

    def display(self, facilitators: pd.Series | None = None) -> pd.DataFrame:
        """The table per kelurahan as a person reads it."""
        t = self.table.set_index("kode")
        texts = self.count_texts()
        tip = self.tooltip()
        out = pd.DataFrame({
            self.kel_word: t["nama"], "Rumah tangga": tip["Rumah tangga (register)"],
            "Rujukan": texts["rujukan"], "Per 1.000 RT": tip["Per 1.000 RT"],
            "Terbuka": texts["terbuka"], "Median hari terbuka": tip["Median hari terbuka"],
            "Dari luar register": texts["dari_luar_register"],
            "Eksklusi dirujuk": texts["eksklusi_dirujuk"],
            "Eksklusi tanpa rujukan": texts["eksklusi_tanpa_rujukan"],
            "Eksklusi diketahui": [NO_DATA if pd.isna(v) else f"{fmt_num(100 * v, 0)}%"
                                   for v in t["eksklusi_diketahui"]],
        }, index=t.index)
        if facilitators is not None and len(facilitators):
            out["Fasilitator/pos"] = [fmt_int(v) if not pd.isna(v) else NO_DATA
                                      for v in facilitators.reindex(t.index)]
        return out.reset_index(drop=True)

    def totals(self) -> dict[str, str]:
        """The totals over the areas in scope; for a forum that chose kelurahan, "–" where
        one of them is hidden (the total is that count, or it plus shown ones)."""
        t = self.table
        counts = {c: float(t[c].sum()) for c in ("rujukan", "terbuka", "dari_luar_register")}
        texts = dict(zip(counts, count_texts(counts.values(), self.hide)))
        ex = t["eksklusi_tanpa_rujukan"]
        texts["eksklusi_tanpa_rujukan"] = (NO_DATA if ex.isna().all() else
                                           count_texts([float(ex.sum())], self.hide)[0])
        if self.hide:  # the total of chosen areas, hidden where one of them is at its level
            by_kelurahan = forum.chosen_level(self.filters) == "kelurahan"
            for column, text in texts.items():
                if text[:1].isdigit() and text != "0" and (
                        (by_kelurahan and self.count_hidden(column).any())  # the table's
                        or forum.chosen_hidden({lv: t[column] for lv, t in
                                                self._frame_levels.items()}, self.filters)):
                    texts[column] = HIDDEN_TOO
        if t["dari_luar_register"].isna().all():  # a household filter: unknown, not 0
            texts["dari_luar_register"] = NO_DATA
        return texts

    def exclusion_known(self) -> str:
        """How much of the exclusion total is known: over how many areas it is summed."""
        known = int(self.table["eksklusi_tanpa_rujukan"].notna().sum())
        word = self.kel_word.lower()
        return (f"Dijumlah atas {fmt_int(known)} dari {fmt_int(len(self.table))} {word} yang "
                f"desil dan program rumah tangganya cukup diketahui; {word} lain “{NO_DATA}”, "
                "tidak dihitung 0.")


BACKLOG_COUNTS = ("rujukan", "terbuka", "lebih_30_hari")
BACKLOG_HIDDEN_NOTE = ("Backlog per OPD untuk kelurahan yang dipilih tidak ditampilkan di forum "
                       "terbuka: rujukan satu kelurahan per OPD adalah sel tabel rujukan per OPD "
                       "yang sebagian disembunyikan. Pilih kecamatan, atau kosongkan filter "
                       "wilayah.")


def backlog_shown(hide: bool, filters: Filters) -> bool:
    """Whether a forum may see the backlog of the chosen areas: not of chosen kelurahan (each
    OPD's referrals there are cells of the table by OPD, some of them hidden)."""
    return not (hide and forum.chosen_level(filters) == "kelurahan")


def backlog_texts(backlog: pd.DataFrame, hide: bool) -> pd.DataFrame:
    """The backlog's counts per OPD (index: the OPD) as text: each column sums to a total
    shown elsewhere (the page's referrals and open referrals), so a forum sees one more count
    hidden ("–") in each column that would give a small one back."""
    counts = backlog.set_index("dirujuk_ke")[list(BACKLOG_COUNTS)].astype(float)
    return protected_texts(counts, hide)


def backlog_display(backlog: pd.DataFrame, hide: bool) -> pd.DataFrame:
    """The OPD backlog (:func:`measures.opd_backlog`, most open first) as text; with ``hide``
    an OPD whose open count is hidden goes last, by name (unranked)."""
    texts = backlog_texts(backlog, hide)
    small = is_small(backlog["terbuka"].to_numpy(dtype=float)) & hide
    order = hidden_last(hidden_cells(texts["terbuka"]), backlog["dirujuk_ke"].astype(str))
    backlog, small, texts = backlog.iloc[order], small[order], texts.iloc[order]
    return pd.DataFrame({
        "OPD / lembaga tujuan": backlog["dirujuk_ke"].to_numpy(),
        "Rujukan": texts["rujukan"].to_numpy(),
        "Terbuka": texts["terbuka"].to_numpy(),
        "Median hari terbuka": ["–" if s else _days(v)
                                for s, v in zip(small, backlog["median_hari_terbuka"])],
        "Terlama (hari)": ["–" if s else _days(v)
                           for s, v in zip(small, backlog["terlama_hari"])],
        "Terbuka > 30 hari": texts["lebih_30_hari"].to_numpy(),
    })


def need_display(counts: pd.DataFrame, names: pd.Series, area: AreaView,
                 backlog: pd.DataFrame | None = None) -> pd.DataFrame:
    """Referrals per 1.000 households by need or OPD (``counts``: areas by kode × needs, as
    :func:`measures.need_counts`, of every kelurahan when ``area`` has a whole table) as text,
    for ``area``'s kelurahan. A row adds up to the area's referrals, and an OPD's column to its
    referrals in the ``backlog``. For a forum a rate is hidden ("–") where its count is small;
    in the whole row where the area table hides the area's referrals or households; in the
    whole column where the backlog hides the OPD's referrals; and one more in each row and
    column that would give a hidden one back."""
    labels = {k: v[0] for k, v in vocab.NEEDS.items()} | {"tidak_diketahui": measures.NO_OPD}
    rates = measures.per_1000(counts, area.frame["rumah_tangga"])
    secret = np.zeros(counts.shape, dtype=bool)
    if area.hide:
        forced = np.zeros(counts.shape, dtype=bool)
        forced[area.frame_rate_hidden.reindex(counts.index).fillna(False).to_numpy(
            dtype=bool)] = True
        if backlog is not None and len(backlog):
            opd = backlog["dirujuk_ke"].replace(measures.NO_OPD, "tidak_diketahui").to_numpy()
            opd_hidden = pd.Series(hidden_cells(backlog_texts(backlog, True)["rujukan"]),
                                   index=opd)
            forced[:, opd_hidden.reindex(counts.columns).fillna(False).to_numpy(
                dtype=bool)] = True
        secret = hidden_cells(protected_texts(counts.astype(float), True, rows_add_up=True,
                                              forced=forced))
    mine = counts.index.get_indexer(pd.Index(area.table["kode"].to_numpy(), dtype=object))
    secret, rates = secret[mine], rates.iloc[mine]
    out = pd.DataFrame({area.kel_word: names.reindex(rates.index).to_numpy()})
    for j, column in enumerate(counts.columns):
        out[labels.get(column, column)] = ["–" if x else _num(v)
                                           for x, v in zip(secret[:, j], rates[column])]
    return out


def gap_display(gap: pd.DataFrame, area: AreaView) -> pd.DataFrame:
    """The outreach gap (:func:`measures.outreach_gap`, rows of ``area``'s table) as text,
    every count and rate hidden for a forum where the area table and the map hide it (taken
    from the whole level's suppression, never from these few rows); a row whose ranking count
    is hidden goes last, by name (:func:`geo.suppression.hidden_last`)."""
    codes = gap["kode"].to_numpy()
    untold = area.count_texts()["eksklusi_tanpa_rujukan"].reindex(codes).to_numpy()
    untold_hidden = hidden_cells(pd.Series(untold))
    order = hidden_last(untold_hidden, gap["nama"].astype(str))
    gap, untold = gap.iloc[order], untold[order]
    codes = gap["kode"].to_numpy()
    rate_hidden = area.exclusion_rate_hidden.reindex(codes).fillna(False).to_numpy(dtype=bool)
    per_1000_hidden = area.rate_hidden.reindex(codes).fillna(False).to_numpy(dtype=bool)
    return pd.DataFrame({
        area.kel_word: gap["nama"].to_numpy(),
        "Kesalahan eksklusi": ["–" if x else f"{fmt_num(v, 1)}%" for v, x in zip(
            gap["eksklusi_persen"], rate_hidden)],
        "Eksklusi tanpa rujukan": untold,
        "Rujukan per 1.000 RT": ["–" if x else _num(v) for v, x in zip(
            gap["rujukan_per_1000"], per_1000_hidden)],
    })


def access_values(access: pd.DataFrame, kind: str, hide: bool) -> pd.Series:
    """The median distance to the nearest service point of ``kind`` per area, to colour;
    for a forum none where 1–4 households have a location (it would tell where they live)."""
    values = access[f"jarak_{kind}"].astype(float)
    return hide_small(values, access["rumah_tangga_bertitik"].astype(float), hide)


def access_display(access: pd.DataFrame, names: pd.Series, types: tuple[str, ...],
                   kel_word: str = "Kelurahan", hide: bool = False,
                   whole: pd.DataFrame | None = None) -> pd.DataFrame:
    """Households with a location and their median distance per service-point type, as text.
    For a forum the households are counted as the main map counts households (1–4 hidden, and
    one more where a total would give them back; over ``whole``, every kelurahan's, when
    given), and their distances are not shown where they are 1–4."""
    out = pd.DataFrame({kel_word: names.reindex(access.index).to_numpy()})
    every = access if whole is None else whole
    out["RT dengan titik"] = forum.column_texts(
        every["rumah_tangga_bertitik"].astype(float), hide).reindex(access.index).to_numpy()
    for kind in types:
        shown = access_values(access, kind, hide)
        out[f"{vocab.POINT_TYPES[kind][0]} (m)"] = [
            "–" if np.isnan(v) and not np.isnan(r) else _days(v)
            for v, r in zip(shown, access[f"jarak_{kind}"].astype(float))]
    return out


__all__ = ["AreaView", "MAP_MEASURES", "access_display", "access_values", "backlog_display",
           "gap_display", "map_decimals", "measures", "need_display"]
