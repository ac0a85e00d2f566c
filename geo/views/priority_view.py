"""The priority page (Prioritas Musrenbang): a composite index over the indicators the forum
picks, with weights, per kelurahan or kecamatan, and the minutes' export."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from geo import exports, forum, indicators, planning
from geo.codes import level_word
from geo.columns import HOUSEHOLDS, columns
from geo.fmt import fmt_int, fmt_num
from geo.suppression import (
    coarsened_rates,
    is_small,
    protected_texts,
    rate_texts,
    small_count_note,
)
from geo.views.common import Scope

CHOICES = [i.id for i in indicators.INDICATORS if i.id != "inklusi"]
DEFAULT = ["miskin", "miskin_ekstrem", "air_minum_tidak_layak", "sanitasi_tidak_layak", "rtlh",
           "belum_jkn", "anak_tidak_sekolah", "krt_tidak_bekerja"]


FORUM_SCORE_NOTE = ("Skor untuk forum terbuka: persentase yang disembunyikan (“–”, karena jumlah "
                    "atau penyebutnya 1–4 rumah tangga) masuk skor sebagai nilai tengah yang "
                    "mungkin: 2,5 rumah tangga dibagi penyebutnya, atau 50% bila penyebutnya "
                    "1–4; persentase yang disembunyikan agar angka kecil tidak dapat dihitung "
                    "dari total masuk sebagai median persentase yang ditampilkan. Skor dan "
                    "peringkat jadi tidak membuka angka yang disembunyikan; "
                    "tanpa penyembunyian (perencana di meja kerja) skor memakai persentase "
                    "sebenarnya, sehingga peringkat keduanya bisa sedikit berbeda.")


def default_choice(available: set[str]) -> tuple[list[str], list[str]]:
    """(the default indicators the register holds, those left out): never weigh what the
    register lacks."""
    return ([i for i in DEFAULT if i in available], [i for i in DEFAULT if i not in available])


@dataclass(frozen=True)
class PriorityView:
    level: str  # kelurahan or kecamatan
    weights: dict[str, float]
    table: pd.DataFrame  # per ranked area: counts and rates of the chosen indicators
    areas: pd.DataFrame  # the ranked areas (kode, nama, kode_induk, geometry)
    ranked: pd.DataFrame  # planning.ranking
    region_names: pd.Series  # nama by kode, every region
    share: float = indicators.DEFAULT_SETTINGS.min_known_share  # the minimum known share
    hidden: pd.DataFrame | None = None  # forum.hidden_rates, when made for a forum
    # for a forum: every kelurahan whatever the area filter, whose suppression decides
    whole: pd.DataFrame | None = None

    @cached_property
    def households_texts(self) -> pd.Series:
        """The ranked areas' households as a forum sees them (suppressed over every area of
        the level: :mod:`geo.forum`)."""
        if self.whole is None:
            return forum.column_texts(self.table[HOUSEHOLDS])
        return forum.level_texts(self.whole, HOUSEHOLDS, None, self.share, self.level
                                 ).reindex(self.table.index)

    def secret(self, hide: bool = True) -> pd.DataFrame:
        """Per ranked area: which rates a forum sees hidden, and (``rumah_tangga``) whether
        its households are (:func:`geo.forum.hidden_rates` over every ranked area: a subset
        never decides alone)."""
        if not hide:
            return pd.DataFrame(False, index=self.table.index,
                                columns=[*self.weights, HOUSEHOLDS])
        if self.hidden is not None:
            return self.hidden
        return forum.hidden_rates(self.table, list(self.weights), self.share)

    @cached_property  # read by several tables of one rerun
    def area_label(self) -> str:
        """"Kecamatan", or what the ranked kelurahan are called ("Desa" in a kabupaten)."""
        return level_word(self.level, self.areas["kode"])

    @property
    def parent_label(self) -> str | None:
        return "Kecamatan" if self.level == "kelurahan" else None

    @property
    def names(self) -> pd.DataFrame:
        return self.areas.set_index("kode")

    @property
    def scored(self) -> pd.DataFrame:
        r = self.ranked
        return r[r["skor"].notna()].sort_values(["peringkat", "skor_sama"],
                                                ascending=[True, False])

    @property
    def unscored(self) -> pd.DataFrame:
        return self.ranked[self.ranked["skor"].isna()]

    def _parent(self, index: pd.Index) -> dict[str, object]:
        if not self.parent_label:
            return {}
        return {self.parent_label: self.region_names.reindex(
            self.names.loc[index, "kode_induk"]).to_numpy()}

    def ranking_table(self, hide: bool = True) -> pd.DataFrame:
        """The scored areas in rank order, as shown."""
        frame, table, names = self.scored, self.table, self.names
        secret = self.secret(hide).loc[frame.index]
        households = (self.households_texts if hide  # every area's suppression
                      else protected_texts(table[[HOUSEHOLDS]], False)[HOUSEHOLDS])
        out = pd.DataFrame({
            "Peringkat": frame["peringkat"].to_numpy(),
            "Perubahan": [planning.movement(v) for v in frame["perubahan"]],
            "Peringkat (bobot sama)": frame["peringkat_sama"].to_numpy(),
            self.area_label: names.loc[frame.index, "nama"].to_numpy(),
            **self._parent(frame.index),
            "Skor (0–100)": [planning.score_text(v) for v in frame["skor"]],
            "Rumah tangga": households.loc[frame.index].to_numpy(),
        }, index=frame.index)
        for ind_id in self.weights:
            c = columns(ind_id)
            out[indicators.get(ind_id).label] = rate_texts(  # a rate also tells its count
                table.loc[frame.index, c.rate], table.loc[frame.index, c.denominator], hide,
                table.loc[frame.index, c.count], secret[ind_id].to_numpy())
        return out

    def top(self, n: int) -> set[str]:
        """Codes of the areas ranked in the first ``n`` places (ties included)."""
        scored = self.scored
        if not len(scored):
            return set()
        last = scored["peringkat"].iloc[min(n, len(scored)) - 1]
        return set(scored.index[scored["peringkat"] <= last])

    def tooltip(self) -> pd.DataFrame:
        r = self.ranked
        return pd.DataFrame({
            self.area_label: self.names.loc[r.index, "nama"].to_numpy(),
            "Peringkat": [fmt_int(v) if pd.notna(v) else "–" for v in r["peringkat"]],
            "Skor": [planning.score_text(v) for v in r["skor"]],
            "Perubahan vs bobot sama": [planning.movement(v) for v in r["perubahan"]],
        }, index=r.index)

    def unscored_table(self) -> pd.DataFrame:
        idx = self.unscored.index
        return pd.DataFrame({
            self.area_label: self.names.loc[idx, "nama"].to_numpy(),
            **self._parent(idx),
            "Alasan": self.unscored["tanpa_skor"].to_numpy(),
        })

    def export(self, hide: bool = True) -> pd.DataFrame:
        """Sheet 1 of the minutes (numbers as numbers)."""
        names = self.names
        labels = pd.DataFrame({"nama": names["nama"],
                               "induk": self.region_names.reindex(names["kode_induk"]).to_numpy()},
                              index=names.index)
        return planning.priority_export(self.table, self.ranked, labels, hide, self.area_label,
                                        self.parent_label, self.secret(hide),
                                        self.households_texts if hide else None)

    def machine_export(self, hide: bool = True) -> pd.DataFrame:
        """:meth:`export` with snake_case column ids, for the machine CSV."""
        ids = {"Peringkat": "peringkat", "Peringkat (bobot sama)": "peringkat_sama",
               "Perubahan": "perubahan", "Kode": "kode", self.area_label: "nama",
               "Skor (0-100)": "skor", "Rumah tangga": HOUSEHOLDS,
               **{exports.label(columns(i).rate): columns(i).rate for i in self.weights}}
        if self.parent_label:
            ids[self.parent_label] = "induk"
        return self.export(hide).rename(columns=ids)

    def notes(self, period_label: str, settings: indicators.Settings, description: str,
              hide: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The minutes' notes sheet."""
        area = self.area_label
        return planning.priority_notes(
            self.weights, period_label, settings, description,
            extra=[("Tingkat wilayah", area),
                   (f"{area} tanpa skor",
                    ", ".join(self.names.loc[self.unscored.index, "nama"]) or "–"),
                   ("Angka kecil", small_count_note() if hide else "Tidak disembunyikan"),
                   *([("Skor forum", FORUM_SCORE_NOTE)] if hide else [])])

    def weights_text(self) -> str:
        return "Bobot terpilih: " + "; ".join(
            f"{indicators.get(i).label} {fmt_num(w, 0)}" for i, w in self.weights.items())

    @property
    def households(self) -> int:
        return int(self.table[HOUSEHOLDS].sum())


