"""What the Rujukan SLRT page shows, without Streamlit: map values and tooltips, the area
table, the OPD backlog and the outreach gap as text, with small counts hidden ("< 5") when the
page asks for it (:mod:`geo.suppression`) and unknown values as "tidak ada data"."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from geo import forum
from geo.answers import NO_DATA
from geo.codes import level_word
from geo.fmt import fmt_int, fmt_num
from geo.referrals import measures, vocab
from geo.suppression import (
    count_texts,
    hidden_last,
    hidden_too,
    hide_small,
    is_small,
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


def _num(value: float, decimals: int = 1) -> str:
    return NO_DATA if value is None or pd.isna(value) else fmt_num(float(value), decimals)


def _days(value: float) -> str:
    return NO_DATA if value is None or pd.isna(value) else fmt_int(value)


@dataclass(frozen=True)
class AreaView:
    table: pd.DataFrame  # measures.area_table of the kelurahan in scope
    hide: bool

    @cached_property  # read by several tables of one rerun
    def kel_word(self) -> str:
        """"Kelurahan", "Desa" or "Kelurahan/Desa" (:func:`geo.codes.level_word`)."""
        return level_word("kelurahan", self.table["kode"])

    @cached_property
    def exclusion_hidden(self) -> pd.Series:
        """Per area (by kode): the forum's map of the same filters hides its exclusion-error
        count (:func:`geo.forum.column_texts`). Its two parts, referred and not, add up to it,
        so they are hidden there too, and its rate."""
        t = self.table.set_index("kode")
        if not self.hide:
            return pd.Series(False, index=t.index)
        return forum.column_hidden(t["eksklusi"].astype(float))

    def map_values(self, measure: str) -> pd.Series:
        """Values to colour (indexed by kode); a small count is not coloured when hidden, and
        the rate and median of an area with few referrals neither (they would reveal it)."""
        t = self.table.set_index("kode")
        values = t[measure].astype(float)
        if measure in EXCLUSION_PARTS:
            values = values.where(~self.exclusion_hidden)
        if measure in COUNTS:
            return hide_small(values, values, self.hide)
        basis = t["terbuka"] if measure == "median_hari_terbuka" else t["rujukan"]
        return hide_small(values, basis.astype(float), self.hide)

    def tooltip(self) -> pd.DataFrame:
        t = self.table.set_index("kode")
        texts = self.count_texts()
        per_1000 = self.map_values("rujukan_per_1000")
        median = self.map_values("median_hari_terbuka")
        return pd.DataFrame({
            self.kel_word: t["nama"],
            "Rumah tangga (register)": [fmt_int(v) for v in t["rumah_tangga"]],
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

    def count_texts(self) -> pd.DataFrame:
        t = self.table.set_index("kode")
        counts = t[list(COUNTS)].astype(float)
        # eksklusi = dirujuk + tanpa rujukan (its count is on the Cakupan page): rows add up
        texts = protected_texts(counts, self.hide, rows_add_up=True)
        for part in EXCLUSION_PARTS:  # where the map hides their sum, both are hidden
            texts[part] = hidden_too(texts[part], self.exclusion_hidden.reindex(texts.index))
        return texts

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
        t = self.table
        counts = {c: float(t[c].sum()) for c in ("rujukan", "terbuka", "dari_luar_register")}
        texts = dict(zip(counts, count_texts(counts.values(), self.hide)))
        if t["dari_luar_register"].isna().all():  # a household filter: unknown, not 0
            texts["dari_luar_register"] = NO_DATA
        ex = t["eksklusi_tanpa_rujukan"]
        texts["eksklusi_tanpa_rujukan"] = (NO_DATA if ex.isna().all() else
                                           count_texts([float(ex.sum())], self.hide)[0])
        return texts

    def exclusion_known(self) -> str:
        """How much of the exclusion total is known: over how many areas it is summed."""
        known = int(self.table["eksklusi_tanpa_rujukan"].notna().sum())
        word = self.kel_word.lower()
        return (f"Dijumlah atas {fmt_int(known)} dari {fmt_int(len(self.table))} {word} yang "
                f"desil dan program rumah tangganya cukup diketahui; {word} lain “{NO_DATA}”, "
                "tidak dihitung 0.")


def backlog_display(backlog: pd.DataFrame, hide: bool) -> pd.DataFrame:
    """The OPD backlog (:func:`measures.opd_backlog`, most open first) as text; with ``hide``
    an OPD whose open count is hidden goes last, by name (unranked)."""
    small = is_small(backlog["terbuka"].to_numpy(dtype=float)) & hide
    order = hidden_last(small, backlog["dirujuk_ke"].astype(str))
    backlog, small = backlog.iloc[order], small[order]
    return pd.DataFrame({
        "OPD / lembaga tujuan": backlog["dirujuk_ke"].to_numpy(),
        "Rujukan": count_texts(backlog["rujukan"], hide),
        "Terbuka": count_texts(backlog["terbuka"], hide),
        "Median hari terbuka": ["–" if s else _days(v)
                                for s, v in zip(small, backlog["median_hari_terbuka"])],
        "Terlama (hari)": ["–" if s else _days(v)
                           for s, v in zip(small, backlog["terlama_hari"])],
        "Terbuka > 30 hari": count_texts(backlog["lebih_30_hari"], hide),
    })


def need_display(rates: pd.DataFrame, names: pd.Series, households: pd.Series | None = None,
                 hide: bool = False, kel_word: str = "Kelurahan") -> pd.DataFrame:
    """Referrals per 1.000 households by need or OPD (columns) per area (rows), as text. With
    ``hide``, a rate that stands for 1–4 referrals is not shown ("–"): with the households
    beside it, it would give the small count away."""
    labels = {k: v[0] for k, v in vocab.NEEDS.items()} | {"tidak_diketahui": "(tidak disebut)"}
    out = pd.DataFrame({kel_word: names.reindex(rates.index).to_numpy()})
    hh = (households.reindex(rates.index).to_numpy(dtype=float) if households is not None
          else np.full(len(rates), np.nan))
    for column in rates.columns:
        values = rates[column].to_numpy(dtype=float)
        small = is_small(np.round(values * hh / 1000)) & hide
        out[labels.get(column, column)] = ["–" if x else _num(v) for x, v in zip(small, values)]
    return out


def gap_display(gap: pd.DataFrame, hide: bool, kel_word: str = "Kelurahan",
                hidden: pd.Series | None = None) -> pd.DataFrame:
    """The outreach gap (:func:`measures.outreach_gap`) as text. With ``hide`` an exclusion
    rate over a small count is "–", and a row whose ranking count is hidden goes last, by
    name (:func:`geo.suppression.hidden_last`); ``hidden`` (by kode: the forum's map hides
    the area's exclusion count, :attr:`AreaView.exclusion_hidden`) hides its rate and parts
    the same way."""
    protected = (hidden.reindex(gap["kode"]).fillna(False).to_numpy(dtype=bool)
                 if hidden is not None and hide else np.zeros(len(gap), dtype=bool))
    untold = gap["eksklusi_tanpa_rujukan"].astype(float)
    order = hidden_last((is_small(untold.to_numpy()) & hide) | protected,
                        gap["nama"].astype(str))
    gap, untold, protected = gap.iloc[order], untold.iloc[order], protected[order]
    small_rate = is_small(pd.to_numeric(gap["eksklusi"], errors="coerce").to_numpy(dtype=float))
    untold_texts = hidden_too(count_texts(untold, hide), protected)
    return pd.DataFrame({
        kel_word: gap["nama"].to_numpy(),
        "Kesalahan eksklusi": ["–" if x else f"{fmt_num(v, 1)}%" for v, x in zip(
            gap["eksklusi_persen"], (small_rate & hide) | protected)],
        "Eksklusi tanpa rujukan": untold_texts,
        "Rujukan per 1.000 RT": ["–" if s else _num(v) for s, v in zip(
            is_small(gap["rujukan"].to_numpy(dtype=float)) & hide, gap["rujukan_per_1000"])],
    })


def access_display(access: pd.DataFrame, names: pd.Series, types: tuple[str, ...],
                   kel_word: str = "Kelurahan") -> pd.DataFrame:
    out = pd.DataFrame({kel_word: names.reindex(access.index).to_numpy()})
    out["RT dengan titik"] = [fmt_int(v) for v in access["rumah_tangga_bertitik"]]
    for kind in types:
        out[f"{vocab.POINT_TYPES[kind][0]} (m)"] = [_days(v) for v in access[f"jarak_{kind}"]]
    return out


__all__ = ["AreaView", "MAP_MEASURES", "access_display", "backlog_display", "gap_display",
           "map_decimals", "measures", "need_display"]