def priority_view(scope: Scope, weights: Mapping[str, float], level: str,
                  kecamatan: pd.DataFrame, names: pd.DataFrame, hide: bool = False
                  ) -> PriorityView:
    """The ranking of the scope's kelurahan (``level="kelurahan"``) or of the kecamatan
    holding them; ``kecamatan``: every kecamatan area (kode, nama, ...); ``names``: region
    names (kode, nama). ``hide`` (a forum): scored from :func:`forum_rates`, so that no score
    or rank gives back a rate the table hides."""
    ids = tuple(weights)
    table = kel = scope.table(ids)
    areas = scope.areas
    if level == "kecamatan":
        areas = kecamatan[kecamatan["kode"].isin(set(scope.areas["kode_induk"]))]
        areas = areas.reset_index(drop=True)
        table = indicators.for_areas(
            indicators.roll_up(kel, "kecamatan", scope.settings.min_known_share),
            areas["kode"])
    weights = dict(weights)
    share = scope.settings.min_known_share
    # a forum's suppression is decided over every kelurahan, whatever the area filter, and at
    # both levels together (geo.forum): the ranking hides what the map hides
    whole = None
    if hide:
        whole = scope.whole().table(ids) if scope.filters.has_area else kel
    hidden = (forum.hidden_rates(whole, list(weights), share, level).reindex(table.index)
              if hide else None)
    scored = forum_rates(table, weights, share, hidden) if hide else table
    return PriorityView(level, weights, table, areas, planning.ranking(scored, weights),
                        names.set_index("kode")["nama"], share, hidden, whole)


def forum_rates(table: pd.DataFrame, ids: Iterable[str],
                share: float = indicators.DEFAULT_SETTINGS.min_known_share,
                hidden: pd.DataFrame | None = None) -> pd.DataFrame:
    """``table`` with each rate of ``ids`` that a forum sees hidden (:mod:`geo.forum`)
    replaced by what is shown of it: the middle of "< 5" for a small count
    (:func:`geo.suppression.coarsened_rates`); for a count hidden only so that a total cannot
    give a small one back ("–", nothing shown of it), the median of the rates shown."""
    out = table.copy()
    secret = hidden if hidden is not None else forum.hidden_rates(table, list(ids), share)
    for ind_id in ids:
        c = columns(ind_id)
        rate = table[c.rate].astype(float)
        coarse = pd.Series(coarsened_rates(rate, table[c.denominator], table[c.count]),
                           index=table.index)
        small = is_small(table[c.count]) | is_small(table[c.denominator])  # coarsened above
        other = secret[ind_id] & ~small & rate.notna()  # hidden to protect another
        coarse[other] = rate[~secret[ind_id]].median()
        out[c.rate] = coarse
    return out
